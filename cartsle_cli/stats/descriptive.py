"""Descriptive statistics and the two-sample rank test used on patient-level scores.

Quantiles use numpy's methods, named with their Hyndman & Fan (1996, Am Stat 50:361-365) type as R
numbers them; the default "linear" is R's type 7. Means carry Student t intervals (R's t.test).
The Mann-Whitney U test follows R's ``wilcox.test``: the exact distribution when both groups have
fewer than 50 values and there are no ties, otherwise the normal approximation with tie-corrected
variance and continuity correction (Mann HB, Whitney DR 1947. Ann Math Stat 18:50-60). Its effect
size is the rank-biserial correlation r = P(X > Y) - P(X < Y) = 2U/(n1 n2) - 1 (Kerby DS 2014.
Compr Psychol 3:11.IT.3.1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal, cast

import numpy as np

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import distributions

QuantileMethod = Literal[
    "inverted_cdf",
    "averaged_inverted_cdf",
    "closest_observation",
    "interpolated_inverted_cdf",
    "hazen",
    "weibull",
    "linear",
    "median_unbiased",
    "normal_unbiased",
]
QUANTILE_TYPES: dict[QuantileMethod, int] = {
    "inverted_cdf": 1,
    "averaged_inverted_cdf": 2,
    "closest_observation": 3,
    "interpolated_inverted_cdf": 4,
    "hazen": 5,
    "weibull": 6,
    "linear": 7,
    "median_unbiased": 8,
    "normal_unbiased": 9,
}
EXACT_LIMIT = 50  # R's wilcox.test uses the exact distribution below 50 per group


def quantile_method_name(method: str) -> str:
    if method not in QUANTILE_TYPES:
        raise CartsleError(f"unknown quantile method {method!r}; use one of {', '.join(QUANTILE_TYPES)}")
    return f"numpy '{method}' (R quantile type {QUANTILE_TYPES[method]})"


@dataclass(frozen=True)
class MedianIQR:
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    quantile_method: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float | None
    sd: float | None
    lower: float | None
    upper: float | None
    method: str = "Student t interval (R t.test)"
    level: float = 0.95

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MannWhitney:
    """Two-sided Mann-Whitney U test of group 1 against group 2 (W as R reports it)."""

    n1: int
    n2: int
    w: float
    p_value: float
    method: str
    rank_biserial: float
    effect_size: str = "rank-biserial r = P(X > Y) - P(X < Y)"

    def to_dict(self) -> dict:
        return asdict(self)


def median_iqr(values, method: str = "linear") -> MedianIQR:
    """Median and quartiles of the values with the named quantile method."""
    name = quantile_method_name(method)
    x = np.asarray(values, dtype=float)
    if len(x) == 0:
        return MedianIQR(0, None, None, None, name)
    # quantile_method_name has checked that the method is one of QUANTILE_TYPES' keys
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75], method=cast(QuantileMethod, method))
    return MedianIQR(len(x), float(median), float(q1), float(q3), name)


def mean_ci(values, level: float = 0.95) -> MeanCI:
    """Mean with the Student t confidence interval, as R's t.test gives it."""
    x = np.asarray(values, dtype=float)
    if len(x) == 0:
        return MeanCI(0, None, None, None, None, level=level)
    if len(x) == 1:
        return MeanCI(1, float(x[0]), None, None, None, level=level)
    sd = float(x.std(ddof=1))
    half = distributions.t_ppf(1 - (1 - level) / 2, len(x) - 1) * sd / np.sqrt(len(x))
    mean = float(x.mean())
    return MeanCI(len(x), mean, sd, mean - half, mean + half, level=level)


def mann_whitney(group1, group2) -> MannWhitney:
    """Two-sided Mann-Whitney U test with R's choice between exact and normal approximation."""
    x, y = np.asarray(group1, dtype=float), np.asarray(group2, dtype=float)
    if len(x) == 0 or len(y) == 0:
        raise CartsleError(f"the Mann-Whitney test needs values in both groups (got {len(x)} and {len(y)})")
    from scipy import stats  # loaded here: scipy.stats takes about a second to import

    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    if len(x) < EXACT_LIMIT and len(y) < EXACT_LIMIT and not ties:
        test = stats.mannwhitneyu(x, y, alternative="two-sided", method="exact")
        method = "exact"
    else:
        test = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
        method = "normal approximation with continuity correction" + (" (ties)" if ties else "")
    u = float(test.statistic)
    return MannWhitney(len(x), len(y), u, float(test.pvalue), method, 2 * u / (len(x) * len(y)) - 1)
