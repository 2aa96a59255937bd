"""`cartsle screen import/export/resolve/link/studies` and `cartsle prisma`: decisions in bulk and
what they add up to. Registered on the `screen` group by ``cli/screen.py``."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    ReviewerOption,
    plain,
    print_json,
    print_table,
    review,
    say,
    stderr,
    stdout,
)
from cartsle_cli.errors import CartsleError
from cartsle_cli.report.csv_safe import write_csv
from cartsle_cli.safe_output import for_spreadsheet
from cartsle_cli.screening.bulk import EXPORT_COLUMNS, ImportSummary, export_decisions, import_decisions
from cartsle_cli.screening.decision_files import DecisionRow, read_decision_file, with_defaults
from cartsle_cli.screening.decisions import DecisionChecker
from cartsle_cli.screening.outcomes import STAGE_NAMES
from cartsle_cli.screening.prisma import PrismaColumn, prisma_counts
from cartsle_cli.screening.studies import included_studies, link_report
from cartsle_cli.store import transaction

FILE_HELP = (
    "CSV with record_id (or doi / pmid / title), reviewer, stage (ta/ft), decision (include/exclude/maybe), "
    "reason, note, and optionally study (on a full-text include: the study label the report belongs to); "
    "or an ASReview LAB export (CSV or RIS) or a Rayyan export (CSV or RIS)."
)
AllOption = Annotated[
    bool, typer.Option("--all", help="Every reviewer's decisions, not blind (for whoever leads the review).")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Check everything and show what would change; write nothing.")
]


def import_command(
    file: Annotated[Path, typer.Argument(help=FILE_HELP)],
    reviewer: ReviewerOption = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Stage for rows without one (default ta).")
    ] = None,
    dry_run: DryRunOption = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Import screening decisions from a file, all rows or none. Example: cartsle screen import decisions.csv --dry-run

    --reviewer names the reviewer of rows without one (ASReview files). Title/abstract rows are
    stored before full-text rows are checked, so one file can take records through both stages.
    """
    _bulk(file, reviewer, stage, dry_run, db, json_output, resolutions=False)


def resolve_command(
    record_id: Annotated[int | None, typer.Argument(help="The record in conflict.")] = None,
    decision: Annotated[str | None, typer.Argument(help="include or exclude: the final decision.")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="Resolutions in bulk, same columns as `screen import`; reviewer = who resolved."
        ),
    ] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="ta or ft (default ta).")] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Exclusion reason (required at full text).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the resolution.")] = None,
    reviewer: ReviewerOption = None,
    dry_run: DryRunOption = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Record the final decision on a conflict, and who made it. Example: cartsle screen resolve 12 include --reviewer lead

    In bulk: cartsle screen resolve --file resolutions.csv (the reviewer column names who resolved).
    """
    if file is not None:
        if record_id is not None:
            raise CartsleError("give a record and decision, or --file, not both")
        _bulk(file, reviewer, stage, dry_run, db, json_output, resolutions=True)
        return
    if record_id is None or decision is None:
        raise CartsleError(
            "give the record and the final decision, e.g. `cartsle screen resolve 12 include`, or --file"
        )
    row = DecisionRow(
        "command line",
        reviewer,
        stage or "ta",
        decision.lower(),
        record_id=record_id,
        reason=reason,
        note=note,
    )
    with review(db) as conn:
        summary = import_decisions(conn, [row], source="resolve", dry_run=dry_run, resolutions=True)
    if json_output or dry_run:
        _print_summary(summary, json_output)
    else:
        say(
            plain(
                f"{reviewer} resolved record {record_id}: {decision.lower()} at {STAGE_NAMES[row.stage]}"
                + (f" ({reason})" if reason else "")
            )
        )


def _bulk(
    file: Path,
    reviewer: str | None,
    stage: str | None,
    dry_run: bool,
    db: Path,
    json_output: bool,
    *,
    resolutions: bool,
) -> None:
    decisions = read_decision_file(file)
    rows = with_defaults(decisions.rows, reviewer=reviewer, stage=stage)
    if not rows:
        raise CartsleError(f"no decisions in this file ({decisions.format})", file=file)
    source = f"{'resolve' if resolutions else 'import'} {file.name}"
    try:
        with review(db) as conn:
            summary = import_decisions(conn, rows, source=source, dry_run=dry_run, resolutions=resolutions)
    except CartsleError as error:
        error.file = error.file or str(file)
        raise
    _print_summary(summary, json_output)


def _print_summary(summary: ImportSummary, json_output: bool) -> None:
    if json_output:
        print_json(summary.to_dict())
        return
    verb = "would store" if summary.dry_run else "stored"
    stdout().print(
        f"{summary.rows} rows: {verb} {summary.new} new and {summary.changed} changed decisions, {summary.unchanged} unchanged",
        markup=False,
        highlight=False,
    )
    print_table(
        None,
        ["stage and decision", "rows"],
        [[key, count] for key, count in summary.by_stage_decision.items()],
    )
    if summary.studies_linked:
        stdout().print(
            f"reports linked to named studies: {summary.studies_linked}", markup=False, highlight=False
        )
    if summary.dry_run:
        stdout().print("dry run: nothing was written", markup=False, highlight=False)


def export_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write the CSV here instead of stdout.")] = None,
    reviewer: ReviewerOption = None,
    all_: AllOption = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Export the current decisions as CSV that `screen import` reads back. Example: cartsle screen export --out decisions.csv

    Blind for a reviewer (--reviewer or CARTSLE_REVIEWER): others' votes only on records where all
    required reviewers have voted; --all (or no reviewer) exports everything.
    """
    with review(db) as conn:
        rows = export_decisions(conn, reviewer=None if all_ else reviewer)
    if json_output:
        print_json(rows)
    elif out is not None:
        write_csv(out, EXPORT_COLUMNS, [[row[c] for c in EXPORT_COLUMNS] for row in rows])
        say(f"wrote {len(rows)} decisions to {out}", err=True)
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows([for_spreadsheet(row[c]) for c in EXPORT_COLUMNS] for row in rows)


