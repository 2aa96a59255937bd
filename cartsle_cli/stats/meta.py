"""The front door of comparative and generic meta-analysis: effect sizes in, a named result out.

``pool(effects, method=, ci=, pi=)`` pools a ``StudyEffects`` (from ``effect_sizes``) by
- ``method="fe"``: common effect, inverse variance (metafor ``rma(method="FE")``);
- ``"mh"``: Mantel-Haenszel for OR, RR, RD; ``"peto"``: Peto's odds ratio (``common_effect``);
- ``"dl"``, ``"reml"``, ``"ml"``, ``"pm"``, ``"sj"``: random effects with that tau^2 (``tau2``), CI by
  ``ci="z"`` or ``"hksj"`` (Hartung-Knapp-Sidik-Jonkman), prediction interval by ``pi="z"``
  (metafor's default) or ``"t"`` (k - 2 df, Higgins, Thompson & Spiegelhalter 2009), tau^2 CI by
  Q-profile (Viechtbauer 2007).
Every number is on the analysis scale (``*_transformed``: log OR, log RR, ...) and, for the pooled
result, also on the natural scale (ratios exponentiated, proportions back-transformed). Single
proportions (PLO/PFT/PR, with the GLMM) go through ``meta_proportions``; ``analyse`` reaches both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.special import expit

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import common_effect, distributions, rma, tau2, transforms
from cartsle_cli.stats.effect_sizes import Excluded, StudyEffects

METHODS = {
    "fe": "common effect, inverse variance",
    "mh": "common effect, Mantel-Haenszel",
    "peto": "common effect, Peto",
    **{key: f"random effects, tau^2 by {name}" for key, name in tau2.ESTIMATORS.items() if key != "he"},
}
CI_METHODS = {"z": "z", "hksj": "knha"}
PI_METHODS = ("z", "t")
I2_RANDOM = "I^2 = tau^2 / (tau^2 + typical within-study variance) (Higgins & Thompson 2002, metafor)"
I2_COMMON = "I^2 = (Q - df) / Q (Higgins & Thompson 2002)"


@dataclass(frozen=True)
class Method:
    """What produced a pooled result, in the words of a methods section."""

    measure: str
    scale: str
    model: str
    ci: str
    prediction_interval: str | None
    tau2_ci: str | None
    heterogeneity: str
    zero_cells: str | None
    excluded: str | None

    def line(self) -> str:
        parts = [self.model, f"measure: {self.measure} (analysed as {self.scale})", f"CI: {self.ci}"]
        if self.prediction_interval:
            parts.append(f"prediction interval: {self.prediction_interval}")
        if self.tau2_ci:
            parts.append(f"tau^2 CI: {self.tau2_ci}")
        parts.append(f"heterogeneity: {self.heterogeneity}")
        parts += [text for text in (self.zero_cells, self.excluded) if text]
        return "; ".join(parts)


@dataclass(frozen=True)
class StudyResult:
    """One study on the analysis scale (Wald z interval) and the natural scale, with its weight."""

    label: str
    estimate_transformed: float
    se_transformed: float
    lower_transformed: float
    upper_transformed: float
    estimate: float
    lower: float
    upper: float
    weight: float | None
    corrected: bool


@dataclass(frozen=True)
class MetaResult:
    """A pooled effect with its intervals, heterogeneity, studies and method."""

    method: Method
    method_key: str
    measure: str
    scale: str
    k: int
    studies: tuple[StudyResult, ...]
    excluded: tuple[Excluded, ...]
    estimate: float
    lower: float
    upper: float
    pi_lower: float | None
    pi_upper: float | None
    estimate_transformed: float
    se_transformed: float
    lower_transformed: float
    upper_transformed: float
    pi_lower_transformed: float | None
    pi_upper_transformed: float | None
    zval: float
    pval: float
    df: int | None
    tau2: float
    tau2_lower: float | None
    tau2_upper: float | None
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    q_test: str
    level: float
    warnings: tuple[str, ...] = field(default_factory=tuple)
    log_scale: bool = False  # the natural scale is exp() of the analysis scale (ratios)

    def to_dict(self) -> dict:
        return asdict(self) | {"method_line": self.method.line()}


def back_transform(values, effects: StudyEffects) -> np.ndarray:
    """Values on the analysis scale on the measure's natural scale."""
    values = np.asarray(values, dtype=float)
    if effects.log_scale:
        return np.exp(values)
    if effects.measure == "PLO":
        return expit(values)
    if effects.measure == "PFT":
        assert effects.totals is not None  # proportions carry their totals
        return transforms.inverse_ft(values, transforms.harmonic_mean(effects.totals))[0]
    return values


