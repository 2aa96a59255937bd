"""Efficacy from patient-level SLEDAI-2K scores (the ``patients`` extraction file, long format).

Reduction from baseline = SLEDAI at month 0 minus SLEDAI at month m (positive = improvement),
summarised as median and IQR at months 1, 3 and 6; mean SLEDAI with Student t 95% CI at months 0,
3 and 6; the share of patients with SLEDAI 0 and with SLEDAI <= 4 at their last follow-up (the
latest month > 0) with Clopper-Pearson and Wilson intervals; and subgroup comparisons of the
reduction at last follow-up (autologous vs allogeneic, CD19 vs CD19-BCMA) by Mann-Whitney U.
Columns are those of ``cartsle_cli.extraction.columns``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.descriptive import MannWhitney, MeanCI, MedianIQR, mann_whitney, mean_ci, median_iqr
from cartsle_cli.stats.proportions import CrudeProportion, crude_proportion

REDUCTION_MONTHS = (1, 3, 6)
MEAN_MONTHS = (0, 3, 6)
SUBGROUPS = (("origin", "autologous", "allogeneic"), ("target", "CD19", "CD19-BCMA"))
LOW_ACTIVITY = 4  # SLEDAI-2K <= 4: low disease activity


@dataclass(frozen=True)
class Reduction:
    month: float
    summary: MedianIQR


@dataclass(frozen=True)
class MeanAtMonth:
    month: float
    summary: MeanCI


@dataclass(frozen=True)
class SubgroupComparison:
    """Reduction at last follow-up compared between two groups of studies."""

    by: str
    group1: str
    group2: str
    outcome: str
    group1_summary: MedianIQR
    group2_summary: MedianIQR
    test: MannWhitney | None
    not_tested: str | None  # why no test, when one group is empty


@dataclass(frozen=True)
class EfficacyResult:
    patients: int
    studies: int
    quantile_method: str
    reductions: list[Reduction]
    means: list[MeanAtMonth]
    last_followup_patients: int
    sledai_zero: CrudeProportion | None
    sledai_low: CrudeProportion | None
    subgroups: list[SubgroupComparison]

    def to_dict(self) -> dict:
        return asdict(self)


def _scores(patients: pd.DataFrame) -> pd.DataFrame:
    missing = {"study_id", "patient_id", "month", "sledai"} - set(patients.columns)
    if missing:
        raise CartsleError(f"the patients table lacks column(s) {', '.join(sorted(missing))}")
    scores = patients[["study_id", "patient_id", "month", "sledai"]].copy()
    scores["month"] = pd.to_numeric(scores["month"], errors="coerce")
    scores["sledai"] = pd.to_numeric(scores["sledai"], errors="coerce")
    scores["patient"] = scores["study_id"].astype(str) + "/" + scores["patient_id"].astype(str)
    return scores.dropna(subset=["month", "sledai"])


def _at_month(scores: pd.DataFrame, month: float) -> pd.Series:
    rows = scores[scores["month"] == month]
    return rows.groupby("patient")["sledai"].first()


def last_followup(scores: pd.DataFrame) -> pd.DataFrame:
    """Each patient's latest row after baseline, with the reduction from baseline where known."""
    after = scores[scores["month"] > 0].sort_values("month").groupby("patient").tail(1).set_index("patient")
    after["reduction"] = _at_month(scores, 0).reindex(after.index) - after["sledai"]
    return after


def _compare(
    last: pd.DataFrame, studies: pd.DataFrame, by: str, first: str, second: str, method: str
) -> SubgroupComparison:
    group_of = studies.set_index(studies["study_id"].astype(str))[by].astype(str).str.strip()
    groups = last["study_id"].astype(str).map(group_of).str.casefold()
    reductions = last["reduction"]
    values1 = reductions[(groups == first.casefold()) & reductions.notna()]
    values2 = reductions[(groups == second.casefold()) & reductions.notna()]
    test, why = None, None
    if len(values1) and len(values2):
        test = mann_whitney(values1, values2)
    else:
        why = f"no patients with a reduction at last follow-up in {first if not len(values1) else second}"
    return SubgroupComparison(
        by,
        first,
        second,
        "SLEDAI reduction from baseline at last follow-up",
        median_iqr(values1, method),
        median_iqr(values2, method),
        test,
        why,
    )


def summarise_efficacy(
    studies: pd.DataFrame, patients: pd.DataFrame, quantile_method: str = "linear"
) -> EfficacyResult:
    """All efficacy figures of the review from the two extraction tables."""
    scores = _scores(patients)
    baseline = _at_month(scores, 0)
    reductions = [
        Reduction(m, median_iqr((baseline - _at_month(scores, m)).dropna(), quantile_method))
        for m in REDUCTION_MONTHS
    ]
    means = [MeanAtMonth(m, mean_ci(_at_month(scores, m))) for m in MEAN_MONTHS]
    last = last_followup(scores)
    followed = len(last)
    zero = crude_proportion(int((last["sledai"] == 0).sum()), followed) if followed else None
    low = crude_proportion(int((last["sledai"] <= LOW_ACTIVITY).sum()), followed) if followed else None
    subgroups = [
        _compare(last, studies, by, first, second, quantile_method)
        for by, first, second in SUBGROUPS
        if by in studies.columns
    ]
    return EfficacyResult(
        scores["patient"].nunique(),
        scores["study_id"].nunique(),
        median_iqr([], quantile_method).quantile_method,
        reductions,
        means,
        followed,
        zero,
        low,
        subgroups,
    )
