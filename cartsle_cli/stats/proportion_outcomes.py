"""One single-arm count outcome over the studies that report it: crude, graded and pooled.

The crude pooled proportion (events over participants of the reporting studies) with
Clopper-Pearson and Wilson intervals; a random-effects meta-analysis of the study proportions
(``meta_proportions``: the binomial-normal GLMM on the logit scale, or DL/REML on logit,
Freeman-Tukey or raw proportions); for a graded outcome the patients by grade as shares of the
patients with the event in studies that report grades. Per-study numbers (a time to an event) are
summarised by median and range. The outcome's columns are passed in; nothing here knows one review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.meta_proportions import MetaProportionResult, meta_proportions
from cartsle_cli.stats.proportions import CrudeProportion, crude_proportion


@dataclass(frozen=True)
class GradeShare:
    grade: int
    patients: int
    share_of_events: float | None


@dataclass(frozen=True)
class ProportionSummary:
    studies: int
    crude: CrudeProportion | None
    grades: list[GradeShare] | None
    meta: MetaProportionResult | None
    meta_unavailable: str | None  # why there is no meta-analysis (the method's own one-line reason)


@dataclass(frozen=True)
class NumberSummary:
    """A per-study number over the studies that report it: median and range."""

    studies: int
    median: float | None
    minimum: float | None
    maximum: float | None


def summarise_proportion(
    events: ArrayLike,
    totals: ArrayLike,
    labels: Sequence[str],
    *,
    grades: Mapping[int, ArrayLike] | None = None,
    method: str = "glmm",
    scale: str = "logit",
) -> ProportionSummary:
    """Crude, graded and pooled figures of one outcome; NaN marks a study that does not report it."""
    x, n = np.asarray(events, dtype=float), np.asarray(totals, dtype=float)
    reporting = ~np.isnan(x) & ~np.isnan(n) & (n > 0)
    if not reporting.any():
        return ProportionSummary(0, None, None, None, "no study reports it")
    xs, ns = x[reporting].astype(int), n[reporting].astype(int)
    meta, unavailable = None, None
    try:
        meta = meta_proportions(
            xs, ns, method=method, scale=scale, labels=[labels[int(i)] for i in np.flatnonzero(reporting)]
        )
    except CartsleError as error:
        unavailable = str(error)
    graded = _grades(x, grades, reporting) if grades is not None else None
    return ProportionSummary(
        int(reporting.sum()), crude_proportion(int(xs.sum()), int(ns.sum())), graded, meta, unavailable
    )


def _grades(events: np.ndarray, grades: Mapping[int, ArrayLike], reporting: np.ndarray) -> list[GradeShare]:
    counts = {grade: np.asarray(values, dtype=float) for grade, values in grades.items()}
    graded = reporting & np.any([~np.isnan(values) for values in counts.values()], axis=0)
    with_event = float(np.nansum(events[graded]))
    shares = []
    for grade, values in counts.items():
        patients = int(np.nansum(values[graded]))
        shares.append(GradeShare(grade, patients, patients / with_event if with_event else None))
    return shares


def summarise_numbers(values: ArrayLike) -> NumberSummary:
    found = np.asarray(values, dtype=float)
    found = found[~np.isnan(found)]
    if not len(found):
        return NumberSummary(0, None, None, None)
    return NumberSummary(len(found), float(np.median(found)), float(found.min()), float(found.max()))
