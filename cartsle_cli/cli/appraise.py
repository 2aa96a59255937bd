"""`cartsle appraise`: risk of bias with two appraisers - template, load, conflicts, resolve, show."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from cartsle_cli.appraisal.agreement import domain_agreement
from cartsle_cli.appraisal.files import write_template
from cartsle_cli.appraisal.resolutions_file import resolve_from_file
from cartsle_cli.appraisal.store import (
    Cell,
    appraisal_loads,
    appraised_tools,
    conflicts,
    included_labels,
    load_appraisals,
    protocol_outcomes,
    resolve,
    study_appraisals,
)
from cartsle_cli.appraisal.summary import tool_document
from cartsle_cli.appraisal.tool import Tool, get_tool, tool_names
from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    ReviewerOption,
    group,
    pass_down,
    print_json,
    print_listing,
    print_table,
    review,
    say,
    warn,
)
from cartsle_cli.errors import CartsleError
from cartsle_cli.store import transaction

app = group(
    "Risk of bias: `template` writes the appraisal sheet, `load` stores an appraiser's, `conflicts`, "
    "`resolve`, `agreement` (kappa per domain) and `show` work as in screening."
)

ToolOption = Annotated[
    str | None,
    typer.Option("--tool", help=f"The tool: {', '.join(tool_names())} (default: the one this review uses)."),
]


@app.callback(invoke_without_command=True)
def _group(ctx: typer.Context, db: DbOption = DEFAULT_DB) -> None:
    if ctx.invoked_subcommand:
        pass_down(ctx)


T = TypeVar("T")


def _tool(conn: sqlite3.Connection, name: str | None) -> Tool:
    if name:
        return get_tool(name)
    used = appraised_tools(conn)
    if len(used) == 1:
        return get_tool(used[0])
    if not used:
        raise CartsleError(
            "no appraisals yet: `cartsle appraise load FILE --tool T --reviewer NAME`", field="--tool"
        )
    raise CartsleError(
        f"this review uses several tools ({', '.join(used)}): name one with --tool", field="--tool"
    )


@app.command("tools")
def tools_command(json_output: JsonOption = False) -> None:
    """The appraisal tools cartsle knows, each read from its data file. Example: cartsle appraise tools"""
    tools = [get_tool(name) for name in tool_names()]
    if json_output:
        print_json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "reference": t.reference,
                    "per_outcome": t.per_outcome,
                    "design": t.design,
                }
                for t in tools
            ]
        )
        return
    print_table(
        "Appraisal tools",
        ["tool", "name", "per outcome", "domains", "reference"],
        [[t.id, t.name, "yes" if t.per_outcome else "no", len(t.domains), t.reference] for t in tools],
    )


@app.command("template")
def template_command(
    tool: Annotated[str, typer.Option("--tool", help=f"The tool: {', '.join(tool_names())}.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The CSV file to write.")],
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--outcome",
            help="An outcome to appraise (repeat it); for tools that appraise each result, the default"
            " is the protocol's outcomes that have an analysis.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the appraisal sheet: a row per included study (per outcome for RoB 2 and ROBINS-I), a column per item.

    Example: cartsle appraise template --tool jbi-case-series --out appraisal/jbi.csv
    """
    chosen = get_tool(tool)
    with review(db) as conn:
        studies = included_labels(conn)
        outcomes = list(outcome or []) or (protocol_outcomes(conn) if chosen.per_outcome else [])
    if not studies:
        warn("no included studies yet: the sheet has its header only")
    path = write_template(chosen, studies, outcomes, out, overwrite=force)
    per = f" x {len(outcomes)} outcomes: {', '.join(outcomes)}" if chosen.per_outcome else ""
    say(f"wrote {path} ({len(studies)} studies{per}, {chosen.name})", err=True)


