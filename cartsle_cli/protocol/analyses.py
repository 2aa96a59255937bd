"""Checking a protocol's analyses against their outcome: measure, model, estimator, intervals,
subgroups, covariates and sensitivity analyses (each error at the key's line)."""

from __future__ import annotations

from collections.abc import Callable

from cartsle_cli.protocol import model as m
from cartsle_cli.protocol.locate import Path
from cartsle_cli.protocol.reader import Reader

ANALYSIS_KEYS = (
    "id", "label", "measure", "model", "method", "ci", "pi", "denominator", "subgroups", "covariates",
    "sensitivity", "bias",
)  # fmt: skip


def check_analysis(
    reader: Reader,
    table: dict,
    path: Path,
    outcome: m.Outcome,
    characteristics: tuple[m.Characteristic, ...],
    counts: set[str],
) -> m.Analysis:
    reader.table(table, path, ANALYSIS_KEYS)
    fitting = m.MEASURES[outcome.type]
    measure = reader.text(table, path, "measure", fitting[0]).upper()
    if measure not in fitting:
        raise reader.error(
            (*path, "measure"),
            f"measure {measure!r} does not fit a {outcome.type} outcome; use {' or '.join(fitting)}",
        )
    if outcome.type == "score-over-time":
        return _summary_analysis(reader, table, path, outcome, characteristics, measure)
    model = reader.choice(table, path, "model", m.MODELS, "random")
    methods = m.COMMON_METHODS if model == "common" else m.RANDOM_METHODS
    method = reader.choice(table, path, "method", methods, "fe" if model == "common" else "reml")
    _method_fits(reader, (*path, "method"), method, measure)
    ci = reader.choice(table, path, "ci", m.CI_METHODS, "z")
    if ci == "hksj" and model == "common":
        raise reader.error((*path, "ci"), "the Hartung-Knapp-Sidik-Jonkman CI is for random-effects models")
    pi = reader.choice(table, path, "pi", m.PI_METHODS, "z" if model == "random" else "none")
    if model == "common" and pi != "none":
        raise reader.error(
            (*path, "pi"), 'a common-effect model has no prediction interval; give pi = "none"'
        )
    declared = {c.name: c for c in characteristics}
    subgroups = reader.list_of(table, path, "subgroups", str)
    _declared(reader, (*path, "subgroups"), subgroups, declared, "subgroup")
    covariates = reader.list_of(table, path, "covariates", str)
    _declared(reader, (*path, "covariates"), covariates, declared, "covariate")
    sensitivity = reader.list_of(table, path, "sensitivity", str)
    for item in sensitivity:
        if item not in m.SENSITIVITY:
            raise reader.error(
                (*path, "sensitivity"),
                f"unknown sensitivity analysis {item!r}; use {', '.join(m.SENSITIVITY)}",
            )
    denominator = outcome.denominator
    if "denominator" in table:
        denominator = reader.name(table, path, "denominator")
        integers = {c.name for c in characteristics if c.type == "integer"}
        if outcome.type not in ("proportion", "graded") or denominator not in integers | counts:
            raise reader.error(
                (*path, "denominator"), f"{denominator!r} is not a count this outcome can be pooled over"
            )
    bias = ""
    if "bias" in table:
        bias = reader.choice(table, path, "bias", m.BIAS_TESTS, "egger")
        if outcome.type not in ("binary", "continuous", "generic"):
            raise reader.error((*path, "bias"), "Egger's test is run on comparative and generic outcomes")
    analysis_id = reader.name(table, path, "id") if "id" in table else outcome.id
    return m.Analysis(
        id=analysis_id,
        outcome=outcome.id,
        label=reader.text(table, path, "label", outcome.label),
        measure=measure,
        model=model,
        method=method,
        ci=ci,
        pi=pi,
        denominator=denominator,
        subgroups=subgroups,
        covariates=covariates,
        sensitivity=sensitivity,
        bias=bias,
    )


def _summary_analysis(
    reader: Reader,
    table: dict,
    path: Path,
    outcome: m.Outcome,
    characteristics: tuple[m.Characteristic, ...],
    measure: str,
) -> m.Analysis:
    """A score-over-time outcome is summarised, not pooled: no model, estimator or intervals to choose."""
    for key in ("model", "method", "ci", "pi", "covariates", "sensitivity", "denominator", "bias"):
        if key in table:
            raise reader.error(
                (*path, key), f"a score-over-time summary has no {key}: only subgroups are compared"
            )
    subgroups = reader.list_of(table, path, "subgroups", str)
    _declared(reader, (*path, "subgroups"), subgroups, {c.name: c for c in characteristics}, "subgroup")
    return m.Analysis(
        id=reader.name(table, path, "id") if "id" in table else outcome.id,
        outcome=outcome.id,
        label=reader.text(table, path, "label", outcome.label),
        measure=measure,
        model="descriptive",
        method="median-iqr",
        ci="t",
        pi="none",
        subgroups=subgroups,
    )


def _method_fits(reader: Reader, path: Path, method: str, measure: str) -> None:
    fits: dict[str, Callable[[str], bool]] = {
        "mh": lambda x: x in ("OR", "RR", "RD"),
        "peto": lambda x: x == "OR",
        "glmm": lambda x: x == "PLO",
    }
    if method in fits and not fits[method](measure):
        raise reader.error(path, f"method {method!r} does not apply to measure {measure!r}")


def _declared(
    reader: Reader, path: Path, names: tuple[str, ...], declared: dict[str, m.Characteristic], role: str
) -> None:
    for name in names:
        characteristic = declared.get(name)
        if characteristic is None:
            raise reader.error(path, f"{role} {name!r} is not a declared characteristic")
        if role not in characteristic.roles:
            raise reader.error(path, f'characteristic {name!r} is not declared with role = "{role}"')
        if role == "covariate" and characteristic.type not in ("integer", "number", "choice"):
            raise reader.error(
                path, f"covariate {name!r} is {characteristic.type}; a moderator needs numbers or choices"
            )
