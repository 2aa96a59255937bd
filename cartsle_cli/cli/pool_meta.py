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
from cartsle_cli.stats import analysis
from cartsle_cli.stats.meta_proportions import MetaProportionResult

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
    rows: list[list[object]] = [
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


def _table_from_options(events: str | None, totals: str | None) -> MetaTable:
    if events is None or totals is None:
        raise CartsleError("give --events and --totals (e.g. --events 3,0,1 --totals 15,12,10) or --csv FILE")
    event_counts, total_counts = _counts(events, "--events"), _counts(totals, "--totals")
    labels = [f"study {i + 1}" for i in range(len(event_counts))]
    numbers: dict[str, list[float]] = {"events": list(event_counts), "total": list(total_counts)}
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
    if measure not in KIND:
        raise CartsleError(f"unknown measure {measure!r}; use one of {', '.join(KIND)}", field="--measure")
    if measure in MEASURE_TO_SCALE and scale is not None and SCALE_TO_MEASURE.get(scale) != measure:
        raise CartsleError(
            f"--scale {scale} contradicts --measure {measure}; give one of them", field="--scale"
        )
    plan = analysis.Plan(
        measure,
        method or ("glmm" if measure == "PLO" else "reml"),
        ci,
        pi,
        subgroup,
        tuple(moderator or ()),
        leave_one_out,
        bias,
        scale if measure == "GEN" else None,
    )
    plan.check()
    extra = [c for c in [subgroup, *(moderator or [])] if c]
    if csv_file is not None:
        if events is not None or totals is not None:
            raise CartsleError("give either --csv or --events with --totals, not both")
        table = read_meta_csv(csv_file, measure, extra)
    else:
        if extra:
            raise CartsleError("--subgroup and --moderator name CSV columns; give --csv FILE")
        table = _table_from_options(events, totals)
    result = analysis.analyse(plan, table.labels, table.numbers, table.extra)
    document = result.to_dict()
    if plot is not None:
        document["plots"] = [str(p) for p in _draw(result, plot)]
    if json_output:
        print_json(document)
    else:
        print_analysis(result)


def print_analysis(result: analysis.Analysis) -> None:
    """The pooled result's tables, then one table or line per extra analysis."""
    if isinstance(result.pooled, MetaProportionResult):
        print_meta(result.pooled)
    else:
        meta_tables.print_result(result.pooled)
    if result.subgroups is not None:
        meta_tables.print_subgroups(result.subgroups)
    if result.meta_regression is not None:
        meta_tables.print_regression(result.meta_regression)
    if result.leave_one_out is not None:
        meta_tables.print_leave_one_out(result.leave_one_out, result.plan.measure)
    if result.egger is not None:
        meta_tables.print_egger(result.egger)


def _draw(result: analysis.Analysis, plot: Path) -> list[Path]:
    from cartsle_cli.report import forest, funnel  # matplotlib only when a plot is asked for

    written = [forest.draw_any(result.pooled, plot, subgroups=result.subgroups)]
    if result.egger is not None and not isinstance(result.pooled, MetaProportionResult):
        funnel_path = plot.with_name(f"{plot.stem}_funnel{plot.suffix}")
        written.append(funnel.draw_funnel(result.pooled, funnel_path, result.egger))
    return written
