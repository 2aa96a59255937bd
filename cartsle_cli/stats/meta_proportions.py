"""Meta-analysis of single proportions, each result naming its method.

``meta_proportions(events, totals, method=, scale=, ci=, pi=)`` pools with the binomial-normal GLMM
on the logit scale (the default; Stijnen, Hamza & Ozdemir 2010, see ``glmm``), or by inverse
variance (``rma``: common effect ``fe``, or random effects with DerSimonian-Laird, REML, ML,
Paule-Mandel or Sidik-Jonkman tau^2, see ``tau2``; CI by z or HKSJ, prediction interval by z or t
with k-2 df, Q-profile CI for tau^2) on the logit, Freeman-Tukey double arcsine (Freeman & Tukey
1950; back-transformed by Miller 1978 with the harmonic mean n) or raw scale. Numbers agree with
metafor's ``rma``/``rma.glmm`` at their defaults.
Studies with zero events are always kept; the traps of each method are returned as warnings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import distributions, glmm, random_effects, rma, tau2, transforms
from cartsle_cli.stats.names import PROPORTION_METHODS as METHODS
from cartsle_cli.stats.proportions import clopper_pearson

CI_METHODS = {"z": "z", "hksj": "knha"}
# The FT back-transformation is unreliable for proportions this close to 0 or 1 in small studies
FT_SPARSE_PROPORTION = 0.1


@dataclass(frozen=True)
class Method:
    """What produced a pooled proportion, in the words a methods section uses."""

    estimator: str
    transformation: str
    back_transformation: str
    ci: str
    prediction_interval: str
    study_ci: str
    continuity_correction: str | None
    tau2_ci: str | None = None

    def line(self) -> str:
        parts = [
            self.estimator,
            f"transformation: {self.transformation}",
            f"back-transformation: {self.back_transformation}",
            f"CI: {self.ci}",
            f"prediction interval: {self.prediction_interval}",
        ]
        if self.tau2_ci:
            parts.append(f"tau^2 CI: {self.tau2_ci}")
        if self.continuity_correction:
            parts.append(self.continuity_correction)
        return "; ".join(parts)


@dataclass(frozen=True)
class StudyProportion:
    label: str
    events: int
    total: int
    proportion: float
    lower: float
    upper: float
    weight: float | None  # percent of the random-effects weight


@dataclass(frozen=True)
class MetaProportionResult:
    """A pooled proportion with its intervals, heterogeneity, the studies and the method."""

    method: Method
    studies: list[StudyProportion]
    k: int
    events: int
    total: int
    crude_proportion: float
    estimate: float
    lower: float
    upper: float
    pi_lower: float
    pi_upper: float
    scale: str
    estimate_transformed: float
    se_transformed: float
    tau2: float
    i2: float | None
    h2: float | None
    q: float | None
    q_df: int
    q_p: float | None
    q_test: str
    level: float
    warnings: list[str] = field(default_factory=list)
    tau2_lower: float | None = None
    tau2_upper: float | None = None
    lower_transformed: float | None = None
    upper_transformed: float | None = None
    pi_lower_transformed: float | None = None
    pi_upper_transformed: float | None = None

    def to_dict(self) -> dict:
        return asdict(self) | {"method_line": self.method.line()}


def _percent(p: float) -> str:
    return f"{100 * p:.1f}%"


def _check_input(events: np.ndarray, totals: np.ndarray, labels: list[str], method: str, scale: str) -> None:
    if method not in METHODS:
        raise CartsleError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if scale not in transforms.SCALES:
        raise CartsleError(f"unknown scale {scale!r}; use one of {', '.join(transforms.SCALES)}")
    if method == "glmm" and scale != "logit":
        raise CartsleError(f"the GLMM works on the logit scale; for --scale {scale} use --method dl or reml")
    if len(events) == 0 or len(events) != len(totals) or len(labels) != len(events):
        raise CartsleError(
            f"need one total per event count and at least one study (got {len(events)} events, {len(totals)} totals)"
        )
    for label, x, n in zip(labels, events, totals):
        if n <= 0 or x < 0 or x > n:
            raise CartsleError(f"study {label}: events {x} must lie between 0 and a positive total ({n})")


def _study_rows(events, totals, labels, weights, level) -> list[StudyProportion]:
    rows = []
    for i, (label, x, n) in enumerate(zip(labels, events, totals)):
        ci = clopper_pearson(int(x), int(n), level)
        weight = None if weights is None else float(weights[i])
        rows.append(StudyProportion(label, int(x), int(n), float(x / n), ci.lower, ci.upper, weight))
    return rows


def _inverse_variance(events, totals, method, scale, level, ci, pi):
    sizes = transforms.effect_sizes(events, totals, scale)
    model = rma.fit(sizes.yi, sizes.vi, method=method, test=CI_METHODS[ci], level=level)
    k = len(events)
    interval = (
        tau2.q_profile(model.tau2, sizes.yi, sizes.vi, model.X, level) if model.random and k > 1 else None
    )
    prediction = rma.prediction_interval(model, pi)
    heterogeneity = random_effects.Heterogeneity(
        model.tau2, model.i2 if k > 1 else None, model.h2 if k > 1 else None,
        model.qe if k > 1 else None, k - 1, model.qe_p if k > 1 else None, "Cochran's Q",
    )  # fmt: skip
    pooled = random_effects.PooledEffect(
        float(model.beta[0]), float(model.se[0]), float(model.ci_lower[0]), float(model.ci_upper[0]),
        prediction.lower, prediction.upper, heterogeneity, model.weights,
    )  # fmt: skip
    corrected = int(sizes.corrected.sum())
    correction = (
        f"0.5 added to the cells of {corrected} of {len(events)} studies with 0 or all events"
        if corrected
        else None
    )
    if scale == "ft":
        back = f"Miller (1978) with harmonic mean n = {transforms.harmonic_mean(totals):.2f}"
    else:
        back = "inverse logit" if scale == "logit" else "none"
    estimator = (
        "inverse-variance common effect"
        if method == "fe"
        else f"inverse-variance random effects, tau^2 by {tau2.ESTIMATORS[method]}"
        + (f" ({model.tau2_note})" if model.tau2_note else "")
    )
    ci_text = "Wald z" if ci == "z" else f"Hartung-Knapp-Sidik-Jonkman, t with {k - 1} df"
    described = Method(
        estimator,
        transforms.SCALE_NAMES[scale],
        back,
        ci_text,
        prediction.method if model.random else "none (common effect)",
        "Clopper-Pearson (exact)",
        correction,
        interval.method if interval else None,
    )
    return pooled, described, interval


def _glmm(events, totals, level, nodes):
    fit = glmm.fit_glmm(events, totals, nodes)
    # I^2 as metafor computes it for rma.glmm: from the escalc logit variances (0.5-corrected)
    logit_sizes = transforms.effect_sizes(events, totals, "logit")
    i2, h2 = random_effects.i2_h2(fit.tau2, logit_sizes.vi)
    lrt = glmm.heterogeneity_lrt(events, totals)
    heterogeneity = random_effects.Heterogeneity(
        fit.tau2,
        i2,
        h2,
        lrt,
        len(events) - 1,
        distributions.chi2_sf(lrt, len(events) - 1),
        "likelihood-ratio test against one common proportion",
    )
    pooled = random_effects.interval_summary(fit.mu, fit.se, heterogeneity, None, level)
    described = Method(
        f"binomial-normal GLMM, ML by adaptive Gauss-Hermite quadrature ({fit.nodes} nodes)",
        "logit",
        "inverse logit",
        "Wald z",
        "z (metafor default)",
        "Clopper-Pearson (exact)",
        None,
    )
    return pooled, described, None


def meta_proportions(
    events,
    totals,
    *,
    method: str = "glmm",
    scale: str = "logit",
    labels: list[str] | None = None,
    level: float = 0.95,
    nodes: int = glmm.DEFAULT_NODES,
    ci: str = "z",
    pi: str = "z",
) -> MetaProportionResult:
    """Pool single proportions across studies; see the module docstring for the methods."""
    x, n = np.asarray(events, dtype=float), np.asarray(totals, dtype=float)
    labels = (
        [str(label) for label in labels] if labels is not None else [f"study {i + 1}" for i in range(len(x))]
    )
    _check_input(x, n, labels, method, scale)
    if ci not in CI_METHODS:
        raise CartsleError(f"unknown CI method {ci!r}; use z or hksj")
    if method in ("glmm", "fe") and ci != "z":
        raise CartsleError(
            f"the HKSJ CI is for inverse-variance random-effects models, not {method}; use --ci z"
        )
    if method == "glmm" and pi != "z":
        raise CartsleError("the GLMM prediction interval is z-based; use --pi z")
    if method == "glmm":
        pooled, described, interval = _glmm(x, n, level, nodes)
    else:
        pooled, described, interval = _inverse_variance(x, n, method, scale, level, ci, pi)
    values = np.array([pooled.estimate, pooled.lower, pooled.upper, pooled.pi_lower, pooled.pi_upper])
    back, clamped = transforms.back_transform(values, scale, n)
    het = pooled.heterogeneity
    crude = float(x.sum() / n.sum())
    estimate, lower, upper, pi_lower, pi_upper = map(float, back)
    result = MetaProportionResult(
        described,
        _study_rows(x, n, labels, pooled.weights, level),
        len(x),
        int(x.sum()),
        int(n.sum()),
        crude,
        estimate,
        lower,
        upper,
        pi_lower,
        pi_upper,
        scale,
        float(pooled.estimate),
        float(pooled.se),
        float(het.tau2),
        het.i2,
        het.h2,
        het.q,
        het.q_df,
        het.q_p,
        het.q_test,
        level,
        [],
        None if interval is None else interval.lower,
        None if interval is None else interval.upper,
        float(pooled.lower),
        float(pooled.upper),
        float(pooled.pi_lower),
        float(pooled.pi_upper),
    )
    result.warnings.extend(trap_warnings(result, x, n, clamped))
    return result


def trap_warnings(
    result: MetaProportionResult, events: np.ndarray, totals: np.ndarray, clamped: np.ndarray
) -> list[str]:
    """The known traps of each method, said where they bite (the numbers are in the message)."""
    found = []
    pooled, crude = _percent(result.estimate), _percent(result.crude_proportion)
    if result.method.continuity_correction and result.scale == "logit":
        remedy = (
            "the GLMM (--method glmm) needs no correction"
            if 0 < result.events < result.total
            else f"with no variation in events, report the crude {result.events}/{result.total} with its Clopper-Pearson interval"
        )
        found.append(
            f"{result.method.continuity_correction}: on sparse data this pulls the logit pool towards 50% "
            f"(pooled {pooled} against crude {crude}); {remedy}"
        )
    if result.method.continuity_correction and result.scale == "raw":
        found.append(f"{result.method.continuity_correction} to give them a non-zero variance")
    sparse = bool(np.any((events == 0) | (events == totals))) or not (
        FT_SPARSE_PROPORTION < result.crude_proportion < 1 - FT_SPARSE_PROPORTION
    )
    if result.scale == "ft" and sparse:
        found.append(
            f"the Freeman-Tukey back-transformation with the harmonic mean n is biased for small sparse "
            f"studies (Schwarzer et al. 2019): pooled {pooled} against crude {crude}; prefer --method glmm"
        )
    if result.scale == "ft" and clamped.any():
        which = [
            name
            for name, hit in zip(("estimate", "CI lower", "CI upper", "PI lower", "PI upper"), clamped)
            if hit
        ]
        found.append(
            f"the Freeman-Tukey back-transformation has no inverse there and clamped to 0 or 1: {', '.join(which)}"
        )
    outside = min(result.lower, result.pi_lower) < 0 or max(result.upper, result.pi_upper) > 1
    if result.scale == "raw" and outside:
        found.append(
            "a raw-proportion interval leaves [0, 1] (shown as computed); use --scale logit or --method glmm"
        )
    return found
