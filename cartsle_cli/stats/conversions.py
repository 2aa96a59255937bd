"""Estimating a mean and SD from a median with its IQR or range, for continuous outcomes only when
the protocol asks for it (and the result says so).

- ``wan2014``: Wan X, Wang W, Liu J, Tong T (2014), BMC Med Res Methodol 14:135. IQR: mean =
  (q1 + m + q3) / 3, SD = (q3 - q1) / (2 z((0.75 n - 0.125) / (n + 0.25))); range: mean =
  (a + 2m + b) / 4, SD = (b - a) / (2 z((n - 0.375) / (n + 0.25))), z the standard normal quantile.
- ``luo2018``: the mean by Luo D, Wan X, Liu J, Tong T (2018), Stat Methods Med Res 27:1785:
  IQR: w = 0.7 + 0.39 / n, mean = w (q1 + q3) / 2 + (1 - w) m; range: w = 4 / (4 + n^0.75),
  mean = w (a + b) / 2 + (1 - w) m; the SD by Wan 2014 as above.
Both assume a roughly normal outcome; skewed data are not rescued by either.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from cartsle_cli.errors import CartsleError

METHODS = ("wan2014", "luo2018")


def mean_sd_from_quantiles(median, low, high, n, source: str, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean and SD per arm from the median and (q1, q3) when ``source`` is "iqr", (min, max) for "range"."""
    if method not in METHODS:
        raise CartsleError(f"unknown conversion {method!r}; use one of {', '.join(METHODS)}")
    m, a, b, n = (np.asarray(v, dtype=float) for v in (median, low, high, n))
    if source == "iqr":
        sd = (b - a) / (2 * ndtri((0.75 * n - 0.125) / (n + 0.25)))
        weight = 0.7 + 0.39 / n
        mean = (a + m + b) / 3 if method == "wan2014" else weight * (a + b) / 2 + (1 - weight) * m
    elif source == "range":
        sd = (b - a) / (2 * ndtri((n - 0.375) / (n + 0.25)))
        weight = 4 / (4 + n**0.75)
        mean = (a + 2 * m + b) / 4 if method == "wan2014" else weight * (a + b) / 2 + (1 - weight) * m
    else:
        raise CartsleError(f"unknown spread {source!r}; use iqr or range")
    return mean, sd
