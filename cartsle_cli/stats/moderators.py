"""Study-level moderators: subgroup analysis and mixed-effects meta-regression.

Subgroups: each subgroup pooled on its own (its own tau^2), and the test for subgroup differences
Q_between = sum_g (theta_g - theta_bar)^2 / se_g^2 on the subgroup estimates, chi^2 with G - 1 df,
theta_bar their inverse-variance mean: R meta's default (``metagen(..., subgroup=)``, tau^2 not
common) and metafor's "separate fits" (``rma(estimates, sei=ses, mods=~group, method="FE")``;
Borenstein M, Hedges LV, Higgins JPT, Rothstein HR 2009. Introduction to Meta-Analysis, ch. 19).
Meta-regression: ``rma(yi, vi, mods=~ x1 + x2 ...)``, numeric moderators as they are, text ones as
treatment contrasts against their first level in sorted order (R's factor coding); QM tests every
coefficient but the intercept (chi^2, or F under HKSJ); R^2 as ``rma.uni`` computes it.
Moderator values are given per input study (the rows given to ``effect_sizes``), so that studies
left out as not estimable drop out of every analysis alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import distributions, meta, rma, tau2
from cartsle_cli.stats.effect_sizes import StudyEffects
from cartsle_cli.stats.meta_proportions import MetaProportionResult


@dataclass(frozen=True)
class Subgroup:
    level: str
    result: meta.MetaResult | MetaProportionResult


@dataclass(frozen=True)
class SubgroupAnalysis:
    """Pooled results per subgroup and the test for subgroup differences."""

    variable: str
    subgroups: tuple[Subgroup, ...]
    q_between: float
    q_between_df: int
    q_between_p: float
    test: str

    def to_dict(self) -> dict:
        return {
            "variable": self.variable,
            # the subgroup's name is "level" (the report's tables read it); the result's own
            # "level" (the CI's, 0.95) overwrote it, so it moves to "ci_level"
            "subgroups": [
                {**s.result.to_dict(), "level": s.level, "ci_level": s.result.level} for s in self.subgroups
            ],
            "q_between": self.q_between,
            "q_between_df": self.q_between_df,
            "q_between_p": self.q_between_p,
            "test": self.test,
        }


def _check_length(values: Sequence, effects: StudyEffects, name: str) -> None:
    if len(values) != effects.input_rows:
        raise CartsleError(f"{name}: {len(values)} values for {effects.input_rows} studies")


def subgroups(
    effects: StudyEffects,
    groups: Sequence[str],
    *,
    variable: str = "subgroup",
    method: str = "reml",
    ci: str = "z",
    pi: str = "z",
    level: float = 0.95,
) -> SubgroupAnalysis:
    """Pool each subgroup (in order of first appearance) and test the differences between them."""
    _check_length(groups, effects, variable)
    labels = np.array([str(g).strip() for g in groups], dtype=object)
    if any(label == "" for label in labels):
        raise CartsleError(f"{variable}: a study has no value")
    order = list(dict.fromkeys(labels))
    found = []
    for name in order:
        chosen = effects.select(labels == name)
        if chosen.k == 0:
            continue  # every study of this subgroup was not estimable; they are listed in its effects
        found.append(Subgroup(name, meta.pool(chosen, method=method, ci=ci, pi=pi, level=level)))
    if len(found) < 2:
        raise CartsleError(
            f"{variable}: need at least 2 subgroups with an estimable study (got {len(found)})"
        )
    estimates = np.array([s.result.estimate_transformed for s in found])
    weights = 1 / np.array([s.result.se_transformed for s in found]) ** 2
    mean = (weights * estimates).sum() / weights.sum()
    q = float((weights * (estimates - mean) ** 2).sum())
    df = len(found) - 1
    test = f"Q between subgroups, chi^2 with {df} df on the subgroup estimates (separate tau^2 per subgroup)"
    return SubgroupAnalysis(variable, tuple(found), q, df, distributions.chi2_sf(q, df), test)


@dataclass(frozen=True)
class Coefficient:
    name: str
    estimate: float
    se: float
    statistic: float  # z, or t under HKSJ
    p: float
    lower: float
    upper: float


@dataclass(frozen=True)
class MetaRegression:
    """A mixed-effects (or common-effect) meta-regression on the analysis scale."""

    method_line: str
    measure: str
    scale: str
    k: int
    coefficients: tuple[Coefficient, ...]
    tau2: float
    tau2_lower: float | None
    tau2_upper: float | None
    i2: float
    h2: float
    r2: float | None
    qe: float
    qe_df: int
    qe_p: float
    qm: float | None  # None where the coefficients' covariance is singular (HKSJ on a perfect fit)
    qm_df: tuple[int, int | None]
    qm_p: float | None
    qm_test: str
    df: int | None

    def to_dict(self) -> dict:
        return asdict(self)


def design_matrix(moderators: dict[str, Sequence], rows: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Intercept plus one column per numeric moderator, treatment contrasts for text ones."""
    columns, names = [np.ones(len(rows))], ["intercept"]
    for name, values in moderators.items():
        values = [str(v).strip() for v in values]
        chosen = [values[i] for i in rows]
        if any(v == "" for v in chosen):
            raise CartsleError(f"moderator {name}: a study has no value")
        try:
            numbers = np.array([float(v) for v in chosen])
        except ValueError:
            numbers = None
        if numbers is not None and np.all(np.isfinite(numbers)):
            columns.append(numbers)
            names.append(name)
            continue
        levels = sorted(set(chosen))
        if len(levels) < 2:
            raise CartsleError(f"moderator {name}: one value ({levels[0]!r}) for every study")
        for category in levels[1:]:
            columns.append(np.array([v == category for v in chosen], dtype=float))
            names.append(f"{name}: {category} (vs {levels[0]})")
    return np.column_stack(columns), tuple(names)


