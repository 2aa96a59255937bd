"""Sensitivity analysis: each meta-analysis rerun without the studies at high risk of bias.

"High risk" is a consensus overall judgement at level 2 or worse in the review's tool (RoB 2 high,
ROBINS-I serious or critical, JBI's declared rule high, NOS poor). The rerun uses the main
analysis's own method and scale, so the two results differ only in the studies left out.
Studies are matched by their label in the analysis (the extraction's "Author year", which is the
screening label unless a study was relabelled).
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from cartsle_cli.appraisal.store import appraised_tools, study_appraisals
from cartsle_cli.appraisal.tool import get_tool
from cartsle_cli.errors import CartsleError
from cartsle_cli.pooling import PoolResult
from cartsle_cli.stats.meta_proportions import meta_proportions

HIGH_LEVEL = 2


@dataclass(frozen=True)
class PooledFigures:
    k: int
    participants: int
    estimate: float
    lower: float
    upper: float
    i2: float | None


@dataclass(frozen=True)
class SensitivityResult:
    outcome: str
    label: str
    left_out: list[str]  # studies at high risk of bias in this analysis
    main: PooledFigures
    without: PooledFigures | None  # None when no study is left out, or too few remain
    note: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def high_risk_studies(conn: sqlite3.Connection) -> set[str] | None:
    """Labels of the studies at high risk by consensus; None when nothing is appraised."""
    used = appraised_tools(conn)
    if not used:
        return None
    high = set()
    for name in used:
        tool = get_tool(name)
        levels = {j.name: j.level for j in tool.overall.judgements}
        high |= {
            s.study_id
            for s in study_appraisals(conn, tool)
            if (levels.get(s.overall or "") or 0) >= HIGH_LEVEL
        }
    return high


def _figures(meta) -> PooledFigures:
    return PooledFigures(meta.k, meta.total, meta.estimate, meta.lower, meta.upper, meta.i2)


def without_high_risk(pool: PoolResult, high: set[str]) -> list[SensitivityResult]:
    """Every pooled outcome, main analysis beside the rerun without ``high``."""
    results = []
    for outcome in pool.safety.outcomes:
        meta = outcome.meta
        if meta is None:
            continue
        kept = [s for s in meta.studies if s.label not in high]
        left_out = [s.label for s in meta.studies if s.label in high]
        without, note = None, None
        if not left_out:
            note = "no study at high risk of bias"
        elif len(kept) < 2:
            note = f"{len(kept)} studies left: nothing to pool"
        else:
            try:
                rerun = meta_proportions(
                    [s.events for s in kept],
                    [s.total for s in kept],
                    method=pool.options.method,
                    scale=pool.options.scale,
                    labels=[s.label for s in kept],
                )
                without = _figures(rerun)
            except CartsleError as error:
                note = str(error)
        results.append(
            SensitivityResult(outcome.name, outcome.label, left_out, _figures(meta), without, note)
        )
    return results


def sensitivity(conn: sqlite3.Connection, pool: PoolResult) -> list[SensitivityResult]:
    """The sensitivity analysis of the review's pooled results; empty before any appraisal."""
    high = high_risk_studies(conn)
    return [] if high is None else without_high_risk(pool, high)
