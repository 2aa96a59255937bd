"""One outcome's whole analysis in one call: effect sizes, the pool, and the extras asked for.

``analyse(plan, labels, numbers, characteristics)`` takes the study columns of one measure
(``COLUMNS``), builds the effect sizes (``effect_sizes``), pools them (``meta.pool``, or
``meta_proportions`` for single proportions, the GLMM included) and runs the subgroup analysis,
meta-regression, leave-one-out and Egger's test the plan names, on the same studies with the same
method. It is what `cartsle pool meta` prints and what a protocol-driven `cartsle pool` can call
per outcome; each part keeps its own method text and reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import effect_sizes, meta, moderators, sensitivity
from cartsle_cli.stats.meta_proportions import MetaProportionResult, meta_proportions

COLUMNS = {
    "binary": ("events_e", "n_e", "events_c", "n_c"),
    "continuous": ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"),
    "generic": ("yi", "sei"),
    "proportion": ("events", "total"),
}
KIND = {
    **dict.fromkeys(("OR", "RR", "RD"), "binary"),
    **dict.fromkeys(("MD", "SMD"), "continuous"),
    "GEN": "generic",
    **dict.fromkeys(("PLO", "PFT", "PR"), "proportion"),
}
METHODS = ("fe", "mh", "peto", "dl", "reml", "pm", "ml", "sj", "glmm")
PROPORTION_SCALE = {"PLO": "logit", "PFT": "ft", "PR": "raw"}
BIAS_TESTS = ("egger",)
EXTRAS = ("subgroups", "meta_regression", "leave_one_out", "egger")


@dataclass(frozen=True)
class Plan:
    """How one outcome is analysed (a protocol's analysis block, or `pool meta`'s options)."""

    measure: str
    method: str = "reml"
    ci: str = "z"
    pi: str = "z"
    subgroup: str | None = None
    moderators: tuple[str, ...] = ()
    leave_one_out: bool = False
    bias: str | None = None
    scale: str | None = None  # GEN: the name of the scale, e.g. "log hazard ratio"
    level: float = 0.95

    def check(self) -> None:
        """Refuse a plan whose parts do not fit together, naming the option at fault."""
        if self.measure not in KIND:
            raise CartsleError(
                f"unknown measure {self.measure!r}; use one of {', '.join(KIND)}", field="--measure"
            )
        if self.method not in METHODS:
            raise CartsleError(
                f"unknown method {self.method!r}; use one of {', '.join(METHODS)}", field="--method"
            )
        if self.ci not in meta.CI_METHODS:
            raise CartsleError(f"unknown CI method {self.ci!r}; use z or hksj", field="--ci")
        if self.pi not in meta.PI_METHODS:
            raise CartsleError(f"unknown prediction-interval method {self.pi!r}; use z or t", field="--pi")
        if self.method == "glmm" and self.measure != "PLO":
            raise CartsleError(
                f"the GLMM pools proportions on the logit scale (--measure PLO), not {self.measure}",
                field="--method",
            )
        if self.method == "peto" and self.measure != "OR":
            raise CartsleError(
                f"Peto's method pools odds ratios only, not {self.measure}; use --measure OR",
                field="--method",
            )
        if self.method == "mh" and self.measure not in ("OR", "RR", "RD"):
            raise CartsleError(f"Mantel-Haenszel pools OR, RR or RD, not {self.measure}", field="--method")
        if self.moderators and self.method in ("glmm", "mh", "peto"):
            raise CartsleError(
                "a meta-regression is fitted by inverse variance; use --method reml (or fe, dl, pm, ml, sj), "
                f"not {self.method}",
                field="--method",
            )
        if self.bias is not None and self.bias not in BIAS_TESTS:
            raise CartsleError(f"unknown small-study test {self.bias!r}; use egger", field="--bias")


class _PoolOptions(TypedDict):
    """The plan's pooling options, as meta.pool, meta_proportions and subgroups take them."""

    method: str
    ci: str
    pi: str
    level: float


