"""Binomial-normal random-effects model for proportions, fitted by maximum likelihood.

Model (Stijnen T, Hamza TH, Ozdemir P 2010. Random effects meta-analysis of event outcome in the
framework of the generalized linear mixed model with applications in sparse data. Stat Med
29:3046-3067): events_i ~ Binomial(n_i, expit(mu + tau z_i)), z_i ~ N(0, 1). This is metafor's
``rma.glmm(measure="PLO", method="ML")``, which calls lme4's ``glmer``.

The marginal likelihood is integrated study by study with adaptive Gauss-Hermite quadrature
(Liu Q, Pierce DA 1994. A note on Gauss-Hermite quadrature. Biometrika 81:624-629), centred on
each study's conditional mode and scaled by its curvature, as lme4 does with ``nAGQ``. We use 25
nodes by default, the same rule as ``glmer(nAGQ=25)``, and agree with it to 1e-6. That is
what "exact" means here: with a large tau and zero-event studies the posterior of z is skewed and
25 nodes still leave ~1e-6 of quadrature error in tau^2 (60 nodes remove it), an error lme4 shares;
pass ``nodes`` for more. Exact zero counts need no continuity correction. The maximum is located
by profiling tau (mu by Newton with analytic derivatives, the likelihood being log-concave in mu),
then polished by Newton on the quadrature likelihood itself; the standard error of mu is the
inverse of its observed information in (mu, tau) by Richardson-extrapolated central differences,
as lme4's Hessian-based ``vcov`` computes it (with plain differences).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, gammaln, logit

from cartsle_cli.errors import CartsleError

DEFAULT_NODES = 25
DIFFERENCE_STEP = 1e-3
MAX_TAU = 10.0  # a between-study SD of 10 logits: beyond it the fit is degenerate
ALTERNATIVE = "use --method dl or --method reml (e.g. --scale ft), or the crude pooled proportion"


@dataclass(frozen=True)
class GlmmFit:
    """ML estimates of the binomial-normal model on the logit scale."""

    mu: float
    se: float
    tau2: float
    log_likelihood: float
    nodes: int


def check_fittable(events: np.ndarray, totals: np.ndarray) -> None:
    """Refuse the data on which the GLMM has no finite interior maximum (R's rma.glmm fails too)."""
    if len(events) < 2:
        raise CartsleError(
            f"the GLMM needs at least 2 studies to estimate tau^2 (got {len(events)}); {ALTERNATIVE}"
        )
    if np.all(events == 0):
        raise CartsleError(
            f"all studies have 0 events, so the GLMM logit goes to minus infinity; {ALTERNATIVE}"
        )
    if np.all(events == totals):
        raise CartsleError(f"all studies have all events, so the GLMM logit goes to infinity; {ALTERNATIVE}")
    if np.all((events == 0) | (events == totals)):
        raise CartsleError(
            f"every study has 0 or all events, so tau^2 has no finite maximum likelihood estimate; {ALTERNATIVE}"
        )
    if np.all(events * totals[0] == events[0] * totals):
        raise CartsleError(
            f"all studies have the same proportion, so tau^2 sits on its boundary at 0 and the GLMM "
            f"cannot be fitted (as in R's rma.glmm); {ALTERNATIVE}"
        )


class _Quadrature:
    """Adaptive Gauss-Hermite integration of each study's likelihood over its random effect."""

    def __init__(self, events: np.ndarray, totals: np.ndarray, nodes: int) -> None:
        self.x, self.n = events.astype(float), totals.astype(float)
        self.t, self.w = np.polynomial.hermite.hermgauss(nodes)
        self.log_choose = gammaln(self.n + 1) - gammaln(self.x + 1) - gammaln(self.n - self.x + 1)
        self._last_modes = np.zeros_like(self.x)  # successive calls are close: start where the last ended

    def _log_joint(self, mu: float, tau: float, z: np.ndarray) -> np.ndarray:
        eta = mu + tau * z
        # x log p + (n - x) log(1 - p), written to stay finite for large |eta|
        return self.x[:, None] * eta - self.n[:, None] * np.logaddexp(0, eta) - z**2 / 2

    def _modes(self, mu: float, tau: float) -> tuple[np.ndarray, np.ndarray]:
        """Each study's conditional mode of z and the posterior scale there.

        The mode solves z = tau (x - n p(z)), so it lies between tau (x - n) and tau x; Newton steps
        that leave this shrinking bracket are replaced by bisection (plain Newton can cycle here).
        """
        ends = np.stack([tau * (self.x - self.n), tau * self.x])
        low, high = ends.min(axis=0), ends.max(axis=0)
        z = np.clip(self._last_modes, low, high)
        for _ in range(200):
            p = expit(mu + tau * z)
            gradient = tau * (self.x - self.n * p) - z
            low, high = np.where(gradient > 0, z, low), np.where(gradient < 0, z, high)
            newton = z + gradient / (tau**2 * self.n * p * (1 - p) + 1)
            inside = (newton >= low) & (newton <= high)
            step = np.where(inside, newton, (low + high) / 2) - z
            z = z + step
            if np.max(np.abs(step)) < 1e-13 or np.max(high - low) < 1e-13:
                break
        self._last_modes = z
        p = expit(mu + tau * z)
        return z, 1 / np.sqrt(tau**2 * self.n * p * (1 - p) + 1)

    def nodes(self, mu: float, tau: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Quadrature points z (study x node), their log weights, and each study's log likelihood."""
        mode, scale = self._modes(mu, tau)
        z = mode[:, None] + np.sqrt(2) * scale[:, None] * self.t[None, :]
        log_terms = self._log_joint(mu, tau, z) + self.t[None, :] ** 2 + np.log(self.w)[None, :]
        log_terms += np.log(scale)[:, None] - 0.5 * np.log(np.pi)
        peak = log_terms.max(axis=1, keepdims=True)
        log_lik = peak[:, 0] + np.log(np.exp(log_terms - peak).sum(axis=1))
        return z, log_terms - log_lik[:, None], log_lik

    def log_likelihood(self, mu: float, tau: float) -> float:
        return float((self.nodes(mu, tau)[2] + self.log_choose).sum())

    def derivatives(self, mu: float, tau: float) -> tuple[np.ndarray, np.ndarray]:
        """Gradient and Hessian of the log likelihood in (mu, tau), as posterior expectations."""
        z, log_post, _ = self.nodes(mu, tau)
        post = np.exp(log_post)
        p = expit(mu + tau * z)
        score = self.x[:, None] - self.n[:, None] * p
        info = self.n[:, None] * p * (1 - p)
        e_s, e_sz = (post * score).sum(1), (post * score * z).sum(1)
        second = score**2 - info
        h_mm = (post * second).sum(1) - e_s**2
        h_mt = (post * second * z).sum(1) - e_s * e_sz
        h_tt = (post * second * z**2).sum(1) - e_sz**2
        gradient = np.array([e_s.sum(), e_sz.sum()])
        hessian = np.array([[h_mm.sum(), h_mt.sum()], [h_mt.sum(), h_tt.sum()]])
        return gradient, hessian


def _profile_mu(quad: _Quadrature, tau: float, start: float) -> float:
    """The ML mu for fixed tau: the marginal likelihood is log-concave in mu, so Newton is safe."""
    mu = start
    for _ in range(100):
        gradient, hessian = quad.derivatives(mu, tau)
        step = float(np.clip(-gradient[0] / hessian[0, 0], -2, 2))
        mu += step
        if abs(step) < 1e-12:
            break
    return mu


def _numeric_derivatives(quad: _Quadrature, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and Hessian of the quadrature log likelihood by central differences (Richardson)."""

    def at(step: float) -> tuple[np.ndarray, np.ndarray]:
        def f(offset: np.ndarray) -> float:
            return quad.log_likelihood(*(point + offset))

        unit = np.eye(2) * step
        gradient = np.array([(f(unit[i]) - f(-unit[i])) / (2 * step) for i in range(2)])
        hessian = np.empty((2, 2))
        for i in range(2):
            for j in range(i, 2):
                a, b = unit[i], unit[j]
                hessian[i, j] = hessian[j, i] = (f(a + b) - f(a - b) - f(b - a) + f(-a - b)) / (
                    4 * step * step
                )
        return gradient, hessian

    coarse, fine = at(DIFFERENCE_STEP), at(DIFFERENCE_STEP / 2)
    return (4 * fine[0] - coarse[0]) / 3, (4 * fine[1] - coarse[1]) / 3


def fit_glmm(events: np.ndarray, totals: np.ndarray, nodes: int = DEFAULT_NODES) -> GlmmFit:
    """ML fit of the binomial-normal model; raises CartsleError where it cannot be fitted."""
    x, n = np.asarray(events, dtype=float), np.asarray(totals, dtype=float)
    check_fittable(x, n)
    quad = _Quadrature(x, n, nodes)
    start = float(logit(x.sum() / n.sum()))
    profile = minimize_scalar(
        lambda tau: -quad.log_likelihood(_profile_mu(quad, tau, start), tau),
        bounds=(0.0, MAX_TAU),
        method="bounded",
        options={"xatol": 1e-9},
    )
    tau = float(profile.x)
    if tau > 0.99 * MAX_TAU:
        raise CartsleError(
            f"the likelihood keeps rising with tau^2 (beyond {MAX_TAU**2:g} on the logit scale); {ALTERNATIVE}"
        )
    mu = _profile_mu(quad, tau, start)
    if tau < 1e-6:
        # boundary: the common-effect logistic estimate is exact, and so is the information
        _, hessian = quad.derivatives(start, 0.0)
        return GlmmFit(start, float(np.sqrt(-1 / hessian[0, 0])), 0.0, quad.log_likelihood(start, 0.0), nodes)
    point = np.array([mu, tau])
    # Newton on the quadrature likelihood itself, so that the maximum and the curvature are those of
    # the very function lme4 maximises with nAGQ (its nodes move with the parameters)
    for _ in range(20):
        gradient, hessian = _numeric_derivatives(quad, point)
        if np.any(np.linalg.eigvalsh(hessian) >= 0):
            break
        step = -np.linalg.solve(hessian, gradient)
        point = point + step
        if np.max(np.abs(step)) < 1e-10:
            break
    mu, tau = float(point[0]), abs(float(point[1]))
    _, hessian = _numeric_derivatives(quad, np.array([mu, tau]))
    variance = float(np.linalg.inv(-hessian)[0, 0])
    if not np.isfinite(variance) or variance <= 0:
        raise CartsleError(f"the GLMM information matrix is singular on these data; {ALTERNATIVE}")
    return GlmmFit(float(mu), float(np.sqrt(variance)), float(tau**2), quad.log_likelihood(mu, tau), nodes)


def heterogeneity_lrt(events: np.ndarray, totals: np.ndarray) -> float:
    """Likelihood-ratio statistic of the saturated model against one common proportion (df k-1).

    The heterogeneity test metafor's rma.glmm reports as "LRT" next to the Wald test.
    """
    x, n = np.asarray(events, dtype=float), np.asarray(totals, dtype=float)

    def loglik(p: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(x > 0, x * np.log(p), 0.0) + np.where(n - x > 0, (n - x) * np.log1p(-p), 0.0)
        return float(terms.sum())

    return 2 * (loglik(x / n) - loglik(np.full_like(x, x.sum() / n.sum())))
