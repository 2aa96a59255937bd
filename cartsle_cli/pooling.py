"""`cartsle pool` as a library call: the review's current extraction, pooled.

:func:`pool_review` reads the stored extraction and hands it to the statistics
(``stats.efficacy.summarise_efficacy``, ``stats.safety.summarise_safety``); it computes no
statistic itself. It sits above both (as ``importing.py`` sits above formats and store), so that
extraction never imports stats and the CLI and the report writer share one entry point.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field

import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.numbers import count_of, percent_half_up
from cartsle_cli.extraction.store import latest_load, stored_extraction
from cartsle_cli.screening import included_studies
from cartsle_cli.stats.efficacy import EfficacyResult, summarise_efficacy
from cartsle_cli.stats.meta_proportions import METHODS
from cartsle_cli.stats.safety import SafetyResult, summarise_safety
from cartsle_cli.stats.transforms import SCALES


@dataclass(frozen=True)
class PoolOptions:
    """How to pool: meta-analysis method and scale, and the quantile method of medians and IQRs."""

    method: str = "glmm"
    scale: str = "logit"
    quantile_method: str = "linear"

    def check(self) -> None:
        if self.method not in METHODS:
            raise CartsleError(
                f"unknown method {self.method!r}; use one of {', '.join(METHODS)}", field="method"
            )
        if self.scale not in SCALES:
            raise CartsleError(f"unknown scale {self.scale!r}; use one of {', '.join(SCALES)}", field="scale")
        if self.method == "glmm" and self.scale != "logit":
            raise CartsleError(
                f"the GLMM works on the logit scale; for --scale {self.scale} use --method dl or reml",
                field="scale",
            )


@dataclass(frozen=True)
class Share:
    """A number of studies (or patients) out of a total, e.g. CD19-targeted studies."""

    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return percent_half_up(self.count, self.total)

    @property
    def text(self) -> str:
        return count_of(self.count, self.total)

    def to_dict(self) -> dict:
        return {**asdict(self), "percent": self.percent, "text": self.text}


@dataclass(frozen=True)
class Overview:
    """The included studies as extracted: how many, how many participants, and their kinds."""

    load_id: int
    loaded_at: str
    studies: int
    participants: int
    targets: list[Share]
    origins: list[Share]
    sources: list[Share]  # PRISMA column of each study: databases or other methods
    # Extraction rows of studies screening no longer includes (e.g. after `searches remove`): left
    # out of every pooled figure, so PRISMA and the pooled results name the same studies.
    left_out: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        shares_of = {
            name: [s.to_dict() for s in getattr(self, name)] for name in ("targets", "origins", "sources")
        }
        return {**asdict(self), **shares_of}


@dataclass(frozen=True)
class PoolResult:
    options: PoolOptions
    overview: Overview
    efficacy: EfficacyResult
    safety: SafetyResult

    def to_dict(self) -> dict:
        return {
            "options": asdict(self.options),
            "overview": self.overview.to_dict(),
            "efficacy": self.efficacy.to_dict(),
            "safety": self.safety.to_dict(),
        }


def shares(values: pd.Series) -> list[Share]:
    """Each distinct value with its count out of all values, most frequent first."""
    counts = Counter(str(value) for value in values)
    total = sum(counts.values())
    return [
        Share(label, count, total)
        for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def overview(conn: sqlite3.Connection, studies: pd.DataFrame, left_out: list[str] | None = None) -> Overview:
    """The current load's studies by target, origin and PRISMA column (from screening)."""
    load = latest_load(conn)
    if load is None:
        raise CartsleError("no extraction loaded yet: `cartsle extract load` first")
    source_of = {study.study_id: study.source for study in included_studies(conn)}
    sources = pd.Series(
        [source_of.get(study_id, "not an included study") for study_id in studies["study_id"]], dtype="string"
    )
    return Overview(
        load.id,
        load.loaded_at,
        len(studies),
        int(studies["n_treated"].sum()),
        shares(studies["target"]),
        shares(studies["origin"]),
        shares(sources),
        left_out or [],
    )


def included_only(
    conn: sqlite3.Connection, studies: pd.DataFrame, patients: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The extraction's rows of studies screening includes, and the ids of those left out.

    Once full-text screening has begun, a study it does not include (its reports were excluded,
    or the search that found them was removed) is not pooled, whatever the extraction files say.
    """
    if conn.execute("SELECT 1 FROM screening_decisions WHERE stage = 'ft' LIMIT 1").fetchone() is None:
        return studies, patients, []
    included = {study.study_id for study in included_studies(conn)}
    keep = studies["study_id"].isin(included)
    left_out = sorted(str(study_id) for study_id in studies.loc[~keep, "study_id"])
    if not left_out:
        return studies, patients, []
    kept_patients = patients[patients["study_id"].isin(included)].reset_index(drop=True)
    return studies[keep].reset_index(drop=True), kept_patients, left_out


def pool_review(conn: sqlite3.Connection, options: PoolOptions = PoolOptions()) -> PoolResult:
    """Efficacy and safety of the current extraction, pooled as ``options`` say."""
    options.check()
    studies, patients, left_out = included_only(conn, *stored_extraction(conn))
    return PoolResult(
        options,
        overview(conn, studies, left_out),
        summarise_efficacy(studies, patients, quantile_method=options.quantile_method),
        summarise_safety(studies, method=options.method, scale=options.scale),
    )
