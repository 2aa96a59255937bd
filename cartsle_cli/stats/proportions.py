"""One proportion with its confidence interval: Clopper-Pearson (exact) and Wilson (score).

Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the case
of the binomial. Biometrika 26:404-413 — R's ``binom.test``.
Wilson EB (1927). Probable inference, the law of succession, and statistical inference. JASA
22:209-212 — R's ``prop.test(correct=FALSE)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import distributions


@dataclass(frozen=True)
class Interval:
    """A proportion's confidence interval and the method that produced it."""

    lower: float
    upper: float
    method: str
    level: float = 0.95


@dataclass(frozen=True)
class CrudeProportion:
    """Events over participants, pooled as if one study, with both intervals."""

    events: int
    total: int
    proportion: float
    clopper_pearson: Interval
    wilson: Interval

    def to_dict(self) -> dict:
        return asdict(self)


def _check_counts(events: int, total: int) -> None:
    if total <= 0:
        raise CartsleError(f"a proportion needs at least one participant (total is {total})")
    if events < 0 or events > total:
        raise CartsleError(f"events ({events}) must lie between 0 and the total ({total})")


def clopper_pearson(events: int, total: int, level: float = 0.95) -> Interval:
    """Exact interval from beta quantiles (Clopper & Pearson 1934); equals R's binom.test."""
    _check_counts(events, total)
    alpha = 1 - level
    lower = 0.0 if events == 0 else distributions.beta_ppf(alpha / 2, events, total - events + 1)
    upper = 1.0 if events == total else distributions.beta_ppf(1 - alpha / 2, events + 1, total - events)
    return Interval(lower, upper, "Clopper-Pearson (exact)", level)


def wilson(events: int, total: int, level: float = 0.95) -> Interval:
    """Score interval (Wilson 1927) without continuity correction; R's prop.test(correct=FALSE)."""
    _check_counts(events, total)
    z = distributions.norm_ppf(1 - (1 - level) / 2)
    p = events / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return Interval(max(0.0, centre - half), min(1.0, centre + half), "Wilson score", level)


def crude_proportion(events: int, total: int, level: float = 0.95) -> CrudeProportion:
    """Events over participants with Clopper-Pearson and Wilson intervals."""
    _check_counts(events, total)
    return CrudeProportion(
        int(events),
        int(total),
        events / total,
        clopper_pearson(events, total, level),
        wilson(events, total, level),
    )
