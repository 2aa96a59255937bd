"""`cartsle dedup`: find duplicate records, let a person decide the uncertain ones, export."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    ReviewerOption,
    group,
    pass_down,
    print_json,
    print_table,
    progress_bar,
    review,
    safe_text,
    say,
    stdout,
)
from cartsle_cli.dedup import merged_record
from cartsle_cli.dedup.decisions import record_decision
from cartsle_cli.dedup.export import cluster_rows, unique_merged, write_clusters_csv, write_csv, write_ris
from cartsle_cli.dedup.review import (
    SCREEN_FIELDS,
    SHOWN_FIELDS,
    Implied,
    ReviewPair,
    Undone,
    decide_from_csv,
    differing_words,
    export_pairs,
    parse_answer,
    pending_pairs,
    undo,
    undo_plan,
)
from cartsle_cli.dedup.run import (
    compare_records,
    rebuild_clusters,
    store_comparison,
)
from cartsle_cli.dedup.summary import DedupSummary, dedup_summary
from cartsle_cli.errors import CartsleError
from cartsle_cli.gc_pause import cyclic_gc_paused
from cartsle_cli.store import transaction

app = group(
    "Find duplicate records across and within searches; `cartsle dedup` alone runs it.",
    invoke_without_command=True,
)

OutputOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
]
# the name these commands had before every command's output file was --out; kept for scripts
OldOutputOption = Annotated[Path | None, typer.Option("--output", hidden=True)]


@app.callback()
def dedup_command(ctx: typer.Context, db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """Deduplicate everything imported so far (only new records are compared again).

    Example: cartsle dedup
    """
    if ctx.invoked_subcommand is not None:
        pass_down(ctx, ("db", "json_output"))
        return
    with review(db) as conn, progress_bar("deduplicating", None) as bar:

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(bar.task_ids[0], description=stage, completed=done, total=total or None)

        # Compared before the transaction: the write lock is held for storing the result only.
        with cyclic_gc_paused():
            comparison = compare_records(conn, progress=progress)
            with transaction(conn):
                run = store_comparison(conn, comparison, progress=progress)
            del comparison  # freed before the cycle collector runs again (see run_dedup)
        summary = dedup_summary(conn)
    if json_output:
        print_json({"run": asdict(run), **asdict(summary)})
        return
    stdout().print(
        f"Compared {run.comparisons} candidate pairs among {run.records} records "
        f"({run.new_records} new): {run.merged_pairs} certain duplicate pairs, "
        f"{run.review_pairs} for review, {run.report_pairs} possible other reports of one study.",
        highlight=False,
    )
    _print_summary(summary)


def _print_summary(summary: DedupSummary) -> None:
    print_table(
        "Duplicates per source",
        ["search", "database", "records", "duplicates removed", "unique"],
        [[s.search_id, s.database, s.records, s.duplicates, s.unique] for s in summary.sources],
    )
    print_table(
        "PRISMA 2020",
        ["", "records"],
        [
            ["Records identified from databases and registers", summary.identified_databases],
            ["Records identified through other methods", summary.identified_other],
            ["Duplicate records removed", summary.duplicates_removed],
            ["Records to screen", summary.unique],
            ["Pairs left for manual review (cartsle dedup review)", summary.pending_review],
        ],
    )


@app.command("review")
def review_command(
    export: Annotated[
        Path | None, typer.Option("--export", help="Write the pairs to this CSV file instead of asking.")
    ] = None,
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Decide the uncertain pairs: both records side by side with their abstracts, differing
    words highlighted; answer same (s), different (d), skip (k) or quit (q). A pair whose answer
    follows from decisions already made (both in one cluster, or their clusters kept apart) is
    not asked. Needs --reviewer (or CARTSLE_REVIEWER), except for --export.

    Example: cartsle dedup review --reviewer AB   or   cartsle dedup review --export pairs.csv
    """
    with review(db) as conn:
        if export is not None:
            count = export_pairs(conn, export)
            say(
                f"wrote {count} pairs to {export}; fill in the decision column, then `cartsle dedup decide {export} --reviewer NAME`"
            )
            return
        _need_reviewer(reviewer)
        pairs = pending_pairs(conn)
        if not pairs:
            say("no pairs left for review")
            return
        decided = followed = 0
        implied = Implied(conn)
        try:
            for number, pair in enumerate(pairs, 1):
                if implied.follows(pair.record_id, pair.other_record_id):
                    followed += 1  # answered by this sitting's earlier decisions
                    continue
                _show_pair(pair, number, len(pairs))
                answer = _ask()
                if answer == "quit":
                    break
                if answer:
                    implied.add(pair.record_id, pair.other_record_id, answer)
                    with transaction(conn):
                        record_decision(
                            conn,
                            pair.record_id,
                            pair.other_record_id,
                            answer,
                            reviewer=reviewer,
                            how="review",
                        )
                    decided += 1
        finally:
            with transaction(conn):
                rebuild_clusters(conn)
    extra = f"; {followed} pairs not asked: their answer followed from these decisions" if followed else ""
    say(f"{decided} decisions stored{extra}")


