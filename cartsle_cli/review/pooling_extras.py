"""The extra analyses a protocol declares for a single-arm proportion: subgroups, meta-regression
and leave-one-out, through the statistics of ``stats.moderators`` and ``stats.sensitivity``.

Leave-one-out runs with every estimator, the GLMM included. Subgroups and meta-regression pool
the study proportions by inverse variance (escalc's logit, double arcsine or raw proportions),
so they run with fe, DL, REML, ML, PM or SJ; with the GLMM the result says why they did not run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cartsle_cli.errors import CartsleError

MEASURE_OF = {"logit": "PLO", "ft": "PFT", "raw": "PR"}


@dataclass(frozen=True)
class Extras:
    subgroups: list = field(default_factory=list)  # stats.moderators.SubgroupAnalysis per variable
    meta_regression: Any = None
    leave_one_out: Any = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "subgroups": [s.to_dict() for s in self.subgroups],
            "meta_regression": self.meta_regression.to_dict() if self.meta_regression else None,
            "leave_one_out": self.leave_one_out.to_dict() if self.leave_one_out else None,
            "notes": list(self.notes),
        }


def proportion_extras(
    events: np.ndarray,
    totals: np.ndarray,
    labels: Sequence[str],
    *,
    groups: dict[str, list[str]],
    covariates: Mapping[str, Sequence[Any]],
    leave_one_out: bool,
    method: str,
    scale: str,
    ci: str,
    pi: str,
) -> Extras:
    """``events``/``totals``/``labels`` of the reporting studies; ``groups`` and ``covariates``
    give each of those studies' values by characteristic name."""
    from cartsle_cli.stats import effect_sizes, moderators, sensitivity

    found = Extras()
    if not (groups or covariates or leave_one_out):
        return found
    labels = list(labels)
    effects = None
    if groups or covariates:
        if method == "glmm":
            names = ", ".join([*groups, *covariates])
            found.notes.append(
                f"subgroups and meta-regression ({names}) not run with the GLMM: declare an inverse-variance method such as reml"
            )
        else:
            effects = effect_sizes.proportion(events, totals, MEASURE_OF[scale], labels=labels)
    for name, values in groups.items():
        if effects is None:
            break
        try:
            found.subgroups.append(
                moderators.subgroups(effects, values, variable=name, method=method, ci=ci, pi=pi)
            )
        except CartsleError as error:
            found.notes.append(f"subgroups by {name} not run: {error}")
    regression, left_out = None, None
    if covariates and effects is not None:
        try:
            regression = moderators.meta_regression(effects, dict(covariates), method=method, ci=ci)
        except CartsleError as error:
            found.notes.append(f"meta-regression not run: {error}")
    if leave_one_out:
        try:
            left_out = sensitivity.leave_one_out_proportions(
                events, totals, labels, method=method, scale=scale, ci=ci, pi=pi
            )
        except CartsleError as error:
            found.notes.append(f"leave-one-out not run: {error}")
    return Extras(found.subgroups, regression, left_out, found.notes)