def meta_regression(
    effects: StudyEffects,
    moderators: dict[str, Sequence],
    *,
    method: str = "reml",
    ci: str = "z",
    level: float = 0.95,
) -> MetaRegression:
    """``rma(yi, vi, mods=~ ...)`` with the moderators named (values per input study)."""
    if not moderators:
        raise CartsleError("a meta-regression needs at least one moderator")
    if method not in rma.METHODS or method == "he":
        raise CartsleError(
            f"a meta-regression is fitted by inverse variance (fe or a tau^2 estimator), not {method}"
        )
    for name, values in moderators.items():
        _check_length(values, effects, f"moderator {name}")
    X, names = design_matrix(moderators, effects.study_rows())
    if effects.k <= X.shape[1]:
        raise CartsleError(
            f"a meta-regression with {X.shape[1]} coefficients needs more than {X.shape[1]} studies (got {effects.k})"
        )
    fit = rma.fit(
        effects.yi, effects.vi, X, method=method, test=meta.CI_METHODS[ci], level=level, coef_names=names
    )
    interval = tau2.q_profile(fit.tau2, effects.yi, effects.vi, X, level) if fit.random else None
    coefficients = tuple(
        Coefficient(
            name, *(float(v[j]) for v in (fit.beta, fit.se, fit.zval, fit.pval, fit.ci_lower, fit.ci_upper))
        )
        for j, name in enumerate(fit.coef_names)
    )
    model = (
        "common-effect meta-regression"
        if method == "fe"
        else f"mixed-effects meta-regression, tau^2 by {tau2.ESTIMATORS[method]}"
    )
    qm_test = f"F({fit.qm_df[0]}, {fit.qm_df[1]})" if fit.df is not None else f"chi^2 with {fit.qm_df[0]} df"
    if fit.tau2_note:
        model += f" ({fit.tau2_note})"
    line = "; ".join(
        [
            model,
            f"measure: {effects.measure} (analysed as {effects.scale})",
            "tests: " + ("Hartung-Knapp-Sidik-Jonkman t and F" if fit.df is not None else "Wald z and chi^2"),
            f"residual heterogeneity: {meta.I2_RANDOM if fit.random else meta.I2_COMMON}",
            "R^2: proportional reduction of tau^2 against the model without moderators"
            if fit.random
            else "R^2: adjusted weighted R^2",
        ]
    )
    return MetaRegression(
        line, effects.measure, effects.scale, fit.k, coefficients, fit.tau2,
        None if interval is None else interval.lower, None if interval is None else interval.upper,
        fit.i2, fit.h2, fit.r2, fit.qe, fit.qe_df, fit.qe_p, fit.qm, fit.qm_df, fit.qm_p, qm_test, fit.df,
    )  # fmt: skip
