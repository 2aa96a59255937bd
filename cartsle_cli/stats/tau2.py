"""Between-study variance tau^2 of a (mixed-effects) meta-analysis model, as metafor's ``rma.uni``.

Each estimator follows metafor 3.8's own algorithm and its defaults, so that the numbers agree with
``rma(yi, vi, mods=, method=)`` as it is usually called (no ``control``):

- DL: DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Control Clin Trials 7:177-188
  (with moderators: Raudenbush SW 2009, in The Handbook of Research Synthesis, 2nd ed.).
- HE: Hedges LV (1983). A random effects model for effect sizes. Psychol Bull 93:388-395; the start
  of ML and REML.
- ML and REML: Fisher scoring from max(0, HE), step halving to stay >= 0, stopped when tau^2 changes
  by less than 1e-5 (100 iterations at most), with metafor's check against tau^2 = 0
  (Viechtbauer W 2005. J Educ Behav Stat 30:261-293). Where that cycles (metafor's ``rma`` then
  stops with "Fisher scoring algorithm did not converge"), the steps are halved and up to 1000
  are taken, metafor's documented remedy (``control=list(stepadj=0.5, maxiter=1000)``), and the
  result says so.
- PM: Paule RC, Mandel J (1982). Consensus values and weighting factors. J Res Natl Bur Stand
  87:377-385: the root of Q(tau^2) = k - p, searched in metafor's interval [0, max(100, 10 mad(y)^2)]
  (a root above it is refused, as metafor refuses it).
- SJ: Sidik K, Jonkman JN (2005). Simple heterogeneity variance estimation for meta-analysis.
  J R Stat Soc C 54:367-384, started at the (k-1)/k variance of the estimates.
- Q-profile CI: Viechtbauer W (2007). Confidence intervals for the amount of heterogeneity in
  meta-analysis. Stat Med 26:37-52, in ``confint.rma.uni``'s interval and with its bounds.

Roots (PM, Q-profile) are found by Brent's method (``scipy.optimize.brentq``; Brent RP 1973,
Algorithms for Minimization without Derivatives, ch. 4) to 1e-12 absolute and 4 machine epsilons
relative: the root itself, not an approximation to it. R's ``uniroot`` stops at a tolerance of
1.2e-4 by default, so the goldens in the tests come from metafor run with ``control=list(tol=1e-12)``
(Q(tau^2) is monotone, so both find the same root; only where they stop differs).

Everything is O(k p^2): the k x k projection matrix P is never formed (its traces and quadratic
forms are written with p x p matrices), so leave-one-out over many outcomes stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import distributions

ESTIMATORS = {
    "dl": "DerSimonian-Laird",
    "reml": "restricted maximum likelihood (REML)",
    "ml": "maximum likelihood (ML)",
    "pm": "Paule-Mandel",
    "sj": "Sidik-Jonkman",
    "he": "Hedges",
}
THRESHOLD = 1e-5  # metafor's control$threshold for Fisher scoring
MAX_ITERATIONS = 100  # metafor's control$maxiter
TAU2_MAX = 100.0  # metafor's control$tau2.max for PM, raised to 10 mad(yi)^2 where that is larger
MAD_CONSTANT = 1.4826  # R's mad(): the median absolute deviation scaled to the normal SD
LL_TOLERANCE = 2.220446049250313e-16**0.25  # metafor's control$tol: the ll0check margin
ROOT_XTOL = 1e-12  # absolute tolerance of the roots in tau^2
ROOT_RTOL = 4 * 2.220446049250313e-16  # relative tolerance: brentq's smallest
ROOT_MAX_ITERATIONS = 500  # bisection alone would need about 60 steps at these tolerances


@dataclass(frozen=True)
class Projection:
    """Quantities of P = W - W X (X'W X)^-1 X'W for weights w, without forming P."""

    beta: np.ndarray
    residual_q: float  # y'P y = sum w (y - X beta)^2
    trace: float  # tr(P)
    trace_pp: float  # tr(P P)
    py: np.ndarray  # P y
    xwx_inverse: np.ndarray


def projection(yi: np.ndarray, w: np.ndarray, X: np.ndarray) -> Projection:
    if _intercept_only(X):
        return _intercept_projection(yi, w)
    xw = X * w[:, None]
    inverse = np.linalg.inv(X.T @ xw)
    beta = inverse @ (xw.T @ yi)
    py = w * (yi - X @ beta)
    b = inverse @ (X.T @ (X * (w**2)[:, None]))  # A X'W^2 X
    trace = float(w.sum() - np.trace(b))
    trace_pp = float((w**2).sum() - 2 * np.trace(inverse @ (X.T @ (X * (w**3)[:, None]))) + np.trace(b @ b))
    return Projection(beta, float(py @ (yi - X @ beta)), trace, trace_pp, py, inverse)


def _intercept_only(X: np.ndarray) -> bool:
    return X.shape[1] == 1 and bool(np.all(X == 1))


def _intercept_projection(yi: np.ndarray, w: np.ndarray) -> Projection:
    """The same quantities for X = 1, in sums (the common case, and the one leave-one-out repeats)."""
    sw = w.sum()
    w2 = w @ w
    beta = (w @ yi) / sw
    residual = yi - beta
    py = w * residual
    trace_pp = w2 - 2 * ((w * w) @ w) / sw + (w2 / sw) ** 2
    return Projection(
        np.array([beta]), float(py @ residual), float(sw - w2 / sw), float(trace_pp), py, np.array([[1 / sw]])
    )


def q_function(yi: np.ndarray, vi: np.ndarray, X: np.ndarray):
    """tau^2 -> y'P y for these data, for root searches that call it many times."""
    if not _intercept_only(X):
        return lambda tau2: residual_q(tau2, yi, vi, X)

    def q(tau2: float) -> float:
        w = 1 / (vi + tau2)
        residual = yi - (w @ yi) / w.sum()
        return float(w @ (residual * residual))

    return q


def residual_q(tau2: float, yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    """The generalised Q statistic y'P y at tau^2 (metafor's .QE.func)."""
    if _intercept_only(X):
        w = 1 / (vi + tau2)
        residual = yi - (w @ yi) / w.sum()
        return float(w @ (residual * residual))
    w = 1 / (vi + tau2)
    xw = X * w[:, None]
    beta = np.linalg.solve(X.T @ xw, xw.T @ yi)
    r = yi - X @ beta
    return float((w * r * r).sum())


def tau2_he(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape
    inverse = np.linalg.inv(X.T @ X)
    r = yi - X @ (inverse @ (X.T @ yi))
    trace_pv = vi.sum() - np.trace(inverse @ (X.T @ (X * vi[:, None])))
    return float(((r * r).sum() - trace_pv) / (k - p))


def tau2_dl(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape
    fe = projection(yi, 1 / vi, X)
    return max(0.0, (fe.residual_q - (k - p)) / fe.trace)


def tau2_sj(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape
    start = float(np.var(yi))  # var(yi) (k-1)/k
    return max(0.0, start * residual_q(start, yi, vi, X) / (k - p))


def tau2_pm(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape
    target = k - p
    q = q_function(yi, vi, X)
    upper = max(TAU2_MAX, 10 * (MAD_CONSTANT * np.median(np.abs(yi - np.median(yi)))) ** 2)
    if q(0.0) < target:
        return 0.0
    if q(upper) > target:
        raise CartsleError(f"the Paule-Mandel tau^2 lies above {upper:g}; use another estimator")
    return max(0.0, root_of(q, target, 0.0, upper))


def root_of(q, objective: float, lower: float, upper: float) -> float:
    """The tau^2 in [lower, upper] where ``q(tau^2) = objective``, by Brent's method; the ends
    must bracket it (the callers check that first, as metafor does)."""
    try:
        return float(
            brentq(
                lambda t: q(t) - objective,
                lower,
                upper,
                xtol=ROOT_XTOL,
                rtol=ROOT_RTOL,
                maxiter=ROOT_MAX_ITERATIONS,
            )
        )
    except (RuntimeError, ValueError) as error:
        raise CartsleError(f"the tau^2 root search failed ({error}); use another estimator") from None


def _log_likelihood(tau2: float, yi: np.ndarray, vi: np.ndarray, X: np.ndarray, reml: bool) -> float:
    k, p = X.shape
    w = 1 / (vi + tau2)
    xwx = X.T @ (X * w[:, None])
    q = residual_q(tau2, yi, vi, X)
    if reml:
        return float(
            -0.5 * (k - p) * np.log(2 * np.pi)
            - 0.5 * np.log(vi + tau2).sum()
            - 0.5 * np.linalg.slogdet(xwx)[1]
            - 0.5 * q
        )
    return float(-0.5 * k * np.log(2 * np.pi) - 0.5 * np.log(vi + tau2).sum() - 0.5 * q)


STEP_ADJUSTED = (
    "Fisher scoring cycled at metafor's defaults; steps halved (rma control stepadj=0.5, maxiter=1000)"
)


def tau2_fisher(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, reml: bool) -> float:
    """ML or REML by metafor's Fisher scoring, started at the Hedges estimate."""
    return tau2_fisher_noted(yi, vi, X, reml)[0]


def tau2_fisher_noted(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, reml: bool) -> tuple[float, str | None]:
    """Fisher scoring at metafor's defaults, and with halved steps where those cycle."""
    try:
        return _fisher(yi, vi, X, reml, 1.0, MAX_ITERATIONS), None
    except CartsleError:
        return _fisher(yi, vi, X, reml, 0.5, 10 * MAX_ITERATIONS), STEP_ADJUSTED


def _fisher(
    yi: np.ndarray, vi: np.ndarray, X: np.ndarray, reml: bool, step_scale: float, max_iterations: int
) -> float:
    tau2 = max(0.0, tau2_he(yi, vi, X))
    for _ in range(max_iterations + 1):
        old = tau2
        w = 1 / (vi + tau2)
        proj = projection(yi, w, X)
        pyy = float(proj.py @ proj.py)  # y'PPy
        if reml:
            step = (pyy - proj.trace) / proj.trace_pp
        else:
            step = (pyy - w.sum()) / (w**2).sum()
        if not np.isfinite(step):
            step = 0.0
        step *= step_scale
        while tau2 + step < 0:
            step /= 2
        tau2 += step
        if abs(old - tau2) <= THRESHOLD:
            break
    else:
        raise CartsleError(
            f"the Fisher scoring algorithm for tau^2 did not converge in {max_iterations} iterations; "
            "use --method pm or dl"
        )
    if tau2 > THRESHOLD:
        # metafor's ll0check: a maximum below the likelihood at tau^2 = 0 is a local one
        if _log_likelihood(0.0, yi, vi, X, reml) - _log_likelihood(tau2, yi, vi, X, reml) > LL_TOLERANCE:
            tau2 = 0.0
    return max(0.0, tau2)


def estimate_tau2(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str) -> float:
    """tau^2 by ``method`` (a key of ESTIMATORS); 0 for a single study, as metafor sets it."""
    return estimate_tau2_noted(yi, vi, X, method)[0]


def estimate_tau2_noted(
    yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str
) -> tuple[float, str | None]:
    """tau^2 and, where the estimation departed from metafor's defaults, a note saying how."""
    if len(yi) <= X.shape[1]:
        return 0.0, None
    if method in ("reml", "ml"):
        return tau2_fisher_noted(yi, vi, X, method == "reml")
    return _closed_or_root(yi, vi, X, method), None


def _closed_or_root(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str) -> float:
    if method == "dl":
        return tau2_dl(yi, vi, X)
    if method == "pm":
        return tau2_pm(yi, vi, X)
    if method == "sj":
        return tau2_sj(yi, vi, X)
    if method == "he":
        return max(0.0, tau2_he(yi, vi, X))
    raise CartsleError(f"unknown tau^2 estimator {method!r}; use one of {', '.join(ESTIMATORS)}")


@dataclass(frozen=True)
class Tau2Interval:
    """Q-profile confidence limits for tau^2; ``lower_note``/``upper_note`` say '<' or '>' where a
    limit sits on the search bound (metafor prints the same signs)."""

    lower: float
    upper: float
    lower_note: str
    upper_note: str
    method: str = "Q-profile (Viechtbauer 2007)"


def q_profile(
    tau2: float, yi: np.ndarray, vi: np.ndarray, X: np.ndarray, level: float = 0.95
) -> Tau2Interval:
    """Q-profile CI of tau^2 searched in [0, max(100, 10 tau^2)], as ``confint.rma.uni``."""
    k, p = X.shape
    alpha = 1 - level
    low_bound, high_bound = min(0.0, tau2), max(100.0, tau2 * 10)
    crit_u = distributions.chi2_isf(alpha / 2, k - p)
    crit_l = distributions.chi2_ppf(alpha / 2, k - p)
    q = q_function(yi, vi, X)
    q_high, q_low = q(high_bound), q(low_bound)

    def root(objective: float) -> float:
        return root_of(q, objective, low_bound, high_bound)

    lower_note = upper_note = ""
    if q_low < crit_l:
        upper, upper_note = low_bound, "<"
        lower, lower_note = low_bound, "<"
    else:
        upper = high_bound if q_high > crit_l else root(crit_l)
        upper_note = ">" if q_high > crit_l else ""
        if q_high > crit_u:
            lower, lower_note, upper, upper_note = high_bound, ">", high_bound, ">"
        elif q_low < crit_u:
            lower = low_bound
        else:
            lower = root(crit_u)
    return Tau2Interval(float(lower), float(upper), lower_note, upper_note)