def _need_reviewer(reviewer: str | None) -> None:
    if not reviewer:
        raise CartsleError("who is deciding? give --reviewer NAME or set CARTSLE_REVIEWER", field="reviewer")


def _ask() -> str | None:
    while True:
        answer = typer.prompt("same / different / skip / quit [s/d/k/q]", default="k", show_default=False)
        if answer.strip().lower() in ("q", "quit"):
            return "quit"
        try:
            return parse_answer(answer)
        except CartsleError as error:
            say(str(error))


_MARK = "bold yellow"


def _show_pair(pair: ReviewPair, number: int, total: int) -> None:
    differing = set(pair.differing())
    table = Table(title=f"Pair {number} of {total}: {pair.reason} (score {pair.score})", title_justify="left")
    table.add_column("field")
    table.add_column(f"record {pair.record_id}")
    table.add_column(f"record {pair.other_record_id}")
    for name in SCREEN_FIELDS:
        marker = "*" if name in differing else ""
        first, second = pair.record[name], pair.other[name]
        if name in differing and first and second:
            marks, other_marks = differing_words(first, second)
            shown = (_marked(first, marks), _marked(second, other_marks))
        else:
            style = _MARK if name in differing else ""
            shown = (safe_text(first, style), safe_text(second, style))
        table.add_row(Text(f"{marker}{name}", style=_MARK if marker else ""), *shown)
    stdout().print(table)


def _marked(text: str, positions: set[int]) -> Text:
    """The text with the words at ``positions`` highlighted (and underlined, for NO_COLOR)."""
    result = Text()
    for position, word in enumerate(text.split()):
        if position:
            result.append(" ")
        result.append(safe_text(word, f"{_MARK} underline" if position in positions else ""))
    return result


