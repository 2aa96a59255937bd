"""`cartsle pool meta`: a meta-analysis of proportions from counts given on the command line or in a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import DEFAULT_DB, DbOption, JsonOption, print_json, print_table, stdout
from cartsle_cli.csv_input import csv_dicts
from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.text import read_text_file
from cartsle_cli.stats.meta_proportions import MetaProportionResult, meta_proportions

CSV_COLUMNS = ("study", "events", "total")


def _counts(text: str, option: str) -> list[int]:
    try:
        return [int(value) for value in text.split(",") if value.strip()]
    except ValueError:
        raise CartsleError(
            f"{option} takes whole numbers separated by commas, e.g. 3,0,1 (got {text!r})"
        ) from None


def read_counts_csv(path: Path) -> tuple[list[str], list[int], list[int]]:
    """Study labels, events and totals from a CSV with the columns study, events, total."""
    header, table = csv_dicts(read_text_file(path), path)
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise CartsleError(
            f"the CSV needs the columns {', '.join(CSV_COLUMNS)}; missing {', '.join(missing)}", file=path
        )
    labels, events, totals = [], [], []
    for line, row in table:
        labels.append(row["study"].strip())
        for field, values in (("events", events), ("total", totals)):
            try:
                values.append(int(row[field]))
            except (TypeError, ValueError):
                raise CartsleError(
                    f"not a whole number: {row[field]!r}", file=path, line=line, field=field
                ) from None
    return labels, events, totals


def _percent(p: float) -> str:
    return f"{100 * p:.1f}%"


def _range(lower: float, upper: float) -> str:
    return f"{_percent(lower)} to {_percent(upper)}"


def print_meta(result: MetaProportionResult) -> None:
    """The per-study table, the pooled result, its method line and its warnings."""
    print_table(
        "Studies (proportion with Clopper-Pearson 95% CI"
        + ("; the GLMM has no study weights)" if result.studies[0].weight is None else ")"),
        ["study", "events", "total", "proportion", "95% CI", "weight"],
        [
            [
                s.label,
                s.events,
                s.total,
                _percent(s.proportion),
                _range(s.lower, s.upper),
                "" if s.weight is None else f"{s.weight:.1f}%",
            ]
            for s in result.studies
        ],
    )
    heterogeneity = (
        ""
        if result.q is None
        else f"{result.q:.2f} on {result.q_df} df, p = {result.q_p:.4f} ({result.q_test})"
    )
    rows = [
        ["studies", result.k],
        [
            "events / participants",
            f"{result.events}/{result.total} (crude {_percent(result.crude_proportion)})",
        ],
        ["pooled proportion", f"{_percent(result.estimate)} (95% CI {_range(result.lower, result.upper)})"],
        ["95% prediction interval", _range(result.pi_lower, result.pi_upper)],
        ["tau^2", f"{result.tau2:.4f}"],
        ["I^2", "" if result.i2 is None else f"{result.i2:.1f}%"],
        ["heterogeneity test", heterogeneity],
    ]
    print_table("Pooled proportion (random effects)", ["", "value"], rows)
    console = stdout()
    console.print(f"method: {result.method.line()}", markup=False, highlight=False)
    for warning in result.warnings:
        console.print(f"warning: {warning}", markup=False, highlight=False)


def meta_command(
    events: Annotated[
        str | None, typer.Option("--events", help="Events per study, comma-separated: 3,0,1.")
    ] = None,
    totals: Annotated[
        str | None, typer.Option("--totals", help="Participants per study, comma-separated: 15,12,10.")
    ] = None,
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="CSV with the columns study, events, total (instead of --events/--totals)."
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option("--method", help="glmm (binomial-normal, ML; default), dl (DerSimonian-Laird) or reml."),
    ] = "glmm",
    scale: Annotated[
        str,
        typer.Option(
            "--scale",
            help="logit (default), ft (Freeman-Tukey double arcsine) or raw; the GLMM is logit only.",
        ),
    ] = "logit",
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw a forest plot to this .png or .svg file.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Meta-analysis of proportions from counts given directly; needs no review file (--db is accepted and unused).

    Example: cartsle pool meta --events 3,0,1 --totals 15,12,10 --method reml --scale ft
    """
    del db  # taken so that every command accepts --db; counts given directly need no review file
    if csv_file is not None:
        if events is not None or totals is not None:
            raise CartsleError("give either --csv or --events with --totals, not both")
        labels, event_counts, total_counts = read_counts_csv(csv_file)
    elif events is not None and totals is not None:
        event_counts, total_counts = _counts(events, "--events"), _counts(totals, "--totals")
        labels = [f"study {i + 1}" for i in range(len(event_counts))]
    else:
        raise CartsleError("give --events and --totals (e.g. --events 3,0,1 --totals 15,12,10) or --csv FILE")
    result = meta_proportions(event_counts, total_counts, method=method, scale=scale, labels=labels)
    if plot is not None:
        from cartsle_cli.report.forest import draw_forest  # matplotlib only when a plot is asked for

        draw_forest(result, plot)
    if json_output:
        print_json(result.to_dict())
    else:
        print_meta(result)
