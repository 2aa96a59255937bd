"""Query strategies: which unscreened record the reviewer sees next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np


@dataclass(frozen=True)
class MaxQuery:
    """Relevance ("maximum") sampling: highest classifier score first, the continuous active learning
    protocol of Cormack & Grossman (2014, SIGIR).

    Ties keep the review's seeded random order, so equal scores never fall back to file order.
    """

    name: ClassVar[str] = "max"

    def describe(self) -> str:
        return "most likely relevant first"

    def order(
        self, scores: np.ndarray, tiebreak: np.ndarray, screened: int = 0, boundary: float = 0.0
    ) -> np.ndarray:
        """Positions into ``scores``, best first; ``tiebreak`` is a random rank per position."""
        return np.lexsort((tiebreak, -scores))

    def key(self, scores: np.ndarray, screened: int = 0, boundary: float = 0.0) -> np.ndarray:
        """What ``order`` sorts on, highest first (ties by the tiebreak): ``order(...)[0]`` is the
        record with the highest key, which is all a simulation needs after each retrain."""
        return scores


@dataclass(frozen=True)
class MixedQuery:
    """Highest score first, but while fewer than ``early`` records are screened every ``every``-th
    pick is the record the model is least sure about (closest to its boundary).

    Uncertainty sampling (Lewis & Gale 1994, SIGIR) teaches the model where it errs; relevance
    sampling finds includes. A few uncertain picks early widen what the model has seen before it
    settles on the first includes' vocabulary; later only relevance counts.
    """

    name: ClassVar[str] = "mixed"
    every: int = 5
    early: int = 100

    def describe(self) -> str:
        return (
            f"most likely relevant first; every {self.every}th of the first {self.early} "
            "the least certain one"
        )

    def order(
        self, scores: np.ndarray, tiebreak: np.ndarray, screened: int = 0, boundary: float = 0.0
    ) -> np.ndarray:
        best = np.lexsort((tiebreak, -scores))
        if screened >= self.early or len(best) < 2 or (screened + 1) % self.every:
            return best
        uncertain = int(np.lexsort((tiebreak, np.abs(scores - boundary)))[0])
        return np.concatenate([[uncertain], best[best != uncertain]])

    def key(self, scores: np.ndarray, screened: int = 0, boundary: float = 0.0) -> np.ndarray:
        """What decides ``order(...)[0]``: the score, or on an uncertain pick the closeness to the
        boundary (highest first, ties by the tiebreak)."""
        if screened >= self.early or len(scores) < 2 or (screened + 1) % self.every:
            return scores
        return -np.abs(scores - boundary)


Querier = MaxQuery | MixedQuery
