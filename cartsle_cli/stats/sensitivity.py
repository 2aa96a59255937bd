"""Sensitivity and small-study analyses: leave-one-out and Egger's regression test.

- Leave-one-out: the model refitted without each study in turn (metafor's ``leave1out``, for
  ``rma.uni``, ``rma.mh`` and ``rma.peto`` alike), with the same method and CI method.
- Egger's test, classic form: weighted least squares of y_i on se_i with weights 1/v_i, the slope
  tested by t with k - 2 df; the intercept is the "limit estimate" as se -> 0 (Egger M, Davey Smith
  G, Schneider M, Minder C 1997. Bias in meta-analysis detected by a simple, graphical test. BMJ
  315:629-634; metafor ``regtest(model="lm", predictor="sei")``). Below 10 studies the test has
  too little power to tell asymmetry from chance (Sterne JAC et al. 2011. BMJ 343:d4002), and the
  result says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import distributions, meta
from cartsle_cli.stats.effect_sizes import StudyEffects
from cartsle_cli.stats.leave_one_out_batch import leave_one_out_batch

EGGER_MIN_STUDIES = 10


@dataclass(frozen=True)
class LeftOut:
    """The pooled result without one study (analysis scale, and natural scale for the estimate)."""

    study: str
    estimate_transformed: float
    se_transformed: float
    statistic: float
    p: float
    lower_transformed: float
    upper_transformed: float
    estimate: float
    lower: float
    upper: float
    q: float
    q_p: float
    tau2: float
    i2: float
    h2: float


@dataclass(frozen=True)
class LeaveOneOut:
    method_line: str
    omitted: tuple[LeftOut, ...]

    def to_dict(self) -> dict:
        return asdict(self)


def leave_one_out(
    effects: StudyEffects, *, method: str = "reml", ci: str = "z", level: float = 0.95
) -> LeaveOneOut:
    """Refit without each analysed study in turn (``metafor::leave1out``)."""
    if effects.k < 2:
        raise CartsleError("leave-one-out needs at least 2 studies")
    meta.check(effects, method, ci, "z")
    rows = effects.study_rows()
    if method not in ("mh", "peto"):
        return _batched(effects, method, ci, level)
    omitted = []
    for i, label in enumerate(effects.labels):
        chosen = np.ones(effects.input_rows, dtype=bool)
        chosen[rows[i]] = False
        r = meta.pool(effects.select(chosen), method=method, level=level)
        estimate, lower, upper = map(
            float,
            meta.back_transform([r.estimate_transformed, r.lower_transformed, r.upper_transformed], effects),
        )
        omitted.append(
            LeftOut(
                label,
                r.estimate_transformed,
                r.se_transformed,
                r.zval,
                r.pval,
                r.lower_transformed,
                r.upper_transformed,
                estimate,
                lower,
                upper,
                r.q,
                r.q_p,
                r.tau2,
                r.i2,
                r.h2,
            )  # fmt: skip
        )
    return LeaveOneOut(_line(method, ci), tuple(omitted))


def _line(method: str, ci: str) -> str:
    return f"leave-one-out: {meta.METHODS[method]}, CI {'Wald z' if ci == 'z' else 'Hartung-Knapp-Sidik-Jonkman'}"


def _batched(effects: StudyEffects, method: str, ci: str, level: float) -> LeaveOneOut:
    batch = leave_one_out_batch(effects.yi, effects.vi, method, meta.CI_METHODS[ci], level)
    natural = [meta.back_transform(v, effects) for v in (batch.beta, batch.lower, batch.upper)]
    columns = (batch.beta, batch.se, batch.statistic, batch.p, batch.lower, batch.upper, *natural,
               batch.q, batch.q_p, batch.tau2, batch.i2, batch.h2)  # fmt: skip
    rows = zip(effects.labels, *(np.asarray(column, dtype=float).tolist() for column in columns))
    omitted = tuple(LeftOut(label, *values) for label, *values in rows)
    return LeaveOneOut(_line(method, ci), omitted)


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test for funnel-plot asymmetry."""

    k: int
    slope: float  # coefficient of the SE: Egger's "bias" term
    slope_se: float
    statistic: float  # t
    df: int
    p: float
    limit_estimate: float  # intercept: the estimate as se -> 0
    limit_lower: float
    limit_upper: float
    method_line: str
    warning: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def egger_test(effects: StudyEffects, level: float = 0.95) -> EggerTest:
    """Classic Egger test (``regtest(model="lm", predictor="sei")``); needs at least 3 studies."""
    k = effects.k
    if k < 3:
        raise CartsleError(f"Egger's test needs at least 3 studies (got {k})")
    w = 1 / effects.vi
    X = np.column_stack([np.ones(k), effects.sei])
    xw = X * w[:, None]
    inverse = np.linalg.inv(X.T @ xw)
    beta = inverse @ (xw.T @ effects.yi)
    residual = effects.yi - X @ beta
    sigma2 = float((w * residual**2).sum() / (k - 2))
    se = np.sqrt(np.diag(inverse) * sigma2)
    t = float(beta[1] / se[1])
    crit = distributions.t_isf((1 - level) / 2, k - 2)
    warning = (
        f"Egger's test on {k} studies (fewer than {EGGER_MIN_STUDIES}) has too little power to tell "
        "funnel-plot asymmetry from chance (Sterne et al. 2011)"
        if k < EGGER_MIN_STUDIES
        else None
    )
    return EggerTest(
        k, float(beta[1]), float(se[1]), t, k - 2, 2 * distributions.t_sf(abs(t), k - 2), float(beta[0]),
        float(beta[0] - crit * se[0]), float(beta[0] + crit * se[0]),
        f"Egger's regression test (classic: weighted regression on the standard error, t with {k - 2} df)",
        warning,
    )  # fmt: skip


def leave_one_out_proportions(
    events: ArrayLike, totals: ArrayLike, labels: list[str], *, level: float = 0.95, **options
) -> LeaveOneOut:
    """Leave-one-out for single proportions through ``meta_proportions`` (the GLMM included)."""
    from cartsle_cli.stats.meta_proportions import meta_proportions  # the proportion front door

    events, totals = np.asarray(events, dtype=float), np.asarray(totals, dtype=float)
    if len(events) < 3 and options.get("method", "glmm") == "glmm":
        raise CartsleError("leave-one-out with the GLMM needs at least 3 studies (the GLMM needs 2)")
    omitted = []
    for i, label in enumerate(labels):
        keep = np.arange(len(events)) != i
        r = meta_proportions(
            events[keep],
            totals[keep],
            labels=[labels[j] for j in np.flatnonzero(keep)],
            level=level,
            **options,
        )
        statistic = r.estimate_transformed / r.se_transformed
        # meta_proportions fills the analysis-scale interval on every result it returns
        assert r.lower_transformed is not None and r.upper_transformed is not None
        omitted.append(
            LeftOut(
                label,
                r.estimate_transformed,
                r.se_transformed,
                statistic,
                2 * distributions.norm_sf(abs(statistic)),
                r.lower_transformed,
                r.upper_transformed,
                r.estimate,
                r.lower,
                r.upper,
                r.q if r.q is not None else 0.0,
                r.q_p if r.q_p is not None else 1.0,
                r.tau2,
                r.i2 if r.i2 is not None else 0.0,
                r.h2 if r.h2 is not None else 1.0,
            )  # fmt: skip
        )
    line = f"leave-one-out: {r.method.estimator}"
    return LeaveOneOut(line, tuple(omitted))
