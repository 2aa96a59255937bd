"""`cartsle pool meta`: a meta-analysis of numbers at hand (a CSV, or counts on the command line).

The contract scripts rely on (README, "pool meta"): --measure picks the columns read, --method the
model; the JSON keeps the pooled result's keys on the natural scale (``estimate``, ``lower``,
``upper``, ``pi_lower``, ``pi_upper``) beside their analysis-scale twins (``*_transformed``),
``tau2_lower``/``tau2_upper``, and one key per extra analysis asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli import meta_tables
from cartsle_cli.cli.common import DEFAULT_DB, DbOption, JsonOption, print_json, print_table, stdout
from cartsle_cli.cli.meta_csv import KIND, MetaTable, read_meta_csv
from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import effect_sizes, meta, moderators, sensitivity
from cartsle_cli.stats.meta_proportions import MetaProportionResult, meta_proportions

MEASURES = tuple(KIND)
METHODS = ("fe", "mh", "peto", "dl", "reml", "pm", "ml", "sj", "glmm")
SCALE_TO_MEASURE = {"logit": "PLO", "ft": "PFT", "raw": "PR"}
MEASURE_TO_SCALE = {measure: scale for scale, measure in SCALE_TO_MEASURE.items()}


def _counts(text: str, option: str) -> list[int]:
    try:
        return [int(value) for value in text.split(",") if value.strip()]
    except ValueError:
        raise CartsleError(
            f"{option} takes whole numbers separated by commas, e.g. 3,0,1 (got {text!r})"
        ) from None


def _percent(p: float) -> str:
    return f"{100 * p:.1f}%"


def _range(lower: float, upper: float) -> str:
    return f"{_percent(lower)} to {_percent(upper)}"


def print_meta(result: MetaProportionResult) -> None:
    """The per-study table, the pooled proportion, its method line and its warnings."""
    print_table(
        "Studies (proportion with Clopper-Pearson 95% CI"
        + ("; the GLMM has no study weights)" if result.studies[0].weight is None else ")"),
        [
            "study",
            "events",
            "total",
            "proportion",
            "95% CI",
            *(["weight"] if result.studies[0].weight is not None else []),
        ],
        [
            [s.label, s.events, s.total, _percent(s.proportion), _range(s.lower, s.upper)]
            + ([] if s.weight is None else [f"{s.weight:.1f}%"])
            for s in result.studies
        ],
    )
    heterogeneity = (
        ""
        if result.q is None
        else f"{result.q:.2f} on {result.q_df} df, p = {result.q_p:.4f} ({result.q_test})"
    )
    tau2_ci = "" if result.tau2_lower is None else f" ({result.tau2_lower:.4f} to {result.tau2_upper:.4f})"
    rows = [
        ["studies", result.k],
        [
            "events / participants",
            f"{result.events}/{result.total} (crude {_percent(result.crude_proportion)})",
        ],
        ["pooled proportion", f"{_percent(result.estimate)} (95% CI {_range(result.lower, result.upper)})"],
        ["95% prediction interval", _range(result.pi_lower, result.pi_upper)],
        ["tau^2", f"{result.tau2:.4f}{tau2_ci}"],
        ["I^2", "" if result.i2 is None else f"{result.i2:.1f}%"],
        ["heterogeneity test", heterogeneity],
    ]
    print_table(f"Pooled proportion ({result.method.estimator})", ["", "value"], rows)
    console = stdout()
    console.print(f"method: {result.method.line()}", markup=False, highlight=False)
    for warning in result.warnings:
        console.print(f"warning: {warning}", markup=False, highlight=False)


def _effects(table: MetaTable, measure: str, scale: str | None) -> effect_sizes.StudyEffects:
    n = table.numbers
    kind = KIND[measure]
    if kind == "binary":
        return effect_sizes.binary(
            n["events_e"], n["n_e"], n["events_c"], n["n_c"], measure, labels=table.labels
        )
    if kind == "continuous":
        columns = [n[c] for c in ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c")]
        return effect_sizes.continuous(*columns, measure, labels=table.labels)
    if kind == "generic":
        return effect_sizes.generic(n["yi"], n["sei"], scale=scale or "generic estimate", labels=table.labels)
    return effect_sizes.proportion(n["events"], n["total"], measure, labels=table.labels)


def _check_options(measure: str, method: str, ci: str, pi: str, scale: str | None) -> None:
    if measure not in MEASURES:
        raise CartsleError(
            f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}", field="--measure"
        )
    if method not in METHODS:
        raise CartsleError(f"unknown method {method!r}; use one of {', '.join(METHODS)}", field="--method")
    if ci not in meta.CI_METHODS:
        raise CartsleError(f"unknown CI method {ci!r}; use z or hksj", field="--ci")
    if pi not in meta.PI_METHODS:
        raise CartsleError(f"unknown prediction-interval method {pi!r}; use z or t", field="--pi")
    if method == "glmm" and measure != "PLO":
        raise CartsleError(
            f"the GLMM pools proportions on the logit scale (--measure PLO), not {measure}", field="--method"
        )
    if method == "peto" and measure != "OR":
        raise CartsleError(
            f"Peto's method pools odds ratios only, not {measure}; use --measure OR", field="--method"
        )
    if method == "mh" and measure not in ("OR", "RR", "RD"):
        raise CartsleError(f"Mantel-Haenszel pools OR, RR or RD, not {measure}", field="--method")
    if scale is not None and KIND[measure] == "proportion" and scale not in SCALE_TO_MEASURE:
        raise CartsleError(f"--scale for proportions is logit, ft or raw, not {scale!r}", field="--scale")


def _table_from_options(events: str | None, totals: str | None) -> MetaTable:
    if events is None or totals is None:
        raise CartsleError("give --events and --totals (e.g. --events 3,0,1 --totals 15,12,10) or --csv FILE")
    event_counts, total_counts = _counts(events, "--events"), _counts(totals, "--totals")
    labels = [f"study {i + 1}" for i in range(len(event_counts))]
    numbers = {"events": event_counts, "total": total_counts}
    return MetaTable(Path("--events"), labels, numbers, {}, list(range(1, len(labels) + 1)))


def meta_command(
    csv_file: Annotated[
        Path | None,
        typer.Option("--csv", help="CSV, one row per study; columns by --measure (see the README)."),
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option(
            "--measure",
            help="OR, RR, RD (columns study,events_e,n_e,events_c,n_c), MD, SMD (study,mean_e,sd_e,n_e,"
            "mean_c,sd_c,n_c), GEN (study,yi,sei), PLO, PFT, PR (study,events,total; default PLO).",
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="fe (inverse variance), mh (Mantel-Haenszel), peto, or random effects dl, reml, pm, ml, sj;"
            " glmm for PLO. Default: glmm for proportions, reml otherwise.",
        ),
    ] = None,
    ci: Annotated[
        str, typer.Option("--ci", help="CI of random effects: z (Wald) or hksj (Hartung-Knapp).")
    ] = "z",
    pi: Annotated[
        str,
        typer.Option(
            "--pi", help="Prediction interval: z (metafor's default; t k-1 under hksj) or t (k-2 df)."
        ),
    ] = "z",
    subgroup: Annotated[
        str | None,
        typer.Option(
            "--subgroup", help="Column naming each study's subgroup: pool each, test the difference."
        ),
    ] = None,
    moderator: Annotated[
        list[str] | None,
        typer.Option(
            "--moderator", help="Column for a meta-regression (numbers, or text as categories); repeatable."
        ),
    ] = None,
    leave_one_out: Annotated[
        bool, typer.Option("--leave-one-out", help="Refit without each study in turn.")
    ] = False,
    bias: Annotated[
        str | None, typer.Option("--bias", help="egger: Egger's regression test (classic).")
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Draw a forest plot (.png or .svg); with --bias, a funnel plot beside it."
        ),
    ] = None,
    events: Annotated[
        str | None, typer.Option("--events", help="Events per study, comma-separated: 3,0,1.")
    ] = None,
    totals: Annotated[
        str | None, typer.Option("--totals", help="Participants per study, comma-separated: 15,12,10.")
    ] = None,
    scale: Annotated[
        str | None,
        typer.Option(
            "--scale",
            help="Proportions: logit, ft or raw (as --measure PLO/PFT/PR). GEN: the scale's name, e.g. 'log hazard ratio'.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Meta-analysis of numbers at hand; needs no review file (--db is accepted and unused).

    Example: cartsle pool meta --csv sample_data/meta/bcg.csv --measure RR --method reml --ci hksj
    """
    del db  # taken so that every command accepts --db; numbers given directly need no review file
    if measure is None:  # today's form: proportions, the scale naming the measure
        measure = SCALE_TO_MEASURE.get(scale or "logit", "GEN")
    measure = measure.upper()
    if measure in MEASURE_TO_SCALE and scale is not None and SCALE_TO_MEASURE.get(scale) != measure:
        raise CartsleError(
            f"--scale {scale} contradicts --measure {measure}; give one of them", field="--scale"
        )
    method = method or ("glmm" if measure == "PLO" else "reml")
    _check_options(measure, method, ci, pi, scale)
    extra = [c for c in [subgroup, *(moderator or [])] if c]
    if csv_file is not None:
        if events is not None or totals is not None:
            raise CartsleError("give either --csv or --events with --totals, not both")
        table = read_meta_csv(csv_file, measure, extra)
    else:
        if extra:
            raise CartsleError("--subgroup and --moderator name CSV columns; give --csv FILE")
        table = _table_from_options(events, totals)
    run_analyses(
        table,
        measure,
        method,
        ci,
        pi,
        subgroup,
        moderator or [],
        leave_one_out,
        bias,
        plot,
        scale,
        json_output,
    )


