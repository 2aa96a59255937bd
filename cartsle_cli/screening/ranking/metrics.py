"""How well an order of screening finds the includes: recall curve, WSS, RRF.

Every metric here takes the labels (1 include, 0 exclude) in the order the records were screened,
prior-knowledge records left out, the whole set in (records never reached count as excludes read
last, as asreview-insights pads them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WSS_INSIGHTS = (
    "asreview-insights: at the last point where the share of includes found is <= the level, "
    "(records a random order reads to find as many - records read) / N; random order = "
    "round(linspace(0, includes, N))"
)
WSS_COHEN = "Cohen et al. 2006 (JAMIA 13:206): (N - records read to reach the recall level) / N - (1 - level)"
RRF = "share of the includes found after screening the first 10% of the records (floor(0.1 N))"
SCREENED_TO_ALL = "records screened until the last include was found"


@dataclass(frozen=True)
class RecallCurve:
    """Includes found against records screened, from (0, 0) on."""

    screened: list[int]
    found: list[int]
    total_records: int | None = None  # N, when known: the x axis can then run to the end
    total_relevant: int | None = None  # when known (a simulation): found can be read as recall

    @property
    def recall(self) -> list[float] | None:
        if not self.total_relevant:
            return None
        return [count / self.total_relevant for count in self.found]


def recall_curve(
    decisions: Sequence[int], total_records: int | None = None, total_relevant: int | None = None
) -> RecallCurve:
    """The curve of a screening so far: ``decisions`` are 1 (include) / 0 (exclude) in the order made."""
    found = np.concatenate([[0], np.cumsum(np.asarray(decisions, dtype=int) == 1)]).astype(int)
    return RecallCurve(list(range(len(found))), found.tolist(), total_records, total_relevant)


def _labels(labels: Sequence[int] | np.ndarray) -> np.ndarray:
    values = np.asarray(labels, dtype=int)
    if values.size == 0 or values.sum() == 0:
        raise ValueError("the screening order holds no includes")
    return values


def wss_insights(labels: Sequence[int] | np.ndarray, level: float = 0.95) -> float:
    """Work saved over sampling as asreview-insights computes it (``_wss_values``, ``_slice_metric``).

    Read at the k-th include with k the largest whole number with k / includes <= level (so with 19
    includes, WSS@95 is read at 18 found); against a random order whose includes arrive at
    round(linspace(0, includes, N)).
    """
    values = _labels(labels)
    total, relevant = len(values), int(values.sum())
    wanted = np.arange(1, relevant + 1)
    when_found = np.searchsorted(np.cumsum(values), wanted)
    when_random = np.searchsorted(np.round(np.linspace(0, relevant, total)), wanted)
    index = int(np.searchsorted(wanted / relevant, level, side="right")) - 1
    if index < 0:
        return 0.0
    return float((when_random[index] - when_found[index]) / total)


def records_to_recall(labels: Sequence[int] | np.ndarray, level: float) -> int:
    """Records read until the share of includes found first reaches ``level``."""
    values = _labels(labels)
    needed = max(1, math.ceil(level * int(values.sum()) - 1e-9))
    return int(np.searchsorted(np.cumsum(values), needed)) + 1


def wss_cohen(labels: Sequence[int] | np.ndarray, level: float = 0.95) -> float:
    """Work saved over sampling, Cohen, Hersh, Peterson & Yen 2006 (JAMIA 13:206): (TN + FN) / N -
    (1 - recall), read where recall first reaches ``level``."""
    values = _labels(labels)
    return (len(values) - records_to_recall(values, level)) / len(values) - (1.0 - level)


def rrf(labels: Sequence[int] | np.ndarray, share: float = 0.10) -> float:
    """Relevant records found: share of the includes found after screening ``share`` of the records
    (asreview-insights' recall at x = share; Ferdinands et al. 2023, Systematic Reviews 12:100)."""
    values = _labels(labels)
    read = int(np.searchsorted(np.arange(1, len(values) + 1) / len(values), share, side="right"))
    return float(values[:read].sum() / values.sum())


def screened_to_find_all(labels: Sequence[int] | np.ndarray) -> int:
    values = _labels(labels)
    return int(np.flatnonzero(values)[-1]) + 1


@dataclass(frozen=True)
class ScreeningMetrics:
    """The measures of one simulated screening; definitions in this module's constants."""

    records: int  # N, priors left out
    includes: int  # priors left out
    wss95_insights: float
    wss95_cohen: float
    wss100_insights: float
    wss100_cohen: float
    rrf10: float
    screened_to_find_all: int


def screening_metrics(labels: Sequence[int] | np.ndarray) -> ScreeningMetrics:
    values = _labels(labels)
    return ScreeningMetrics(
        records=len(values),
        includes=int(values.sum()),
        wss95_insights=wss_insights(values, 0.95),
        wss95_cohen=wss_cohen(values, 0.95),
        wss100_insights=wss_insights(values, 1.0),
        wss100_cohen=wss_cohen(values, 1.0),
        rrf10=rrf(values, 0.10),
        screened_to_find_all=screened_to_find_all(values),
    )
