"""Summaries of a patient-level score over time (a long table: study, patient, time, score).

Change from baseline at each declared time (baseline minus score when lower is better, so that a
positive change is an improvement; score minus baseline otherwise) as median and IQR; the mean
score with a Student t 95% CI at declared times; the share of patients at or below each declared
threshold at their last follow-up (latest time after baseline) with Clopper-Pearson and Wilson
intervals; and, between two groups of studies, the change at last follow-up compared by
Mann-Whitney U. That comparison treats the patients of different studies as independent, which they
are not (patients cluster within studies), so it is labelled descriptive: it is no study-level test.
What to summarise is passed in; nothing here knows a particular score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from cartsle_cli.stats.descriptive import MannWhitney, MeanCI, MedianIQR, mann_whitney, mean_ci, median_iqr
from cartsle_cli.stats.proportions import CrudeProportion, crude_proportion

DESCRIPTIVE = (
    "descriptive only: patients of different studies are treated as independent, so the p-value is not"
    " a study-level test"
)


@dataclass(frozen=True)
class ChangeAt:
    time: float
    summary: MedianIQR


@dataclass(frozen=True)
class MeanAt:
    time: float
    summary: MeanCI


@dataclass(frozen=True)
class AtOrBelow:
    threshold: float
    share: CrudeProportion


@dataclass(frozen=True)
class GroupComparison:
    """Change at last follow-up compared between the two groups of studies of one characteristic."""

    by: str
    group1: str
    group2: str
    outcome: str
    group1_summary: MedianIQR
    group2_summary: MedianIQR
    test: MannWhitney | None
    not_tested: str | None  # why no test
    label: str = DESCRIPTIVE


@dataclass(frozen=True)
class ScoreSummary:
    patients: int
    studies: int
    quantile_method: str
    direction: str  # "reduction" (lower is better) or "increase"
    changes: list[ChangeAt]
    means: list[MeanAt]
    last_followup_patients: int
    at_or_below: list[AtOrBelow]
    comparisons: list[GroupComparison]

    def to_dict(self) -> dict:
        return asdict(self)


def _at_time(scores: pd.DataFrame, time: float) -> pd.Series:
    return scores[scores["time"] == time].groupby("patient")["score"].first()


def last_followup(scores: pd.DataFrame, baseline: float, lower_is_better: bool) -> pd.DataFrame:
    """Each patient's latest row after baseline, with the change from baseline where known."""
    after = (
        scores[scores["time"] > baseline].sort_values("time").groupby("patient").tail(1).set_index("patient")
    )
    start = _at_time(scores, baseline).reindex(after.index)
    after["change"] = start - after["score"] if lower_is_better else after["score"] - start
    return after


def _compare(
    last: pd.DataFrame, by: str, group_of: Mapping[str, str], method: str, outcome: str
) -> GroupComparison:
    groups = last["study_id"].astype(str).map(group_of)
    changes = last["change"]
    counts = groups[changes.notna()].value_counts()
    names = sorted(counts.index, key=lambda name: (-counts[name], name))
    first, second = (names + ["", ""])[:2]
    values1 = changes[(groups == first) & changes.notna()]
    values2 = changes[(groups == second) & changes.notna()]
    test, why = None, None
    if len(names) == 2:
        test = mann_whitney(values1, values2)
    else:
        why = f"{len(names)} groups with a change at last follow-up; the comparison needs two"
    return GroupComparison(
        by, first, second, outcome, median_iqr(values1, method), median_iqr(values2, method), test, why
    )


def summarise_scores(
    scores: pd.DataFrame,
    *,
    baseline: float = 0,
    change_at: Sequence[float] = (),
    mean_at: Sequence[float] = (),
    thresholds: Sequence[float] = (),
    lower_is_better: bool = True,
    groups: Mapping[str, Mapping[str, str]] | None = None,
    quantile_method: str = "linear",
    label: str = "score",
) -> ScoreSummary:
    """Every summary of ``scores`` (columns study_id, patient, time, score; one row per visit).

    ``groups``: characteristic name -> {study_id: group}, compared on the change at last follow-up.
    """
    scores = scores.dropna(subset=["time", "score"]).copy()
    scores["patient"] = scores["study_id"].astype(str) + "/" + scores["patient"].astype(str)
    start = _at_time(scores, baseline)

    def change(time: float) -> pd.Series:
        later = _at_time(scores, time)
        return (start - later if lower_is_better else later - start).dropna()

    last = last_followup(scores, baseline, lower_is_better)
    followed = len(last)
    shares = [
        AtOrBelow(t, crude_proportion(int((last["score"] <= t).sum()), followed))
        for t in thresholds
        if followed
    ]
    word = "reduction" if lower_is_better else "increase"
    outcome = f"{label} {word} from baseline at last follow-up"
    return ScoreSummary(
        scores["patient"].nunique(),
        scores["study_id"].nunique(),
        median_iqr([], quantile_method).quantile_method,
        word,
        [ChangeAt(t, median_iqr(change(t), quantile_method)) for t in change_at],
        [MeanAt(t, mean_ci(_at_time(scores, t))) for t in mean_at],
        followed,
        shares,
        [_compare(last, by, group_of, quantile_method, outcome) for by, group_of in (groups or {}).items()],
    )
