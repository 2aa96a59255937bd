"""A seeded source of choices that gives the same sample on every Python and platform.

Only :meth:`random.Random.random` is used: Python guarantees its sequence for a given integer
seed across versions, while ``randrange``, ``choice`` and ``shuffle`` are allowed to change.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Draw:
    """Seeded choices built on ``random()`` alone, so the sample is byte-for-byte reproducible."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def unit(self) -> float:
        return self._rng.random()

    def below(self, n: int) -> int:
        """A whole number in [0, n)."""
        return min(int(self._rng.random() * n), n - 1)

    def between(self, low: int, high: int) -> int:
        """A whole number in [low, high], both included."""
        return low + self.below(high - low + 1)

    def chance(self, p: float) -> bool:
        return self._rng.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A Fisher-Yates shuffle of a copy."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        return self.shuffled(items)[:k]

    def weighted(self, items: Sequence[T], weights: Sequence[float]) -> T:
        point = self._rng.random() * sum(weights)
        for item, weight in zip(items, weights):
            point -= weight
            if point < 0:
                return item
        return items[-1]