@app.command("decide")
def decide_command(
    pairs_file: Annotated[
        Path,
        typer.Argument(help="A CSV file from `cartsle dedup review --export`, decision column filled in."),
    ],
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Apply decisions in bulk: decision same, different, or empty/skip per pair. Needs
    --reviewer (or CARTSLE_REVIEWER); a decision the review already holds is not stored again,
    so applying a file twice changes nothing.

    Example: cartsle dedup decide pairs.csv --reviewer AB
    """
    _need_reviewer(reviewer)
    with review(db) as conn, transaction(conn):
        result = decide_from_csv(conn, pairs_file, reviewer=reviewer)
    if json_output:
        print_json(asdict(result))
        return
    message = f"{result.same} same, {result.different} different, {result.skipped} skipped"
    if result.unchanged:
        message += f", {result.unchanged} already decided so"
    if not (result.same or result.different):
        message += ": nothing changed"
    say(message)


@app.command("undo")
def undo_command(
    record_id: Annotated[
        int,
        typer.Argument(
            help="A cluster id (splits the whole cluster) or a member's record id (takes it out)."
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Take a merge back; it stays undone in later runs. Says what it will split and asks first
    (or --yes).

    Example: cartsle dedup undo 1234 --yes
    """
    with review(db) as conn:
        plan = undo_plan(conn, record_id)
        if not yes:
            _print_split(plan, "would separate")
            try:
                confirmed = typer.confirm("split?", default=False)
            except typer.Abort:  # no answer (input closed)
                raise CartsleError("no answer, nothing changed: give --yes to split without asking") from None
            if not confirmed:
                say("nothing changed")
                return
        with transaction(conn):
            undone = undo(conn, record_id, reviewer=reviewer)
    if json_output:
        print_json(asdict(undone))
        return
    _print_split(undone, "separated")


def _print_split(undone: Undone, verb: str) -> None:
    what = "the whole cluster" if undone.record_id == undone.cluster_id else f"record {undone.record_id}"
    print_table(
        f"Cluster {undone.cluster_id}: {verb} {what}",
        ["record", "title"],
        [[record, undone.titles.get(record, "")] for record in undone.separated],
    )


class ClusterFormat(str, Enum):
    table = "table"
    csv = "csv"


@app.command("clusters")
def clusters_command(
    format: Annotated[
        ClusterFormat, typer.Option("--format", help="table, or csv with one row per imported record.")
    ] = ClusterFormat.table,
    output: OutputOption = None,
    old_output: OldOutputOption = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Each imported record's id in its source file, the file, and its cluster id.

    Example: cartsle dedup clusters --format csv -o clusters.csv
    """
    output = output or old_output
    with review(db) as conn:
        rows = cluster_rows(conn)
    if json_output:
        print_json([asdict(row) for row in rows])
    elif format is ClusterFormat.csv:
        with _output(output) as handle:
            write_clusters_csv(rows, handle)
    else:
        print_table(
            "Clusters",
            ["id", "source file", "cluster", "record"],
            [[row.id, row.source_file, row.cluster, row.record_id] for row in rows],
        )


@app.command("show")
def show_command(
    cluster_id: Annotated[int, typer.Argument(help="The cluster's id (its kept record's id).")],
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """A cluster as one merged record, with the records and databases it came from.

    Example: cartsle dedup show 1234
    """
    with review(db) as conn:
        record = merged_record(conn, cluster_id)
    if json_output:
        print_json(asdict(record))
        return
    fields = [name for name in SHOWN_FIELDS if name != "database"] + ["abstract"]
    rows = []
    for name in fields:
        value = getattr(record, name)
        value = "; ".join(value) if name == "authors" else value
        donor = record.filled_from.get(name)
        rows.append([name, value, f"record {donor}" if donor else ""])
    print_table(f"Cluster {record.cluster_id}", ["field", "value", "filled in from"], rows)
    print_table(
        "Source records",
        ["record", "title", "search", "database", "file", "source id"],
        [[s.record_id, s.title, s.search_id, s.database, s.file_name, s.source_id] for s in record.sources],
    )


class ExportFormat(str, Enum):
    ris = "ris"
    csv = "csv"
    csl_json = "csl-json"
    revman = "revman"


def export_command(
    unique: Annotated[
        bool,
        typer.Option("--unique", help="Every deduplicated record, each cluster as its merged record."),
    ] = False,
    stage: Annotated[
        str | None, typer.Option("--stage", help="With --decision: ta (title/abstract) or ft (full text).")
    ] = None,
    decision: Annotated[
        str | None,
        typer.Option(
            "--decision",
            help="With --stage: include, exclude, maybe, conflict or undecided (fewer votes than required).",
        ),
    ] = None,
    included: Annotated[bool, typer.Option("--included", help="The reports included at full text.")] = False,
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="ris, csv, csl-json, or revman (RevMan Web's study import files into the folder -o names; with --included).",
        ),
    ] = ExportFormat.ris,
    output: OutputOption = None,
    old_output: OldOutputOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write records for a reference manager: the deduplicated set, or the records at a stage by decision.

    Example: cartsle export --stage ta --decision include --format ris -o full_texts_to_fetch.ris

    By decision (or --included), each record carries its keywords, full page range, source
    databases, the screening decisions and reasons (RIS N1 notes) and its full-text location
    (L1 / UR), for EndNote and Zotero.
    """
    output = output or old_output
    if unique and (stage or decision or included):
        raise CartsleError("give --unique, or --stage with --decision, or --included: one set at a time")
    if not unique and not (stage or decision or included):
        raise CartsleError(
            "say which records: --unique, --stage ta|ft --decision include|exclude|maybe|conflict|undecided,"
            " or --included"
        )
    if unique and format is ExportFormat.csl_json:
        raise CartsleError("CSL-JSON is written for a set by decision or --included, not --unique")
    if format is ExportFormat.revman:
        if not included or output is None:
            raise CartsleError("RevMan files are of the included studies: give --included -o FOLDER")
        from cartsle_cli.report.revman import write_revman

        with review(db) as conn:
            written = write_revman(conn, output)
        say(f"wrote {', '.join(str(path) for path in written)}", err=True)
        return
    with review(db) as conn:
        if unique:
            with _output(output) as handle:
                writer: Callable = write_ris if format is ExportFormat.ris else write_csv
                count = writer(unique_merged(conn), handle)
        else:
            from cartsle_cli.report.references import (
                reference_records,
                select_units,
                write_references_csv,
                write_references_ris,
            )

            references = reference_records(
                conn, select_units(conn, stage=stage, decision=decision, included=included)
            )
            with _output(output) as handle:
                if format is ExportFormat.csl_json:
                    from cartsle_cli.report.csl_json import csl_items

                    handle.write(json.dumps(csl_items(references), indent=2, ensure_ascii=False) + "\n")
                    count = len(references)
                else:
                    writer = write_references_ris if format is ExportFormat.ris else write_references_csv
                    count = writer(references, handle)
    if output is not None:
        say(f"wrote {count} records to {output}", err=True)


@contextmanager
def _output(path: Path | None):
    if path is None:
        yield sys.stdout
        return
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            yield handle
    except OSError as error:
        raise CartsleError(f"cannot write: {error.strerror}", file=path) from error