def _studies(effects: StudyEffects, weights: np.ndarray | None, level: float) -> tuple[StudyResult, ...]:
    z = distributions.norm_isf((1 - level) / 2)
    se = effects.sei
    low, high = effects.yi - z * se, effects.yi + z * se
    natural = [back_transform(v, effects) for v in (effects.yi, low, high)]
    # columns as lists of Python floats first: one conversion per column, not one per cell
    columns = [np.asarray(v, dtype=float).tolist() for v in (effects.yi, se, low, high, *natural)]
    shares = [None] * effects.k if weights is None else np.asarray(weights, dtype=float).tolist()
    corrected = np.asarray(effects.corrected, dtype=bool).tolist()
    return tuple(
        StudyResult(label, yi, sei, lower_t, upper_t, estimate, lower, upper, weight, flag)
        for label, yi, sei, lower_t, upper_t, estimate, lower, upper, weight, flag in zip(
            effects.labels, *columns, shares, corrected
        )
    )


def _zero_cell_text(effects: StudyEffects, method: str) -> str | None:
    corrected = int(effects.corrected.sum())
    if not corrected:
        return None
    if method in ("mh", "peto"):
        return f"{corrected} studies with a zero cell: pooled from the cells as they are, 1/2 added for their own estimates and Q"
    return f"1/2 added to every cell of {corrected} of {effects.k} studies with a zero cell"


def _excluded_text(effects: StudyEffects) -> str | None:
    if not effects.excluded:
        return None
    names = ", ".join(f"{e.study} ({e.reason})" for e in effects.excluded)
    return f"left out as not estimable: {names}"


def check(effects: StudyEffects, method: str, ci: str, pi: str) -> None:
    if method not in METHODS:
        raise CartsleError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if ci not in CI_METHODS:
        raise CartsleError(f"unknown CI method {ci!r}; use z or hksj")
    if pi not in PI_METHODS:
        raise CartsleError(f"unknown prediction-interval method {pi!r}; use z or t")
    if method == "mh" and effects.measure not in ("OR", "RR", "RD"):
        raise CartsleError(f"Mantel-Haenszel pools OR, RR or RD, not {effects.measure}")
    if method == "peto" and effects.measure != "OR":
        raise CartsleError(f"Peto's method pools odds ratios only, not {effects.measure}; use --measure OR")
    if method in ("mh", "peto") and effects.counts is None:
        raise CartsleError(f"{METHODS[method]} needs the 2x2 counts of each study")
    if method in ("mh", "peto", "fe") and ci == "hksj":
        raise CartsleError("the Hartung-Knapp-Sidik-Jonkman CI is for random-effects models; use --ci z")
    if effects.k == 0:
        raise CartsleError("no study is left to pool: " + (_excluded_text(effects) or "none given"))


