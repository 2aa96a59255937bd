"""Egger's regression test for funnel-plot asymmetry, the classic form.

Egger M, Davey Smith G, Schneider M, Minder C. Bias in meta-analysis detected by a simple,
graphical test. BMJ 1997;315:629-634: the standardised effect y_i / se_i is regressed on the
precision 1 / se_i by ordinary least squares, and the intercept is tested with a t test on k - 2
degrees of freedom. This is metafor's ``regtest(model = "lm", predictor = "sei")`` (a weighted
regression of y_i on se_i with weights 1 / se_i^2, whose slope is Egger's intercept). With fewer
than 10 studies the test has too little power to be read (Sterne et al. BMJ 2011;343:d4002).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from cartsle_cli.errors import CartsleError

EGGER_METHOD = "Egger's regression test (classic: y/se on 1/se, OLS; intercept t test, k - 2 df; Egger 1997)"
MIN_STUDIES = 10


@dataclass(frozen=True)
class EggerResult:
    k: int
    intercept: float  # Egger's bias coefficient
    se: float
    t: float
    df: int
    p: float
    warning: str | None
    method: str = EGGER_METHOD


def egger_test(yi: np.ndarray, sei: np.ndarray) -> EggerResult:
    """The test on effects ``yi`` with standard errors ``sei`` (any analysis scale)."""
    yi, sei = np.asarray(yi, dtype=float), np.asarray(sei, dtype=float)
    k = len(yi)
    if k < 3 or len(sei) != k or np.any(sei <= 0):
        raise CartsleError("Egger's test needs at least 3 studies, each with a positive standard error")
    design = np.column_stack([np.ones(k), 1 / sei])
    response = yi / sei
    coefficients, *_ = np.linalg.lstsq(design, response, rcond=None)
    residuals = response - design @ coefficients
    df = k - 2
    sigma2 = float(residuals @ residuals) / df
    covariance = sigma2 * np.linalg.inv(design.T @ design)
    se = float(np.sqrt(covariance[0, 0]))
    t = float(coefficients[0]) / se
    p = float(2 * stats.t.sf(abs(t), df))
    warning = f"fewer than {MIN_STUDIES} studies: the test has little power" if k < MIN_STUDIES else None
    return EggerResult(k, float(coefficients[0]), se, t, df, p, warning)


def logit_proportions(events: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logit proportions and their SEs as metafor's escalc("PLO") gives them: 1/2 added to the
    events and non-events of a study with no events or no non-events."""
    events, totals = np.asarray(events, dtype=float), np.asarray(totals, dtype=float)
    zero = (events == 0) | (events == totals)
    x = np.where(zero, events + 0.5, events)
    n = np.where(zero, totals + 1.0, totals)
    yi = np.log(x / (n - x))
    return yi, np.sqrt(1 / x + 1 / (n - x))