def link_command(
    record_id: Annotated[int, typer.Argument(help="The report (record id).")],
    study: Annotated[str, typer.Option("--study", help="The study's label, as `screen studies` lists it.")],
    new: Annotated[
        bool, typer.Option("--new", help="Make a new study with this label (to split a report off).")
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Make a record a report of a study, e.g. a conference abstract of a later article. Example: cartsle screen link 87 --study "Mackensen 2022" """
    with review(db) as conn, transaction(conn):
        unit = DecisionChecker(conn).unit(record_id)
        label = link_report(conn, unit, study, create=new)
    say(plain(f"record {unit} is a report of {label}"))


def studies_command(db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """The included studies with their reports. Example: cartsle screen studies"""
    with review(db) as conn:
        studies = included_studies(conn)
    if json_output:
        print_json([study.to_dict() for study in studies])
        return
    print_table(
        f"Included studies ({len(studies)})",
        ["study", "reports", "first author", "year", "source"],
        [[s.study_id, ", ".join(map(str, s.report_ids)), s.first_author, s.year, s.source] for s in studies],
    )


def prisma_command(
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
    diagram: Annotated[
        Path | None, typer.Option("--diagram", help="Also draw the PRISMA 2020 flow diagram (.svg or .png).")
    ] = None,
) -> None:
    """PRISMA 2020 flow counts for databases and registers and for other methods.

    Example: cartsle prisma --diagram prisma.svg
    """
    with review(db) as conn:
        counts = prisma_counts(conn)
    if diagram is not None:
        from cartsle_cli.report.figures import prisma_flow  # matplotlib: only when drawing
        from cartsle_cli.report.prisma_diagram import save_diagram

        stderr().print(
            f"diagram written to {save_diagram(prisma_flow(counts.to_dict()), diagram)}",
            markup=False,
            highlight=False,
        )
    if json_output:
        print_json(counts.to_dict())
        return
    rows = _column_rows(counts.databases, counts.other_methods)
    rows.append(["Studies included in review", counts.studies_included, None])
    rows.append(["Reports of included studies", counts.reports_included, None])
    print_table("PRISMA 2020 flow", ["box", "databases and registers", "other methods"], rows)
    stdout().print(f"method: {counts.method}", markup=False, highlight=False)


def _column_rows(left: PrismaColumn, right: PrismaColumn) -> list[list]:
    sources = sorted({name for name, _ in left.identified} | {name for name, _ in right.identified})
    rows: list[list] = [
        [f"Records identified: {name}", dict(left.identified).get(name), dict(right.identified).get(name)]
        for name in sources
    ]
    rows.append(["Records identified (total)", left.identified_total, right.identified_total])
    for label, attribute in (
        ("Duplicate records removed", "duplicates_removed"),
        ("Records screened", "screened"),
        ("Records excluded", "screened_excluded"),
        ("Records awaiting screening", "awaiting_screening"),
        ("Reports sought for retrieval", "sought"),
        ("Reports not retrieved", "not_retrieved"),
        ("Reports assessed for eligibility", "assessed"),
    ):
        rows.append([label, getattr(left, attribute), getattr(right, attribute)])
    reasons = sorted(
        {name for name, _ in left.excluded_reasons} | {name for name, _ in right.excluded_reasons}
    )
    rows += [
        [
            f"Reports excluded: {name}",
            dict(left.excluded_reasons).get(name, 0),
            dict(right.excluded_reasons).get(name, 0),
        ]
        for name in reasons
    ]
    rows.append(["Reports awaiting assessment", left.awaiting_assessment, right.awaiting_assessment])
    rows.append(["Reports included", left.reports_included, right.reports_included])
    return rows


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("resolve")(resolve_command)
    app.command("link")(link_command)
    app.command("studies")(studies_command)
