"""Balancers: sample weights that keep the rare includes from being drowned by the excludes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np


@dataclass(frozen=True)
class Balanced:
    """Reweight so that the includes together weigh ``ratio`` times the excludes together.

    Each include weighs 1 and each exclude n_includes / (ratio * n_excludes); weights are then
    rescaled to sum to the number of records, so C keeps its meaning. This is ASReview LAB 3's
    "balanced" balancer; ratio 9.8 is its tuned value for ELAS u4.
    """

    name: ClassVar[str] = "balanced"
    ratio: float = 9.8

    def describe(self) -> str:
        return f"class reweighting (includes weigh {self.ratio:g}x the excludes)"

    def weights(self, labels: np.ndarray) -> np.ndarray:
        includes = int(np.sum(labels == 1))
        excludes = int(np.sum(labels == 0))
        weights = np.where(labels == 1, 1.0, includes / (self.ratio * excludes))
        return weights * (len(labels) / weights.sum())


Balancer = Balanced