def run_analyses(
    table, measure, method, ci, pi, subgroup, moderators_, leave_one_out, bias, plot, scale, json_output
) -> None:
    """Pool, then the extras asked for; print tables or one JSON document."""
    if bias not in (None, "egger"):
        raise CartsleError(f"unknown small-study test {bias!r}; use egger", field="--bias")
    effects = _effects(table, measure, scale)
    proportion = KIND[measure] == "proportion"
    if proportion:
        result = meta_proportions(
            table.numbers["events"], table.numbers["total"], method=method, scale=MEASURE_TO_SCALE[measure],
            labels=table.labels, ci=ci, pi=pi,
        )  # fmt: skip
    else:
        result = meta.pool(effects, method=method, ci=ci, pi=pi)
    document = result.to_dict() | {"measure": measure}
    extras = _extras(table, effects, measure, method, ci, pi, subgroup, moderators_, leave_one_out, bias)
    document |= {key: None if value is None else value.to_dict() for key, value in extras.items()}
    if plot is not None:
        document["plots"] = [str(p) for p in _draw(result, extras, plot)]
    if json_output:
        print_json(document)
        return
    if proportion:
        print_meta(result)
    else:
        meta_tables.print_result(result)
    if extras["subgroups"] is not None:
        meta_tables.print_subgroups(extras["subgroups"])
    if extras["meta_regression"] is not None:
        meta_tables.print_regression(extras["meta_regression"])
    if extras["leave_one_out"] is not None:
        meta_tables.print_leave_one_out(extras["leave_one_out"], measure)
    if extras["egger"] is not None:
        meta_tables.print_egger(extras["egger"])


