"""All k leave-one-out fits of an intercept-only model at once, as k x k masked arrays.

The same algorithms as ``tau2`` and ``rma.fit`` (metafor's defaults: DL, SJ in closed form; ML and
REML by Fisher scoring from the Hedges start, each row stopped when its own change falls below
1e-5, step halving, the check against tau^2 = 0), written over rows so that leave-one-out over 60
studies costs about one fit instead of 60. Rows the batch cannot finish as metafor would (PM's
root search, a Fisher scoring that cycles) are refitted one by one with ``rma.fit``, so every row
is exactly what ``rma.fit`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from cartsle_cli.stats import distributions, rma, tau2

BATCHED = ("fe", "dl", "sj", "reml", "ml")


@dataclass(frozen=True)
class Batch:
    """Per omitted study: estimate, se, statistic, p, CI, Q, Q p, tau^2, I^2, H^2."""

    beta: np.ndarray
    se: np.ndarray
    statistic: np.ndarray
    p: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    q: np.ndarray
    q_p: np.ndarray
    tau2: np.ndarray
    i2: np.ndarray
    h2: np.ndarray


def _sums(yi, w):
    sw = w.sum(axis=1)
    beta = (w * yi).sum(axis=1) / sw
    residual = yi - beta[:, None]
    q = (w * residual * residual).sum(axis=1)
    return sw, beta, residual, q


def _fisher(yi, vi, keep, n, reml: bool, start: np.ndarray):
    """Vectorised Fisher scoring; returns tau^2 and which rows converged."""
    value = start.copy()
    active = np.ones(len(value), dtype=bool)
    for _ in range(tau2.MAX_ITERATIONS + 1):
        if not active.any():
            break
        w = keep / (vi + value[:, None])
        sw, _, residual, _ = _sums(yi, w)
        py = w * residual
        pyy = (py * py).sum(axis=1)
        w2 = (w * w).sum(axis=1)
        if reml:
            trace = sw - w2 / sw
            trace_pp = w2 - 2 * (w * w * w).sum(axis=1) / sw + (w2 / sw) ** 2
            step = (pyy - trace) / trace_pp
        else:
            step = (pyy - sw) / w2
        step = np.where(np.isfinite(step) & active, step, 0.0)
        while np.any(value + step < 0):
            step = np.where(value + step < 0, step / 2, step)
        old = value
        value = value + step
        active = active & ~(np.abs(old - value) <= tau2.THRESHOLD)
    converged = ~active

    # metafor's ll0check, row by row
    def loglik(t):
        w = keep / (vi + t[:, None])
        sw, _, _, q = _sums(yi, w)
        logs = np.where(keep, np.log(np.where(keep, vi + t[:, None], 1.0)), 0.0).sum(axis=1)
        if reml:
            return -0.5 * (n - 1) * np.log(2 * np.pi) - 0.5 * logs - 0.5 * np.log(sw) - 0.5 * q
        return -0.5 * n * np.log(2 * np.pi) - 0.5 * logs - 0.5 * q

    stuck = (value > tau2.THRESHOLD) & (loglik(np.zeros_like(value)) - loglik(value) > tau2.LL_TOLERANCE)
    return np.maximum(0.0, np.where(stuck, 0.0, value)), converged


def leave_one_out_batch(yi: np.ndarray, vi: np.ndarray, method: str, test: str, level: float) -> Batch:
    """Leave-one-out of ``rma(yi, vi, method=, test=)`` (intercept only), one row per omitted study."""
    k = len(yi)
    n = k - 1
    keep = ~np.eye(k, dtype=bool)
    Y = np.broadcast_to(yi, (k, k))
    V = np.broadcast_to(vi, (k, k))
    fe_w = keep / V
    fe_sw, _, _, fe_q = _sums(Y, fe_w)
    fe_trace = fe_sw - (fe_w * fe_w).sum(axis=1) / fe_sw
    refit = np.zeros(k, dtype=bool)
    if n <= 2 or method not in BATCHED:  # one or two studies left: the edge cases, one by one
        t2, refit = np.zeros(k), np.ones(k, dtype=bool)
    elif method == "fe":
        t2 = np.zeros(k)
    elif method == "dl":
        t2 = np.maximum(0.0, (fe_q - (n - 1)) / fe_trace)
    elif method == "sj":
        mean = np.where(keep, Y, 0).sum(axis=1) / n
        start = (np.where(keep, (Y - mean[:, None]) ** 2, 0)).sum(axis=1) / n
        _, _, _, q0 = _sums(Y, keep / (V + start[:, None]))
        t2 = np.maximum(0.0, start * q0 / (n - 1))
    elif method in ("reml", "ml"):
        mean = np.where(keep, Y, 0).sum(axis=1) / n
        rss = np.where(keep, (Y - mean[:, None]) ** 2, 0).sum(axis=1)
        trace_pv = np.where(keep, V, 0).sum(axis=1) * (1 - 1 / n)
        he = np.maximum(0.0, (rss - trace_pv) / (n - 1))
        t2, converged = _fisher(Y, V, keep, n, method == "reml", he)
        refit = ~converged
    w = keep / (V + t2[:, None])
    sw, beta, residual, rss = _sums(Y, w)
    variance = 1 / sw
    alpha = 1 - level
    if test == "knha":
        df = max(n - 1, 1)
        variance = variance * np.where(rss <= rma.MACHINE_EPSILON, 0.0, rss / df)
        se = np.sqrt(variance)
        with np.errstate(divide="ignore", invalid="ignore"):
            statistic = beta / se
        p = 2 * special.stdtr(df, -np.abs(statistic))
        crit = distributions.t_isf(alpha / 2, df)
    else:
        se = np.sqrt(variance)
        statistic = beta / se
        p = 2 * special.ndtr(-np.abs(statistic))
        crit = distributions.norm_isf(alpha / 2)
    q = np.maximum(0.0, fe_q)
    q_p = special.chdtrc(max(n - 1, 1), q)
    vt = max(n - 1, 1) / fe_trace
    if method == "fe":
        i2 = np.where(q > 0, np.maximum(0.0, 100 * (q - (n - 1)) / np.where(q > 0, q, 1)), 0.0)
        h2 = q / max(n - 1, 1)
    else:
        i2, h2 = 100 * t2 / (vt + t2), t2 / vt + 1
    result = [beta, se, statistic, p, beta - crit * se, beta + crit * se, q, q_p, t2, i2, h2]
    for i in np.flatnonzero(refit):
        f = rma.fit(np.delete(yi, i), np.delete(vi, i), method=method, test=test, level=level)
        row = (
            f.beta[0],
            f.se[0],
            f.zval[0],
            f.pval[0],
            f.ci_lower[0],
            f.ci_upper[0],
            f.qe,
            f.qe_p,
            f.tau2,
            f.i2,
            f.h2,
        )
        for column, value in zip(result, row):
            column[i] = value
    return Batch(*result)
