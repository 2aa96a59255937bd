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

    def order(self, scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
        """Positions into ``scores``, best first; ``tiebreak`` is a random rank per position."""
        return np.lexsort((tiebreak, -scores))


@dataclass(frozen=True)
class RandomQuery:
    """The seeded random order, ignoring the model: the baseline every ranking must beat."""

    name: ClassVar[str] = "random"

    def describe(self) -> str:
        return "random order"

    def order(self, scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
        return np.argsort(tiebreak, kind="stable")


Querier = MaxQuery | RandomQuery