@dataclass(frozen=True)
class Analysis:
    """The pooled result and each extra analysis (None where not asked for)."""

    plan: Plan
    effects: effect_sizes.StudyEffects
    pooled: meta.MetaResult | MetaProportionResult
    subgroups: moderators.SubgroupAnalysis | None = None
    meta_regression: moderators.MetaRegression | None = None
    leave_one_out: sensitivity.LeaveOneOut | None = None
    egger: sensitivity.EggerTest | None = None

    def to_dict(self) -> dict:
        """The pooled result's keys, the measure, and one key per extra analysis."""
        document = self.pooled.to_dict() | {"measure": self.plan.measure}
        for name in EXTRAS:
            value = getattr(self, name)
            document[name] = None if value is None else value.to_dict()
        return document


def study_effects(
    plan: Plan, labels: Sequence[str], numbers: Mapping[str, Sequence[float]]
) -> effect_sizes.StudyEffects:
    """The effect sizes of the measure from its columns (``COLUMNS``)."""
    kind = KIND[plan.measure]
    missing = [c for c in COLUMNS[kind] if c not in numbers]
    if missing:
        raise CartsleError(
            f"--measure {plan.measure} needs the columns {', '.join(COLUMNS[kind])}; missing {', '.join(missing)}"
        )
    columns = [numbers[c] for c in COLUMNS[kind]]
    if kind == "binary":
        events_e, n_e, events_c, n_c = columns
        return effect_sizes.binary(events_e, n_e, events_c, n_c, plan.measure, labels=labels)
    if kind == "continuous":
        mean_e, sd_e, n_e, mean_c, sd_c, n_c = columns
        return effect_sizes.continuous(mean_e, sd_e, n_e, mean_c, sd_c, n_c, plan.measure, labels=labels)
    if kind == "generic":
        yi, sei = columns
        return effect_sizes.generic(yi, sei, scale=plan.scale or "generic estimate", labels=labels)
    events, totals = columns
    return effect_sizes.proportion(events, totals, plan.measure, labels=labels)


def analyse(
    plan: Plan,
    labels: Sequence[str],
    numbers: Mapping[str, Sequence[float]],
    characteristics: Mapping[str, Sequence[str]] | None = None,
) -> Analysis:
    """Run ``plan`` on the studies; ``characteristics`` holds the subgroup and moderator columns."""
    plan.check()
    characteristics = characteristics or {}
    for name in (plan.subgroup, *plan.moderators):
        if name is not None and name not in characteristics:
            raise CartsleError(f"no study characteristic named {name!r} for the subgroup or moderator")
    effects = study_effects(plan, labels, numbers)
    proportion = KIND[plan.measure] == "proportion"
    options: _PoolOptions = {"method": plan.method, "ci": plan.ci, "pi": plan.pi, "level": plan.level}
    pooled: meta.MetaResult | MetaProportionResult
    if proportion:
        counts = (numbers["events"], numbers["total"])
        scale = PROPORTION_SCALE[plan.measure]
        pooled = meta_proportions(*counts, scale=scale, labels=list(labels), **options)
    else:
        pooled = meta.pool(effects, **options)
    subgroups = None
    if plan.subgroup:
        groups = characteristics[plan.subgroup]
        if proportion and plan.method == "glmm":
            # The GLMM gives no study weights to pool within a subgroup by inverse variance, as
            # the protocol's proportion extras say too (review/pooling_extras.py).
            raise CartsleError(
                "--subgroup with a proportion needs an inverse-variance method such as reml, not glmm"
            )
        # a proportion's subgroups are pooled on its analysis scale (logit, FT, raw) like any effect
        subgroups = moderators.subgroups(effects, groups, variable=plan.subgroup, **options)
    regression = None
    if plan.moderators:
        values = {name: characteristics[name] for name in plan.moderators}
        regression = moderators.meta_regression(
            effects, values, method=plan.method, ci=plan.ci, level=plan.level
        )
    left_out = None
    if plan.leave_one_out:
        if proportion:
            left_out = sensitivity.leave_one_out_proportions(*counts, list(labels), scale=scale, **options)
        else:
            left_out = sensitivity.leave_one_out(effects, method=plan.method, ci=plan.ci, level=plan.level)
    egger = sensitivity.egger_test(effects, plan.level) if plan.bias == "egger" else None
    return Analysis(plan, effects, pooled, subgroups, regression, left_out, egger)
