"""Inverse-variance random-effects meta-analysis of one effect per study (as metafor's ``rma``).

tau^2 by DerSimonian-Laird (DerSimonian R, Laird N 1986. Meta-analysis in clinical trials.
Control Clin Trials 7:177-188) or REML by Fisher scoring (Viechtbauer W 2005. Bias and efficiency
of meta-analytic variance estimators in the random-effects model. J Educ Behav Stat 30:261-293),
iterated to a step below 1e-12 (metafor stops at 1e-5 by default). Q is Cochran's Q with
common-effect weights; I^2 and H^2 follow Higgins JPT, Thompson SG (2002). Quantifying
heterogeneity in a meta-analysis. Stat Med 21:1539-1558, with metafor's "typical" within-study
variance (k-1) sum(w) / ((sum w)^2 - sum(w^2)), so that they are defined for every estimator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from cartsle_cli.errors import CartsleError

ESTIMATORS = {"dl": "DerSimonian-Laird", "reml": "REML"}
REML_THRESHOLD = 1e-12
REML_MAX_ITERATIONS = 10_000


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


def cochran_q(yi: np.ndarray, vi: np.ndarray) -> float:
    w = 1 / vi
    mean = (w * yi).sum() / w.sum()
    return float((w * (yi - mean) ** 2).sum())


def tau2_dl(yi: np.ndarray, vi: np.ndarray) -> float:
    """DerSimonian-Laird moment estimator, truncated at 0."""
    w = 1 / vi
    return max(0.0, (cochran_q(yi, vi) - (len(yi) - 1)) / (w.sum() - (w**2).sum() / w.sum()))


def tau2_reml(yi: np.ndarray, vi: np.ndarray, start: float | None = None) -> float:
    """REML by Fisher scoring with step halving that keeps tau^2 >= 0, as metafor iterates."""
    tau2 = tau2_dl(yi, vi) if start is None else start
    for _ in range(REML_MAX_ITERATIONS):
        w = 1 / (vi + tau2)
        # P = W - W 1 (1'W1)^-1 1'W for an intercept-only model
        P = np.diag(w) - np.outer(w, w) / w.sum()
        Py = P @ yi
        step = (Py @ Py - np.trace(P)) / np.trace(P @ P)
        while tau2 + step < 0:
            step /= 2
        tau2 += step
        if abs(step) < REML_THRESHOLD:
            return max(0.0, tau2)
    raise CartsleError("REML did not converge; use --method dl")


def pool(yi: np.ndarray, vi: np.ndarray, estimator: str, level: float = 0.95) -> PooledEffect:
    """Random-effects pool of ``yi`` with variances ``vi``; Wald z CI and z prediction interval.

    The prediction interval is metafor's default for ``test="z"``: estimate +- z sqrt(se^2 + tau^2)
    (Higgins JPT, Thompson SG, Spiegelhalter DJ 2009. J R Stat Soc A 172:137-159 use t with k-2
    df instead).
    """
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if estimator not in ESTIMATORS:
        raise CartsleError(f"unknown estimator {estimator!r}; use one of {', '.join(ESTIMATORS)}")
    k = len(yi)
    tau2 = 0.0 if k < 2 else (tau2_dl(yi, vi) if estimator == "dl" else tau2_reml(yi, vi))
    w = 1 / (vi + tau2)
    estimate = float((w * yi).sum() / w.sum())
    se = float(np.sqrt(1 / w.sum()))
    q = cochran_q(yi, vi) if k >= 2 else None
    q_p = float(stats.chi2.sf(q, k - 1)) if q is not None else None
    i2, h2 = i2_h2(tau2, vi)
    heterogeneity = Heterogeneity(tau2, i2, h2, q, k - 1, q_p, "Cochran's Q")
    return interval_summary(estimate, se, heterogeneity, 100 * w / w.sum(), level)


def interval_summary(
    estimate: float, se: float, heterogeneity: Heterogeneity, weights: np.ndarray, level: float
) -> PooledEffect:
    """Wald z confidence interval and z prediction interval around a pooled estimate."""
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
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
