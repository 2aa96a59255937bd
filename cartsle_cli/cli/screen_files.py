"""`cartsle screen import/export/resolve/link/studies` and `cartsle prisma`: decisions in bulk and
what they add up to. Registered on the `screen` group by ``cli/screen.py``."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypedDict

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
from cartsle_cli.screening.decisions import DecisionChecker
from cartsle_cli.screening.outcomes import STAGE_NAMES
from cartsle_cli.screening.prisma import PrismaColumn, prisma_counts
from cartsle_cli.screening.studies import included_studies, link_report, require_included_report
from cartsle_cli.store import transaction

if TYPE_CHECKING:
    # decision files and bulk read identifiers the way the import readers do (cartsle_cli.formats):
    # loaded by the commands that read or write decision files, not by `prisma`, `screen decide`
    # or the rest of `screen`
    from cartsle_cli.screening.bulk import ImportSummary
    from cartsle_cli.screening.decision_files import DecisionRow


class _FullTextRow(TypedDict):
    """One report of `screen fulltext`'s list (its --json rows)."""

    record_id: int
    status: str | None  # None: nothing recorded yet
    location: str | None


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
    force: Annotated[
        bool,
        typer.Option("--force", help="Resolve a record that is not in conflict (recorded in its history)."),
    ] = False,
    dry_run: DryRunOption = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Record the final decision on a conflict, and who made it. Example: cartsle screen resolve 12 include --reviewer lead

    In bulk: cartsle screen resolve --file resolutions.csv (the reviewer column names who resolved).
    A record that is not in conflict is refused unless --force is given; the history then shows it.
    """
    if file is not None:
        if record_id is not None:
            raise CartsleError("give a record and decision, or --file, not both")
        _bulk(file, reviewer, stage, dry_run, db, json_output, resolutions=True, force=force)
        return
    if record_id is None or decision is None:
        raise CartsleError(
            "give the record and the final decision, e.g. `cartsle screen resolve 12 include`, or --file"
        )
    from cartsle_cli.screening.decision_files import DecisionRow

    row = DecisionRow(
        "command line",
        reviewer,
        stage or "ta",
        decision.lower(),
        record_id=record_id,
        reason=reason,
        note=note,
    )
    from cartsle_cli.screening.bulk import import_decisions

    with review(db) as conn:
        summary = import_decisions(
            conn, [row], source="resolve", dry_run=dry_run, resolutions=True, force=force
        )
    if json_output or dry_run:
        _print_summary(summary, json_output)
    else:
        say(
            plain(
                f"{reviewer} resolved record {record_id}: {decision.lower()} at {STAGE_NAMES[stage or 'ta']}"
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
    force: bool = False,
) -> None:
    from cartsle_cli.screening.bulk import import_decisions
    from cartsle_cli.screening.decision_files import filled, stream_decision_file

    decisions = stream_decision_file(file)  # rows read as they are stored: a million rows fit
    rows = filled(decisions.rows, reviewer=reviewer, stage=stage)
    undecided = [0]
    if resolutions:
        # A conflicts file (`screen conflicts --export`) holds every conflict: the rows the lead
        # left without a decision stay unresolved.
        rows = _decided_only(rows, undecided)
    source = f"{'resolve' if resolutions else 'import'} {file.name}"
    try:
        with review(db) as conn:
            summary = import_decisions(
                conn, rows, source=source, dry_run=dry_run, resolutions=resolutions, force=force
            )
    except CartsleError as error:
        error.file = error.file or str(file)
        raise
    if undecided[0]:
        stderr().print(
            f"{undecided[0]} rows without a decision left unresolved", markup=False, highlight=False
        )
    if not summary.rows:  # nothing was written: there was nothing to write
        if resolutions and not undecided[0]:
            # the export of a review with no conflicts left: nothing to settle, nothing wrong
            stderr().print("the file lists no conflicts: nothing to resolve", markup=False, highlight=False)
            return
        if undecided[0]:
            return  # a conflicts file nobody has filled in yet: nothing to store, nothing wrong
        raise CartsleError(f"no decisions in this file ({decisions.format})", file=file)
    _print_summary(summary, json_output)


def _decided_only(rows: Iterator[DecisionRow], undecided: list[int]) -> Iterator[DecisionRow]:
    """The rows that carry a decision; ``undecided[0]`` counts the others as they pass."""
    for row in rows:
        if row.decision:
            yield row
        else:
            undecided[0] += 1


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
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the CSV here instead of stdout.")
    ] = None,
    reviewer: ReviewerOption = None,
    all_: AllOption = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Export the current decisions as CSV that `screen import` reads back. Example: cartsle screen export --out decisions.csv

    Blind for a reviewer (--reviewer or CARTSLE_REVIEWER): others' votes only on records where all
    required reviewers have voted; --all (or no reviewer) exports everything.
    """
    from cartsle_cli.report.csv_safe import write_csv
    from cartsle_cli.safe_output import for_spreadsheet
    from cartsle_cli.screening.bulk import EXPORT_COLUMNS, export_decisions

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
    """Make a record a report of a study, e.g. a conference abstract of a later article. Example: cartsle screen link 87 --study "Mackensen 2022"

    Only a record included at full text is a report of an included study: others are refused.
    """
    with review(db) as conn, transaction(conn):
        unit = DecisionChecker(conn).unit(record_id)
        require_included_report(conn, unit)
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
    r_csv: Annotated[
        Path | None,
        typer.Option("--r-csv", help="Also write the counts as the PRISMA2020 R package's data CSV."),
    ] = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="The flow for an updated review: studies of the previous version, then the records of the latest update.",
        ),
    ] = False,
) -> None:
    """PRISMA 2020 flow counts for databases and registers and for other methods.

    Example: cartsle prisma --diagram prisma.svg --r-csv prisma2020.csv
    """
    with review(db) as conn:
        counts = prisma_counts(conn, update=update)
    if r_csv is not None:
        from cartsle_cli.report.prisma_csv import prisma_csv

        try:
            r_csv.write_text(prisma_csv(counts.to_dict()), encoding="utf-8")
        except OSError as error:
            raise CartsleError(f"cannot write: {error.strerror}", file=r_csv) from error
        stderr().print(f"PRISMA2020 CSV written to {r_csv}", markup=False, highlight=False)
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
    new = "new " if counts.previous else ""
    if counts.previous:
        rows.insert(0, ["Studies included in previous version", counts.previous["studies"], None])
        rows.insert(1, ["Reports of studies in previous version", counts.previous["reports"], None])
    rows.append(
        [
            "New studies included in review" if new else "Studies included in review",
            counts.studies_included,
            None,
        ]
    )
    rows.append([f"Reports of {new}included studies", counts.reports_included, None])
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
        ("Records marked ineligible by automation tools", "excluded_automatic"),
        ("Records removed for other reasons", "excluded_other"),
        ("Records awaiting screening", "awaiting_screening"),
        ("Records screened", "screened"),
        ("Records excluded", "screened_excluded"),
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