def _extras(table, effects, measure, method, ci, pi, subgroup, moderators_, leave_one_out, bias) -> dict:
    proportion = KIND[measure] == "proportion"
    found = {"subgroups": None, "meta_regression": None, "leave_one_out": None, "egger": None}
    options = {"method": method, "scale": MEASURE_TO_SCALE.get(measure), "ci": ci, "pi": pi}
    if subgroup:
        if proportion:
            n = table.numbers
            found["subgroups"] = moderators.proportion_subgroups(
                n["events"], n["total"], table.labels, table.extra[subgroup], variable=subgroup, **options
            )
        else:
            found["subgroups"] = moderators.subgroups(
                effects, table.extra[subgroup], variable=subgroup, method=method, ci=ci, pi=pi
            )
    if moderators_:
        if method in ("glmm", "mh", "peto"):
            raise CartsleError(
                f"a meta-regression is fitted by inverse variance; use --method reml (or fe, dl, pm, ml, sj), not {method}",
                field="--method",
            )
        values = {name: table.extra[name] for name in moderators_}
        found["meta_regression"] = moderators.meta_regression(effects, values, method=method, ci=ci)
    if leave_one_out:
        if proportion:
            n = table.numbers
            found["leave_one_out"] = sensitivity.leave_one_out_proportions(
                n["events"], n["total"], table.labels, **options
            )
        else:
            found["leave_one_out"] = sensitivity.leave_one_out(effects, method=method, ci=ci)
    if bias == "egger":
        found["egger"] = sensitivity.egger_test(effects)
    return found


def _draw(result, extras: dict, plot: Path) -> list[Path]:
    from cartsle_cli.report import forest, funnel  # matplotlib only when a plot is asked for

    written = [forest.draw_any(result, plot, subgroups=extras["subgroups"])]
    if extras["egger"] is not None and not isinstance(result, MetaProportionResult):
        written.append(
            funnel.draw_funnel(result, plot.with_name(f"{plot.stem}_funnel{plot.suffix}"), extras["egger"])
        )
    return written
