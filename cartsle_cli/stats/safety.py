"""Safety and biomarkers from study-level counts (the ``studies`` extraction file).

For each outcome: the crude pooled proportion (events over participants of the studies that
report it) with Clopper-Pearson and Wilson intervals, and a random-effects meta-analysis of the
study proportions (see ``meta_proportions``; default the binomial-normal GLMM on the logit scale).
CRS and ICANS also get their ASTCT grade distribution as shares of the patients with the event.
B-cell depletion and reconstitution timings and phenotype findings are summarised over the studies
that report them. Columns are those of ``cartsle_cli.extraction.columns``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.meta_proportions import MetaProportionResult, meta_proportions
from cartsle_cli.stats.proportions import CrudeProportion, crude_proportion


@dataclass(frozen=True)
class Outcome:
    """An outcome as a count over a denominator column of the studies table."""

    name: str
    label: str
    events: str
    denominator: str


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("crs", "Cytokine release syndrome", "crs_any", "n_treated"),
    Outcome("icans", "ICANS", "icans_any", "n_treated"),
    Outcome("infections", "Infections", "infections", "n_treated"),
    Outcome("infections_severe", "Severe infections", "infections_severe", "n_treated"),
    Outcome(
        "infections_severe_of_infected",
        "Severe infections among the infected",
        "infections_severe",
        "infections",
    ),
    Outcome("heme_tox_g34", "Grade 3-4 haematological toxicity", "heme_tox_g34", "n_treated"),
    Outcome("cytopenia_prolonged", "Prolonged (> 28 days) cytopenia", "cytopenia_prolonged", "n_treated"),
    Outcome("dsdna_decreased", "Anti-dsDNA decreased", "dsdna_decreased", "dsdna_measured"),
    Outcome("dsdna_normalised", "Anti-dsDNA normalised", "dsdna_normalised", "dsdna_measured"),
    Outcome("complement_normalised", "Complement normalised", "complement_normalised", "complement_measured"),
)
GRADED = {"crs": "crs", "icans": "icans"}  # outcome name -> column prefix of its grade counts
GRADES = (1, 2, 3, 4)


@dataclass(frozen=True)
class GradeShare:
    grade: int
    patients: int
    share_of_events: float | None


@dataclass(frozen=True)
class OutcomeSummary:
    name: str
    label: str
    studies: int
    crude: CrudeProportion | None
    grades: list[GradeShare] | None
    meta: MetaProportionResult | None
    meta_unavailable: str | None  # why there is no meta-analysis (the method's own one-line reason)


@dataclass(frozen=True)
class TimingSummary:
    """A per-study timing (e.g. weeks to B-cell depletion) over the studies that report it."""

    label: str
    unit: str
    studies: int
    median: float | None
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class PhenotypeFinding:
    study: str
    finding: str


@dataclass(frozen=True)
class SafetyResult:
    method: str
    scale: str
    outcomes: list[OutcomeSummary]
    bcell_depletion: TimingSummary
    bcell_reconstitution: TimingSummary
    bcell_phenotype: list[PhenotypeFinding]

    def to_dict(self) -> dict:
        return asdict(self)


def study_labels(studies: pd.DataFrame) -> pd.Series:
    """'Author year' where both are given, else the study id."""
    ids = studies["study_id"].astype(str)
    if {"first_author", "year"} <= set(studies.columns):
        years = pd.to_numeric(studies["year"], errors="coerce")
        named = studies["first_author"].astype(str) + " " + years.astype("Int64").astype(str)
        return named.where(studies["first_author"].notna() & years.notna(), ids)
    return ids


def _numbers(studies: pd.DataFrame, column: str) -> pd.Series:
    if column not in studies.columns:
        return pd.Series(np.nan, index=studies.index)
    return pd.to_numeric(studies[column], errors="coerce")


def _grades(studies: pd.DataFrame, prefix: str, reporting: pd.Series) -> list[GradeShare]:
    grade_counts = pd.DataFrame({g: _numbers(studies, f"{prefix}_g{g}") for g in GRADES})
    graded = reporting & grade_counts.notna().any(axis=1)
    with_event = float(_numbers(studies, f"{prefix}_any")[graded].sum())
    shares = []
    for g in GRADES:
        patients = int(grade_counts.loc[graded, g].fillna(0).sum())
        shares.append(GradeShare(g, patients, patients / with_event if with_event else None))
    return shares


def summarise_outcome(studies: pd.DataFrame, outcome: Outcome, method: str, scale: str) -> OutcomeSummary:
    events, totals = _numbers(studies, outcome.events), _numbers(studies, outcome.denominator)
    reporting = events.notna() & totals.notna() & (totals > 0)
    x, n = events[reporting].astype(int), totals[reporting].astype(int)
    if not reporting.any():
        return OutcomeSummary(outcome.name, outcome.label, 0, None, None, None, "no study reports it")
    meta, unavailable = None, None
    try:
        meta = meta_proportions(
            x.to_numpy(),
            n.to_numpy(),
            method=method,
            scale=scale,
            labels=list(study_labels(studies)[reporting]),
        )
    except CartsleError as error:
        unavailable = str(error)
    grades = _grades(studies, GRADED[outcome.name], reporting) if outcome.name in GRADED else None
    return OutcomeSummary(
        outcome.name,
        outcome.label,
        int(reporting.sum()),
        crude_proportion(int(x.sum()), int(n.sum())),
        grades,
        meta,
        unavailable,
    )


def _timing(studies: pd.DataFrame, column: str, label: str, unit: str) -> TimingSummary:
    values = _numbers(studies, column).dropna()
    if values.empty:
        return TimingSummary(label, unit, 0, None, None, None)
    return TimingSummary(
        label, unit, len(values), float(values.median()), float(values.min()), float(values.max())
    )


def _phenotypes(studies: pd.DataFrame) -> list[PhenotypeFinding]:
    if "bcell_phenotype" not in studies.columns:
        return []
    labels = study_labels(studies)
    found = studies["bcell_phenotype"].fillna("").astype(str).str.strip()
    return [PhenotypeFinding(labels[i], text) for i, text in found.items() if text]


def summarise_safety(studies: pd.DataFrame, method: str = "glmm", scale: str = "logit") -> SafetyResult:
    """Every safety and biomarker outcome of the review from the studies table."""
    if "study_id" not in studies.columns:
        raise CartsleError("the studies table lacks the column study_id")
    studies = studies.reset_index(drop=True)
    return SafetyResult(
        method,
        scale,
        [summarise_outcome(studies, outcome, method, scale) for outcome in OUTCOMES],
        _timing(studies, "bcell_depletion_weeks", "B-cell depletion", "weeks"),
        _timing(studies, "bcell_reconstitution_months", "B-cell reconstitution", "months"),
        _phenotypes(studies),
    )