def fulltext_command(
    record_id: Annotated[
        int | None,
        typer.Argument(help="The report (record id); leave out to list every report at full text."),
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="The full text is this PDF.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="The full text is at this URL.")] = None,
    not_retrieved: Annotated[
        bool,
        typer.Option(
            "--not-retrieved", help="The full text could not be had (PRISMA: reports not retrieved)."
        ),
    ] = False,
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Record where a report's full text is, or that it could not be retrieved; list them. Example: cartsle screen fulltext 12 --url https://doi.org/10.1000/x

    The full-text screen shows it with the record; PRISMA counts a report marked --not-retrieved
    under "Reports not retrieved" until a full-text decision settles it.
    """
    from cartsle_cli.screening.fulltext import fulltext_status, set_fulltext
    from cartsle_cli.screening.outcomes import stage_outcomes

    with review(db) as conn:
        if record_id is not None:
            with transaction(conn):
                checker = DecisionChecker(conn)
                unit = checker.unit(record_id)
                if unit not in checker.reached_ft:
                    raise CartsleError(
                        f"record {record_id} has not reached full text: only reports sought for retrieval have one",
                        field="record_id",
                    )
                entry = set_fulltext(
                    conn, unit, file=file, url=url, not_retrieved=not_retrieved, reviewer=reviewer
                )
            if json_output:
                print_json(vars(entry))
            else:
                typer.echo(plain(f"record {unit}: {entry.describe()}"))
            return
        if file or url or not_retrieved:
            raise CartsleError("name the report: `cartsle screen fulltext ID --file PDF`")
        status = fulltext_status(conn)
        reports = sorted(stage_outcomes(conn, "ft"))
    rows: list[_FullTextRow] = [
        {
            "record_id": unit,
            "status": status[unit].status if unit in status else None,
            "location": status[unit].location if unit in status else None,
        }
        for unit in reports
    ]
    if json_output:
        print_json(rows)
        return
    print_table(
        f"Full texts ({sum(1 for r in rows if r['status'])} of {len(rows)} reports recorded)",
        ["record", "full text"],
        [
            [r["record_id"], status[r["record_id"]].describe() if r["status"] else "not recorded"]
            for r in rows
        ],
    )


def register(app: typer.Typer) -> None:
    app.command("fulltext")(fulltext_command)
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("resolve")(resolve_command)
    app.command("link")(link_command)
    app.command("studies")(studies_command)
