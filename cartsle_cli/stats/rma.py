"""Inverse-variance meta-analysis and meta-regression models, as metafor's ``rma.uni``.

``fit(yi, vi, X=None, method=, test=)`` fits the common-effect (``method="fe"``) or random-effects /
mixed-effects model y = X beta + u + e, u ~ N(0, tau^2), e ~ N(0, v_i), with tau^2 from ``tau2``.
Tests and CIs are Wald z (``test="z"``) or Hartung-Knapp-Sidik-Jonkman (``test="knha"``: the
variance of beta scaled by the weighted residual sum of squares over k - p, t with k - p df,
F for the omnibus test; Hartung J, Knapp G 2001. Stat Med 20:3875-3889; Sidik K, Jonkman JN 2002.
Stat Med 21:3153-3159). Heterogeneity follows metafor's definitions:

- Q_E = sum w_i (y_i - x_i b_FE)^2 with common-effect weights w_i = 1/v_i, chi^2 with k - p df
  (Cochran WG 1954. Biometrics 10:101-129).
- random effects: I^2 = 100 tau^2 / (tau^2 + s^2) and H^2 = (tau^2 + s^2) / s^2 with the "typical"
  within-study variance s^2 = (k - p) / tr(P_FE) (Higgins JPT, Thompson SG 2002. Stat Med
  21:1539-1558; metafor's i2def 1), so that I^2 depends on the tau^2 estimator;
  common effect: I^2 = max(0, 100 (Q - df) / Q), H^2 = Q / df.
- R^2 = max(0, (tau^2_0 - tau^2) / tau^2_0) with tau^2_0 from the model without moderators (Raudenbush
  SW 2009, The Handbook of Research Synthesis and Meta-Analysis, 2nd ed., 295-315).
Prediction intervals (``prediction_interval``) are metafor's ``predict.rma``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import tau2 as tau2_estimators

TESTS = {"z": "Wald z", "knha": "Hartung-Knapp-Sidik-Jonkman (t)"}
METHODS = {"fe": "common effect (inverse variance)", **tau2_estimators.ESTIMATORS}
MACHINE_EPSILON = 2.220446049250313e-16


@dataclass(frozen=True)
class RmaFit:
    """One fitted model: coefficients with their tests, tau^2 and heterogeneity (metafor's names)."""

    method: str
    test: str
    level: float
    k: int
    coef_names: tuple[str, ...]
    beta: np.ndarray
    se: np.ndarray
    zval: np.ndarray  # z or t
    pval: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    vb: np.ndarray
    df: int | None  # t and F denominator df under knha
    tau2: float
    qe: float
    qe_df: int
    qe_p: float
    i2: float
    h2: float
    typical_variance: float
    qm: float | None
    qm_df: tuple[int, int | None]
    qm_p: float | None
    r2: float | None
    weights: np.ndarray  # percent of the total weight, per study
    yi: np.ndarray
    vi: np.ndarray
    X: np.ndarray

    @property
    def p(self) -> int:
        return len(self.beta)

    @property
    def random(self) -> bool:
        return self.method != "fe"


def _design(k: int, X: np.ndarray | None) -> np.ndarray:
    if X is None:
        return np.ones((k, 1))
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.shape[0] != k:
        raise CartsleError(f"the design matrix has {X.shape[0]} rows for {k} studies")
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise CartsleError("the moderators are collinear (the model matrix is not of full rank)")
    return X


def _heterogeneity(yi, vi, X, method, tau2):
    k, p = X.shape
    if k <= p:
        return 0.0, 1.0, 0.0, 1.0, 0.0
    fe = tau2_estimators.projection(yi, 1 / vi, X)
    qe = max(0.0, fe.residual_q)
    qe_p = float(stats.chi2.sf(qe, k - p))
    vt = (k - p) / fe.trace
    if method == "fe":
        i2 = max(0.0, 100 * (qe - (k - p)) / qe) if qe > 0 else 0.0
        return qe, qe_p, i2, qe / (k - p), vt
    return qe, qe_p, 100 * tau2 / (vt + tau2), tau2 / vt + 1, vt


def _r2(yi, vi, X, method, tau2) -> float | None:
    k, p = X.shape
    if p == 1 or not np.allclose(X[:, 0], 1):
        return None
    if method == "fe":
        if np.var(yi) == 0:
            return 0.0
        w = 1 / vi
        fitted = X @ np.linalg.solve(X.T @ (X * w[:, None]), (X * w[:, None]).T @ yi)
        rss = (w * (yi - fitted) ** 2).sum()
        tss = (w * (yi - (w * yi).sum() / w.sum()) ** 2).sum()
        adjusted = 1 - (rss / tss) * (k - 1) / (k - p)
        return max(0.0, 100 * adjusted)
    tau2_0 = tau2_estimators.estimate_tau2(yi, vi, np.ones((k, 1)), method)
    if tau2_0 == 0:
        return 0.0
    return max(0.0, 100 * (tau2_0 - tau2) / tau2_0)


def fit(
    yi,
    vi,
    X: np.ndarray | None = None,
    *,
    method: str = "reml",
    test: str = "z",
    level: float = 0.95,
    coef_names: tuple[str, ...] | None = None,
    tau2: float | None = None,
) -> RmaFit:
    """Fit the model; ``X`` without an intercept column is taken as given (pass one explicitly)."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if method not in METHODS:
        raise CartsleError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if test not in TESTS:
        raise CartsleError(f"unknown CI method {test!r}; use z or knha")
    if len(yi) == 0 or len(yi) != len(vi):
        raise CartsleError(
            f"need one variance per estimate and at least one study (got {len(yi)}, {len(vi)})"
        )
    if np.any(~np.isfinite(yi)) or np.any(~np.isfinite(vi)) or np.any(vi <= 0):
        raise CartsleError("every study needs a finite estimate and a positive sampling variance")
    k = len(yi)
    X = _design(k, X)
    p = X.shape[1]
    if tau2 is None:
        tau2 = 0.0 if method == "fe" else tau2_estimators.estimate_tau2(yi, vi, X, method)
    w = 1 / (vi + tau2)
    proj = tau2_estimators.projection(yi, w, X)
    beta, vb = proj.beta, proj.xwx_inverse
    df = None
    if test == "knha":
        rss = proj.residual_q
        scale = 0.0 if rss <= MACHINE_EPSILON else rss / (k - p) if k > p else np.nan
        vb = vb * scale
        df = k - p
    se = np.sqrt(np.diag(vb))
    with np.errstate(divide="ignore", invalid="ignore"):
        zval = beta / se
    btt = np.arange(1, p) if p > 1 and np.allclose(X[:, 0], 1) else np.arange(p)
    m = len(btt)
    try:
        qm = float(beta[btt] @ np.linalg.solve(vb[np.ix_(btt, btt)], beta[btt]))
    except np.linalg.LinAlgError:
        qm = None
    if df is not None:
        qm = None if qm is None else qm / m
        pval = 2 * stats.t.sf(np.abs(zval), df) if df > 0 else np.full(p, np.nan)
        crit = float(stats.t.isf((1 - level) / 2, df)) if df > 0 else np.nan
        qm_df: tuple[int, int | None] = (m, df)
        qm_p = float(stats.f.sf(qm, m, df)) if qm is not None and df > 0 else None
    else:
        pval = 2 * stats.norm.sf(np.abs(zval))
        crit = float(stats.norm.isf((1 - level) / 2))
        qm_df = (m, None)
        qm_p = float(stats.chi2.sf(qm, m)) if qm is not None else None
    qe, qe_p, i2, h2, vt = _heterogeneity(yi, vi, X, method, tau2)
    names = coef_names or (("intercept",) + tuple(f"x{j}" for j in range(1, p)))
    return RmaFit(
        method,
        test,
        level,
        k,
        tuple(names),
        beta,
        se,
        zval,
        pval,
        beta - crit * se,
        beta + crit * se,
        vb,
        df,
        float(tau2),
        qe,
        k - p,
        qe_p,
        float(i2),
        float(h2),
        float(vt),
        qm,
        qm_df,
        qm_p,
        _r2(yi, vi, X, method, tau2),
        100 * w / w.sum(),
        yi,
        vi,
        X,
    )


@dataclass(frozen=True)
class PredictionInterval:
    lower: float
    upper: float
    method: str


def prediction_interval(model: RmaFit, kind: str = "z", x: np.ndarray | None = None) -> PredictionInterval:
    """Prediction interval for the true effect in a new study at covariates ``x`` (default: the intercept).

    ``kind="z"`` is metafor's default: the CI's critical value (z, or t with k - p df under knha),
    estimate +- crit sqrt(se^2 + tau^2). ``kind="t"`` uses t with k - p - 1 df, k - 2 without
    moderators (Higgins JPT, Thompson SG, Spiegelhalter DJ 2009. A re-evaluation of random-effects
    meta-analysis. J R Stat Soc A 172:137-159; R meta's default; metafor's ``pi.type="riley"``),
    with at least 1 df as metafor.
    """
    if x is None:
        x = np.zeros(model.p)
        x[0] = 1.0
    x = np.asarray(x, dtype=float)
    prediction = float(x @ model.beta)
    se2 = float(x @ model.vb @ x)
    alpha = 1 - model.level
    if kind == "z":
        if model.df is None:
            crit, text = float(stats.norm.isf(alpha / 2)), "z (metafor default)"
        else:
            crit, text = (
                float(stats.t.isf(alpha / 2, model.df)),
                f"t with {model.df} df (metafor default under HKSJ)",
            )
    elif kind == "t":
        df = max(1, model.k - model.p - (1 if model.random else 0))
        crit, text = (
            float(stats.t.isf(alpha / 2, df)),
            f"t with {df} df (Higgins, Thompson & Spiegelhalter 2009)",
        )
    else:
        raise CartsleError(f"unknown prediction-interval method {kind!r}; use z or t")
    half = crit * np.sqrt(se2 + model.tau2)
    return PredictionInterval(prediction - half, prediction + half, text)
