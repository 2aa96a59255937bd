"""Sensitivity analysis: each meta-analysis rerun without the studies at high risk of bias.

"High risk" is a consensus overall judgement at level 2 or worse in the review's tool (RoB 2 high,
ROBINS-I serious or critical, JBI's declared rule high, NOS poor), for the analysis's outcome where
the tool appraises each result (``risk.py``). The rerun uses the main analysis's own method, scale,
CI and PI, so the two results differ only in the studies left out: single proportions through
``stats.meta_proportions``, comparative and generic effects (OR, RR, RD, MD, SMD, GEN) through
``stats.meta.pool`` on the same study effects without those studies. Studies are matched by their
label in the analysis (the extraction's "Author year", the screening label unless relabelled).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from cartsle_cli.certainty.evidence import pooled_proportions
from cartsle_cli.certainty.risk import HIGH_LEVEL, risk_of_bias
from cartsle_cli.errors import CartsleError
from cartsle_cli.review.pooling import PoolResult
from cartsle_cli.stats import meta
from cartsle_cli.stats.meta_proportions import meta_proportions

__all__ = ["HIGH_LEVEL", "SensitivityResult", "high_risk_studies", "sensitivity", "without_high_risk"]


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
    measure: str = "proportion"  # or the comparative measure (OR, RR, RD, MD, SMD, GEN)

    def to_dict(self) -> dict:
        return asdict(self)


def high_risk_studies(conn: sqlite3.Connection, pool: PoolResult) -> dict[str, set[str]] | None:
    """Analysis id -> labels of its studies at high risk by consensus (for its outcome); None when
    nothing is appraised."""
    risks = risk_of_bias(conn)
    if risks is None:
        return None
    return {a.id: risks.high(a.outcome, a.label) for a in pool.analyses}


def _figures(meta) -> PooledFigures:
    return PooledFigures(meta.k, meta.total, meta.estimate, meta.lower, meta.upper, meta.i2)


def _note(left_out: list[str], kept: int) -> str | None:
    if not left_out:
        return "no study at high risk of bias"
    if kept < 2:
        return f"{kept} studies left: nothing to pool"
    return None


def without_high_risk(pool: PoolResult, high: set[str] | Mapping[str, set[str]]) -> list[SensitivityResult]:
    """Every pooled outcome, main analysis beside the rerun without the studies in ``high`` (one set
    for every analysis, or a set per analysis id)."""

    def high_for(analysis_id: str) -> set[str]:
        return set(high.get(analysis_id, set())) if isinstance(high, Mapping) else set(high)

    results = {r.outcome: r for r in _proportions(pool, high_for) + _comparative(pool, high_for)}
    return [results[a.id] for a in pool.analyses if a.id in results]


def _proportions(pool: PoolResult, high_for) -> list[SensitivityResult]:
    results = []
    for outcome in pooled_proportions(pool):
        meta_result, high = outcome.meta, high_for(outcome.name)
        kept = [s for s in meta_result.studies if s.label not in high]
        left_out = [s.label for s in meta_result.studies if s.label in high]
        without, note = None, _note(left_out, len(kept))
        if note is None:
            try:
                rerun = meta_proportions(
                    [s.events for s in kept],
                    [s.total for s in kept],
                    method=outcome.method,
                    scale=outcome.scale,
                    labels=[s.label for s in kept],
                )
                without = _figures(rerun)
            except CartsleError as error:
                note = str(error)
        results.append(
            SensitivityResult(outcome.name, outcome.label, left_out, _figures(meta_result), without, note)
        )
    return results


def _effect_figures(result, effects) -> PooledFigures:
    participants = 0 if effects.totals is None else int(round(float(effects.totals.sum())))
    i2 = result.i2 if result.k > 1 else None
    return PooledFigures(result.k, participants, result.estimate, result.lower, result.upper, i2)


def _comparative(pool: PoolResult, high_for) -> list[SensitivityResult]:
    results = []
    for analysis in pool.analyses:
        effect = analysis.effect
        if effect is None or effect.effects is None:
            continue
        effects, high = effect.effects, high_for(analysis.id)
        chosen = np.ones(effects.input_rows, dtype=bool)
        for row, label in zip(effects.study_rows(), effects.labels):
            chosen[row] = label not in high
        for excluded in effects.excluded:  # not estimable in the main analysis either
            chosen[excluded.row] = excluded.study not in high
        left_out = [label for label in effects.labels if label in high]
        kept = effects.select(chosen)
        without, note = None, _note(left_out, kept.k)
        if note is None:
            try:
                pi = "z" if analysis.pi == "none" else analysis.pi
                rerun = meta.pool(kept, method=analysis.method, ci=analysis.ci, pi=pi)
                without = _effect_figures(rerun, kept)
            except CartsleError as error:
                note = str(error)
        results.append(
            SensitivityResult(
                analysis.id,
                analysis.label,
                left_out,
                _effect_figures(effect.result, effects),
                without,
                note,
                effect.result.measure,
            )
        )
    return results


def sensitivity(conn: sqlite3.Connection, pool: PoolResult) -> list[SensitivityResult]:
    """The sensitivity analysis of the review's pooled results; empty before any appraisal."""
    high = high_risk_studies(conn, pool)
    return [] if high is None else without_high_risk(pool, high)
