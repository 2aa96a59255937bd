"""The tables `cartsle pool meta` prints for comparative and generic measures and for the extras
(subgroups, meta-regression, leave-one-out, Egger's test); each names the method that made it."""

from __future__ import annotations

from cartsle_cli.cli.common import print_table, stdout
from cartsle_cli.stats.meta import MetaResult
from cartsle_cli.stats.moderators import MetaRegression, SubgroupAnalysis
from cartsle_cli.stats.sensitivity import EggerTest, LeaveOneOut

NAMES = {
    "OR": "odds ratio",
    "RR": "risk ratio",
    "RD": "risk difference",
    "MD": "mean difference",
    "SMD": "standardised mean difference",
    "GEN": "estimate",
    "PLO": "proportion",
    "PFT": "proportion",
    "PR": "proportion",
}


def number(value: float | None, digits: int = 3) -> str:
    if value is None:
        return ""
    if value != 0 and (abs(value) < 10**-digits or abs(value) >= 1e6):
        return f"{value:.{digits}g}"
    return f"{value:.{digits}f}"


def interval(estimate: float, lower: float | None, upper: float | None) -> str:
    return f"{number(estimate)} ({number(lower)} to {number(upper)})"


def p_value(p: float | None) -> str:
    """'p = 0.0123' or 'p < 0.0001'."""
    if p is None:
        return "p = NA"
    return "p < 0.0001" if p < 1e-4 else f"p = {p:.4f}"


def _line(text: str) -> None:
    stdout().print(text, markup=False, highlight=False)


def print_result(result: MetaResult) -> None:
    """Studies, the pooled effect with its intervals and heterogeneity, the method and warnings."""
    name = NAMES.get(result.measure, result.measure)
    weighted = any(s.weight is not None for s in result.studies)
    print_table(
        f"Studies ({name}, 95% CI by Wald z on the {result.scale} scale)",
        ["study", name, "95% CI", *(["weight"] if weighted else [])],
        [
            [s.label, number(s.estimate), f"{number(s.lower)} to {number(s.upper)}"]
            + ([f"{s.weight:.1f}%" if s.weight is not None else ""] if weighted else [])
            for s in result.studies
        ],
    )
    level = f"{100 * result.level:g}%"
    rows: list[list[object]] = [
        ["studies", result.k],
        [f"pooled {name} ({level} CI)", interval(result.estimate, result.lower, result.upper)],
        [
            f"on the {result.scale} scale",
            interval(result.estimate_transformed, result.lower_transformed, result.upper_transformed),
        ],
        [
            "test of no effect",
            f"{'t' if result.df is not None else 'z'} = {result.zval:.3f}, {p_value(result.pval)}",
        ],
    ]
    if result.pi_lower is not None:
        rows.append(
            [f"{level} prediction interval", f"{number(result.pi_lower)} to {number(result.pi_upper)}"]
        )
    if result.method_key not in ("fe", "mh", "peto"):
        tau2_ci = (
            ""
            if result.tau2_lower is None
            else f" ({number(result.tau2_lower, 4)} to {number(result.tau2_upper, 4)})"
        )
        rows.append(["tau^2", f"{number(result.tau2, 4)}{tau2_ci}"])
    rows += [
        ["I^2 / H^2", f"{result.i2:.1f}% / {result.h2:.2f}"],
        [
            "heterogeneity test",
            f"Q = {result.q:.2f} on {result.q_df} df, {p_value(result.q_p)} ({result.q_test})",
        ],
    ]
    print_table(f"Pooled {name}: {result.method.model}", ["", "value"], rows)
    _line(f"method: {result.method.line()}")
    for warning in result.warnings:
        _line(f"warning: {warning}")


def print_subgroups(analysis: SubgroupAnalysis) -> None:
    rows = []
    for subgroup in analysis.subgroups:
        r = subgroup.result
        rows.append([subgroup.level, r.k, interval(r.estimate, r.lower, r.upper), number(r.tau2, 4),
                     "" if r.i2 is None else f"{r.i2:.1f}%"])  # fmt: skip
    print_table(
        f"Subgroups by {analysis.variable} (each with its own tau^2)",
        ["subgroup", "studies", "pooled (95% CI)", "tau^2", "I^2"],
        rows,
    )
    _line(
        f"test for subgroup differences: Q = {analysis.q_between:.2f} on {analysis.q_between_df} df, "
        f"{p_value(analysis.q_between_p)} ({analysis.test})"
    )


def print_regression(model: MetaRegression) -> None:
    statistic = "t" if model.df is not None else "z"
    print_table(
        f"Meta-regression on the {model.scale} scale ({model.k} studies)",
        ["coefficient", "estimate", "SE", statistic, "p", "95% CI"],
        [[c.name, number(c.estimate, 4), number(c.se, 4), f"{c.statistic:.3f}", p_value(c.p).removeprefix("p = ").removeprefix("p "),
          f"{number(c.lower, 4)} to {number(c.upper, 4)}"] for c in model.coefficients],
    )  # fmt: skip
    r2 = "" if model.r2 is None else f", R^2 = {model.r2:.1f}%"
    if model.qm is None:
        _line("test of moderators: not computable (the coefficients' covariance is singular)")
    else:
        _line(f"test of moderators: QM = {model.qm:.3f}, {model.qm_test}, {p_value(model.qm_p)}")
    _line(
        f"residual heterogeneity: tau^2 = {number(model.tau2, 4)}, I^2 = {model.i2:.1f}%, "
        f"QE = {model.qe:.2f} on {model.qe_df} df, {p_value(model.qe_p)}{r2}"
    )
    _line(f"method: {model.method_line}")


def print_leave_one_out(analysis: LeaveOneOut, measure: str) -> None:
    name = NAMES.get(measure, measure)
    print_table(
        analysis.method_line[0].upper() + analysis.method_line[1:],
        ["omitted", f"pooled {name} (95% CI)", "tau^2", "I^2"],
        [
            [o.study, interval(o.estimate, o.lower, o.upper), number(o.tau2, 4), f"{o.i2:.1f}%"]
            for o in analysis.omitted
        ],
    )


def print_egger(test: EggerTest) -> None:
    _line(
        f"Egger's test: bias = {test.slope:.3f} (SE {test.slope_se:.3f}), t = {test.statistic:.3f} on {test.df} df, "
        f"{p_value(test.p)}; limit estimate {interval(test.limit_estimate, test.limit_lower, test.limit_upper)}"
    )
    _line(f"method: {test.method_line}")
    if test.warning:
        _line(f"warning: {test.warning}")