def pool(
    effects: StudyEffects, *, method: str = "reml", ci: str = "z", pi: str = "z", level: float = 0.95
) -> MetaResult:
    """Pool ``effects`` by ``method``; see the module docstring."""
    check(effects, method, ci, pi)
    if method in ("mh", "peto"):
        return _pool_common_2x2(effects, method, level)
    fit = rma.fit(effects.yi, effects.vi, method=method, test=CI_METHODS[ci], level=level)
    random = method != "fe"
    interval = (
        tau2.q_profile(fit.tau2, effects.yi, effects.vi, fit.X, level) if random and fit.k > 1 else None
    )
    prediction = rma.prediction_interval(fit, pi) if random else None
    ci_text = "Wald z" if ci == "z" else f"Hartung-Knapp-Sidik-Jonkman, t with {fit.df} df"
    described = Method(
        effects.measure,
        effects.scale,
        rma.METHODS[method]
        if not random
        else f"random effects, inverse variance, tau^2 by {tau2.ESTIMATORS[method]}"
        + (f" ({fit.tau2_note})" if fit.tau2_note else ""),
        ci_text,
        prediction.method if prediction else None,
        interval.method if interval else None,
        (I2_RANDOM if random else I2_COMMON) + f"; Cochran's Q, chi^2 with {fit.qe_df} df",
        _zero_cell_text(effects, method),
        _excluded_text(effects),
    )
    values = [fit.beta[0], fit.ci_lower[0], fit.ci_upper[0]]
    pi_values = [prediction.lower, prediction.upper] if prediction else [None, None]
    natural = back_transform(values, effects)
    natural_pi = back_transform(pi_values, effects) if prediction else [None, None]
    estimate, lower, upper = map(float, natural)
    pi_lower, pi_upper = (None if v is None else float(v) for v in natural_pi)
    pi_lower_t, pi_upper_t = (None if v is None else float(v) for v in pi_values)
    return MetaResult(
        described,
        method,
        effects.measure,
        effects.scale,
        fit.k,
        _studies(effects, fit.weights, level),
        effects.excluded,
        estimate,
        lower,
        upper,
        pi_lower,
        pi_upper,
        float(fit.beta[0]),
        float(fit.se[0]),
        float(fit.ci_lower[0]),
        float(fit.ci_upper[0]),
        pi_lower_t,
        pi_upper_t,
        float(fit.zval[0]),
        float(fit.pval[0]),
        fit.df,
        fit.tau2,
        None if interval is None else interval.lower,
        None if interval is None else interval.upper,
        fit.i2,
        fit.h2,
        fit.qe,
        fit.qe_df,
        fit.qe_p,
        "Cochran's Q",
        level,
        _warnings(effects) + ((fit.tau2_note,) if fit.tau2_note else ()),
        effects.log_scale,
    )


def _pool_common_2x2(effects: StudyEffects, method: str, level: float) -> MetaResult:
    assert effects.counts is not None  # the 2x2 methods are only offered for binary outcomes
    if method == "mh":
        # Q over the estimable studies: metafor's rma.mh leaves double zeros out of it even for RD
        keep = ~_double_zero(effects)
        result = common_effect.mantel_haenszel(
            effects.counts, effects.measure, effects.yi[keep], effects.vi[keep], level
        )
    else:
        result = common_effect.peto(effects.counts, level, effects.k)
    # per-study weights are over the studies given; show them for the analysed ones
    weights = result.weights[effects.study_rows()] if result.weights is not None else None
    described = Method(
        effects.measure,
        effects.scale,
        f"common effect, {result.method}",
        "Wald z",
        None,
        None,
        I2_COMMON + f"; Cochran's Q, chi^2 with {result.q_df} df",
        _zero_cell_text(effects, method),
        _excluded_text(effects),
    )
    estimate, lower, upper = map(
        float, back_transform([result.estimate, result.lower, result.upper], effects)
    )
    return MetaResult(
        described,
        method,
        effects.measure,
        effects.scale,
        effects.k,
        _studies(effects, weights, level),
        effects.excluded,
        estimate,
        lower,
        upper,
        None,
        None,
        result.estimate,
        result.se,
        result.lower,
        result.upper,
        None,
        None,
        result.zval,
        result.pval,
        None,
        0.0,
        None,
        None,
        result.i2,
        result.h2,
        result.q,
        result.q_df,
        result.q_p,
        "Cochran's Q",
        level,
        _warnings(effects),
        effects.log_scale,
    )


def _double_zero(effects: StudyEffects) -> np.ndarray:
    c, rows = effects.counts, effects.study_rows()
    assert c is not None  # double zeros are a binary outcome's
    a, n1, e, n2 = c.events_e[rows], c.n_e[rows], c.events_c[rows], c.n_c[rows]
    return ((a == 0) & (e == 0)) | ((a == n1) & (e == n2))


def _warnings(effects: StudyEffects) -> tuple[str, ...]:
    found: list[str] = []
    excluded = _excluded_text(effects)  # None when no study was left out
    if excluded is not None:
        found.append(excluded)
    return tuple(found)
