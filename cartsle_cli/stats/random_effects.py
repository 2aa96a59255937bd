"""Containers for one pooled value and its heterogeneity, shared by the proportion methods.

The inverse-variance estimators themselves live in ``tau2`` and ``rma`` (metafor's ``rma.uni``);
this module keeps the small records the GLMM and the proportion pool fill in, and the I^2 and H^2
of Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a meta-analysis. Stat Med
21:1539-1558, with metafor's "typical" within-study variance (k-1) sum(w) / ((sum w)^2 - sum(w^2)),
which rma.glmm uses with the escalc logit variances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cartsle_cli.stats import distributions


@dataclass(frozen=True)
class Heterogeneity:
    """Between-study variance and its usual summaries; ``q_test`` names the test behind q."""

    tau2: float
    i2: float | None
    h2: float | None
    q: float | None
    q_df: int
    q_p: float | None
    q_test: str


@dataclass(frozen=True)
class PooledEffect:
    """A pooled value on the analysis scale with its standard error, CI and prediction interval."""

    estimate: float
    se: float
    lower: float
    upper: float
    pi_lower: float
    pi_upper: float
    heterogeneity: Heterogeneity
    weights: np.ndarray  # percent, summing to 100


def typical_variance(vi: np.ndarray) -> float:
    """metafor's typical within-study variance, used for I^2 and H^2."""
    w = 1 / vi
    return float((len(vi) - 1) * w.sum() / (w.sum() ** 2 - (w**2).sum()))


def i2_h2(tau2: float, vi: np.ndarray) -> tuple[float | None, float | None]:
    if len(vi) < 2:
        return None, None
    vt = typical_variance(vi)
    return float(100 * tau2 / (vt + tau2)), float(tau2 / vt + 1)


def interval_summary(
    estimate: float, se: float, heterogeneity: Heterogeneity, weights: np.ndarray, level: float
) -> PooledEffect:
    """Wald z confidence interval and z prediction interval around a pooled estimate."""
    z = distributions.norm_ppf(1 - (1 - level) / 2)
    half_pi = z * np.sqrt(se**2 + heterogeneity.tau2)
    return PooledEffect(
        estimate,
        se,
        estimate - z * se,
        estimate + z * se,
        float(estimate - half_pi),
        float(estimate + half_pi),
        heterogeneity,
        weights,
    )