@app.command("load")
def load_command(
    file: Annotated[Path, typer.Argument(help="The filled-in appraisal sheet.")],
    tool: Annotated[str, typer.Option("--tool", help=f"The tool: {', '.join(tool_names())}.")],
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Check one appraiser's sheet completely and store it (all or nothing); earlier loads stay in the history.

    Example: cartsle appraise load appraisal/jbi_reviewer_a.csv --tool jbi-case-series --reviewer A
    """
    with review(db) as conn:
        load = load_appraisals(conn, get_tool(tool), file, reviewer)
    if json_output:
        print_json(vars(load))
        return
    say(f"load {load.id}: {load.row_count} appraisals by {load.reviewer} ({load.tool})", err=True)


@app.command("loads")
def loads_command(db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """Every appraisal load, oldest first. Example: cartsle appraise loads"""
    with review(db) as conn:
        loads = appraisal_loads(conn)
    print_listing(
        json_output,
        [vars(load) for load in loads],
        "Appraisal loads",
        ["load", "tool", "reviewer", "file", "rows", "loaded at"],
        lambda: [[x.id, x.tool, x.reviewer, x.file_name, x.row_count, x.loaded_at] for x in loads],
    )


def _who(cell: Cell) -> str:
    return "; ".join(f"{reviewer}: {j.final}" for reviewer, j in cell.by_reviewer.items())


def _read_with_tool(
    db: Path, tool: str | None, read: Callable[[sqlite3.Connection, Tool], T]
) -> tuple[Tool, T]:
    """The tool ``--tool`` names (or the review's one tool) and what ``read`` finds with it."""
    with review(db) as conn:
        chosen = _tool(conn, tool)
        return chosen, read(conn, chosen)


@app.command("conflicts")
def conflicts_command(
    tool: ToolOption = None, db: DbOption = DEFAULT_DB, json_output: JsonOption = False
) -> None:
    """Every domain (and overall) two appraisers judged differently, not yet resolved.

    Example: cartsle appraise conflicts --tool jbi-case-series
    """
    chosen, found = _read_with_tool(db, tool, conflicts)
    if json_output:
        print_json(
            [
                {
                    "study_id": s.study_id,
                    "outcome": s.outcome,
                    "domain": c.domain,
                    "judgements": {r: j.final for r, j in c.by_reviewer.items()},
                }
                for s, c in found
            ]
        )
        return
    print_table(
        f"Appraisal conflicts ({chosen.name}): {len(found)}",
        ["study", "outcome", "domain", "judgements"],
        [[s.study_id, s.outcome, c.domain, _who(c)] for s, c in found],
    )


@app.command("resolve")
def resolve_command(
    tool: ToolOption = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="CSV of resolutions: study_id, [outcome], domain, judgement, note."),
    ] = None,
    study: Annotated[str | None, typer.Option("--study", help="The study's label.")] = None,
    outcome: Annotated[
        str, typer.Option("--outcome", help="The outcome, for tools appraised per outcome.")
    ] = "",
    domain: Annotated[
        str | None, typer.Option("--domain", help="A domain id (D1, Q4 ...) or overall.")
    ] = None,
    judgement: Annotated[str | None, typer.Option("--judgement", help="The agreed judgement.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the resolution).")] = None,
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Record the agreed judgement of a domain, one by options or many from --file (all or nothing).

    Example: cartsle appraise resolve --tool jbi-case-series --study "Mackensen 2022" --domain Q4 --judgement Unclear --reviewer C
    """
    with review(db) as conn:
        chosen = _tool(conn, tool)
        if file is not None:
            stored = resolve_from_file(conn, chosen, file, reviewer)
        else:
            if not (study and domain and judgement):
                raise CartsleError("give --study, --domain and --judgement, or --file", field="--study")
            with transaction(conn):
                stored = [
                    resolve(
                        conn,
                        chosen,
                        study_id=study,
                        outcome=outcome,
                        domain=domain,
                        judgement=judgement,
                        reviewer=reviewer,
                        note=note,
                    )
                ]
    say(f"{len(stored)} resolution(s) recorded", err=True)


@app.command("agreement")
def agreement_command(
    tool: ToolOption = None, db: DbOption = DEFAULT_DB, json_output: JsonOption = False
) -> None:
    """Percent agreement and Cohen's kappa (95% CI) per domain between each pair of appraisers.

    Example: cartsle appraise agreement --tool jbi-case-series
    """
    chosen, results = _read_with_tool(db, tool, domain_agreement)
    if json_output:
        print_json([r.to_dict() for r in results])
        return

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    print_table(
        f"Agreement per domain ({chosen.name})",
        ["domain", "label", "appraisers", "n", "agreement %", "kappa", "95% CI"],
        [
            [
                r.domain,
                r.label,
                f"{r.reviewer_a} / {r.reviewer_b}",
                r.kappa.n,
                round(r.kappa.percent_agreement, 1),
                number(r.kappa.kappa),
                f"{number(r.kappa.ci_low)} to {number(r.kappa.ci_high)}" if r.kappa.kappa is not None else "",
            ]
            for r in results
        ],
    )
    if results:
        say(results[0].kappa.method, err=True)


def cell_text(cell: Cell) -> str:
    """The consensus judgement, the appraisers' where they disagree, and the tool's where it differs."""
    if cell.judgement is None:
        return "conflict (" + _who(cell) + ")"
    text = cell.judgement
    stars = {j.stars for j in cell.by_reviewer.values()}
    if len(stars) == 1 and None not in stars:  # a scale that counts stars (NOS): show the count
        text += f" ({stars.pop()}*)"
    algorithm = cell.algorithm
    if algorithm is not None and algorithm != text:
        text += f" [tool: {algorithm}]"
    return text


@app.command("show")
def show_command(tool: ToolOption = None, db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """Each study's domain and overall judgements; [tool: X] where the appraisers' call differs from the algorithm.

    Example: cartsle appraise show --tool jbi-case-series
    """
    chosen, studies = _read_with_tool(db, tool, study_appraisals)
    if json_output:
        print_json(tool_document(chosen, studies))
        return
    domains = [d.id for d in chosen.domains]
    outcome = ["outcome"] if chosen.per_outcome else []
    print_table(
        f"Risk of bias ({chosen.name})",
        ["study", *outcome, *domains, "overall"],
        [
            [s.study_id, *([s.outcome] if chosen.per_outcome else []), *(cell_text(c) for c in s.cells)]
            for s in studies
        ],
    )
    for s in studies:
        for note in s.notes:
            say(f"{s.study_id}: {note}", err=True)


@app.command("plot")
def plot_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="The traffic-light plot (.svg or .png); the summary plot goes beside it."
        ),
    ],
    tool: ToolOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Draw the traffic-light plot and the summary bar plot as robvis does (colour-blind-safe, with symbols).

    Example: cartsle appraise plot --out figures/traffic_light.svg
    """
    from cartsle_cli.report.rob_plots import draw_summary, draw_traffic_light  # matplotlib: only when drawing
    from cartsle_cli.report.rob_section import figure_data

    with review(db) as conn:
        chosen = _tool(conn, tool)
        document = tool_document(chosen, study_appraisals(conn, chosen))
    data = figure_data(document)
    light = draw_traffic_light(data, out)
    summary = draw_summary(data, out.with_name(f"{out.stem}_summary{out.suffix}"))
    typer.echo(str(light))
    typer.echo(str(summary))
