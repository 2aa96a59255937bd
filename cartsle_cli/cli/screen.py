"""`cartsle screen`: decisions at title/abstract and full text, conflicts, agreement, reasons.

Plain `cartsle screen` opens the interactive screen (``screen_tui``); bulk files, studies and
PRISMA counts are in ``screen_files``. Every command here is a thin layer over
``cartsle_cli.screening``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cartsle_cli.cli import screen_files
from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    ReviewerOption,
    group,
    pass_down,
    plain,
    print_json,
    print_table,
    review,
    say,
    stdout,
)
from cartsle_cli.cli.screen_files import AllOption
from cartsle_cli.cli.screen_status import ConfidenceOption, TargetOption, status_command
from cartsle_cli.errors import CartsleError
from cartsle_cli.report.csv_safe import write_csv
from cartsle_cli.screening.decisions import Decision, history, record_decision, undo_last
from cartsle_cli.screening.outcomes import STAGE_NAMES, STAGES
from cartsle_cli.screening.ranking.recall_test import check_target
from cartsle_cli.screening.sampling import start_random_sample
from cartsle_cli.screening.settings import (
    add_reason,
    keywords,
    reasons,
    reviewers_required,
    set_keywords,
    set_reviewers_required,
)
from cartsle_cli.store import transaction

if TYPE_CHECKING:  # the ranking package loads scikit-learn
    pass

app = group(
    "Screen records, title/abstract (ta) then full text (ft). Plain `cartsle screen` opens the "
    "interactive screen; the subcommands decide, resolve and report in bulk.\n\n"
    "Order at title/abstract: a seeded random order until the review has one include and one exclude, "
    "then ranked by the model, retrained every 10 decisions (`cartsle screen simulate --help` "
    "describes the model).",
    invoke_without_command=True,
    lazy={
        "simulate": (
            "screen_ranking",
            "simulate_command",
            "Replay a fully labelled set with the screening model; report WSS, RRF and recall.",
        )
    },
)

StageOption = Annotated[str, typer.Option("--stage", help="ta (title/abstract) or ft (full text).")]
AnyStageOption = Annotated[str | None, typer.Option("--stage", help="ta or ft; both when not given.")]
ReasonOption = Annotated[
    str | None, typer.Option("--reason", help="Why excluded (required at full text; see `screen reasons`).")
]
NoteOption = Annotated[str | None, typer.Option("--note", help="A note kept with the decision.")]


def stages(stage: str | None) -> tuple[str, ...]:
    if stage is None:
        return STAGES
    if stage not in STAGES:
        raise CartsleError(f"stage must be ta or ft, not {stage!r}", field="stage")
    return (stage,)


@app.callback()
def screen_command(
    ctx: typer.Context,
    stage: StageOption = "ta",
    reviewer: ReviewerOption = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the random order (before the model can rank).")
    ] = 0,
    target: TargetOption = 0.95,
    confidence: ConfidenceOption = 0.95,
    open_conflicts: Annotated[
        bool,
        typer.Option(
            "--resolve", help="Open on the conflicts: each record in full with every vote; i / e resolve it."
        ),
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Screen record by record in the terminal. Example: cartsle screen --reviewer kofi --stage ta

    Keys: i include, e exclude, m maybe, s skip, u undo, n note, r switch to a random sample (for
    the stopping test), c the conflict-resolution screen, PageUp/PageDown scroll, q quit (prints
    what this session did).

    The conflict-resolution screen (c, or start on it with --resolve): i includes, e excludes
    (asking the reason at full text), left/right move between conflicts, Escape goes back.
    """
    if ctx.invoked_subcommand is not None:
        pass_down(ctx, ("db", "reviewer", "stage"))
        return
    from cartsle_cli.cli.screen_tui import run_screen  # Textual loads only for the interactive screen

    stages(stage)
    check_target(target, confidence)
    if not reviewer:
        raise CartsleError("who is screening? give --reviewer NAME or set CARTSLE_REVIEWER", field="reviewer")
    run_screen(
        db,
        stage=stage,
        reviewer=reviewer,
        seed=seed,
        target=target,
        confidence=confidence,
        resolve=open_conflicts,
    )


@app.command("sample")
def sample_command(
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Switch to screening the rest of your title/abstract queue in a random order, for the
    stopping test; recorded, and shown by `screen status`. Example: cartsle screen sample --reviewer kofi

    The test (Callaghan & Mueller-Hansen 2020) needs records drawn at random from those left
    when you switch; from then on the model no longer orders your queue. The same as the key r
    in the interactive screen.
    """
    with review(db) as conn, transaction(conn):
        start = start_random_sample(conn, reviewer or "")
    typer.echo(
        plain(
            f"{start.reviewer}: screening a random sample of the {start.population} records left at "
            f"title/abstract ({start.includes_before} includes found before); see `cartsle screen status`"
        )
    )


@app.command("decide")
def decide_command(
    record_id: Annotated[int, typer.Argument(help="The record's id (a duplicate's id means its cluster).")],
    decision: Annotated[str, typer.Argument(help="include, exclude or maybe.")],
    stage: StageOption = "ta",
    reason: ReasonOption = None,
    note: NoteOption = None,
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Record one decision. Example: cartsle screen decide 12 exclude --stage ft --reason "wrong population" """
    with review(db) as conn, transaction(conn):
        stored = record_decision(
            conn, Decision(record_id, stage, reviewer or "", decision.lower(), reason, note)
        )
    say(
        plain(
            f"{stored.reviewer}: record {stored.record_id} {stored.decision} at {STAGE_NAMES[stored.stage]}"
            + (f" ({stored.reason})" if stored.reason else "")
        )
    )


@app.command("undo")
def undo_command(
    stage: AnyStageOption = None,
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Undo your latest decision (it stays in the history, marked undone). Example: cartsle screen undo --reviewer kofi"""
    with review(db) as conn, transaction(conn):
        undone = undo_last(conn, reviewer or "", stage=stages(stage)[0] if stage else None)
    say(
        plain(
            f"undone: {undone.reviewer}'s {undone.decision} of record {undone.record_id} at {STAGE_NAMES[undone.stage]} ({undone.decided_at})"
        )
    )


@app.command("history")
def history_command(
    record_id: Annotated[int | None, typer.Argument(help="One record (its whole duplicate cluster).")] = None,
    reviewer: ReviewerOption = None,
    all_: AllOption = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Every decision ever made, undone ones included, oldest first. Example: cartsle screen history 12

    Blind for a reviewer (--reviewer or CARTSLE_REVIEWER): others' decisions show only on records
    where all required reviewers have voted; --all shows everything.
    """
    with review(db) as conn:
        entries = history(conn, record_id=record_id, blind_for=None if all_ else reviewer)
    if json_output:
        print_json([vars(entry) for entry in entries])
        return
    print_table(
        "Screening history",
        [
            "#",
            "record",
            "stage",
            "reviewer",
            "decision",
            "reason",
            "note",
            "resolution",
            "source",
            "decided",
            "undone",
        ],
        [
            [
                e.id,
                e.record_id,
                e.stage,
                e.reviewer,
                e.decision,
                e.reason,
                e.note,
                "yes" if e.resolution else "",
                e.source,
                e.decided_at,
                e.undone_at,
            ]
            for e in entries
        ],
    )


reasons_app = group(
    "The review's full-text exclusion reasons: list them, or `add` one.", invoke_without_command=True
)
app.add_typer(reasons_app, name="reasons")


@reasons_app.callback()
def reasons_command(ctx: typer.Context, db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """List the full-text exclusion reasons. Example: cartsle screen reasons"""
    if ctx.invoked_subcommand is not None:
        return
    with review(db, create=True) as conn:
        found = reasons(conn)
    if json_output:
        print_json(found)
        return
    print_table("Full-text exclusion reasons", ["reason"], [[label] for label in found])


@reasons_app.command("add")
def reasons_add_command(
    label: Annotated[str, typer.Argument(help='The reason, e.g. "wrong comparator".')],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add an exclusion reason. Example: cartsle screen reasons add "wrong comparator" """
    with review(db, create=True) as conn, transaction(conn):
        added = add_reason(conn, label)
    say(plain(f"added reason: {added}"))


@app.command("keywords")
def keywords_command(
    include: Annotated[
        list[str] | None, typer.Option("--include", help="A word or phrase that suggests inclusion (green).")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="A word or phrase that suggests exclusion (red).")
    ] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="Stop highlighting this word.")] = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Set and list the words highlighted while screening. Example: cartsle screen keywords --include "CAR T" --exclude mouse"""
    with review(db, create=True) as conn:
        if include or exclude or remove:
            with transaction(conn):
                found = set_keywords(conn, include=include or [], exclude=exclude or [], remove=remove or [])
        else:
            found = keywords(conn)
    if json_output:
        print_json(vars(found))
        return
    print_table(
        "Highlighted keywords",
        ["kind", "words"],
        [["include", ", ".join(found.include)], ["exclude", ", ".join(found.exclude)]],
    )


@app.command("settings")
def settings_command(
    reviewers: Annotated[
        int | None, typer.Option("--reviewers", help="Reviewers who must vote on each record (1 or more).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Show or change how many reviewers screen each record. Example: cartsle screen settings --reviewers 2"""
    with review(db, create=True) as conn:
        if reviewers is not None:
            with transaction(conn):
                set_reviewers_required(conn, reviewers)
        required = reviewers_required(conn)
    if json_output:
        print_json({"reviewers_required": required})
        return
    say(f"reviewers required per record: {required}")


@app.command("conflicts")
def conflicts_command(
    stage: AnyStageOption = None,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="Write the conflicts to this CSV (titles and votes in it); fill in decision, then `screen resolve --file`.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Records whose reviewers disagree and that no one has resolved yet, with title, year, first author and every vote. Example: cartsle screen conflicts --stage ta

    To resolve them one by one with the record in view: `cartsle screen --resolve` (or press c in
    the interactive screen).
    """
    # imported here: the conflicts (with the queue and retractions) cost `screen simulate` and the
    # other subcommands a tenth of a second of start-up each
    from cartsle_cli.screening.conflicts import CONFLICT_FILE_COLUMNS, conflict_file_rows, list_conflicts

    with review(db) as conn:
        found = list_conflicts(conn, stages(stage))
    if export is not None:
        write_csv(export, CONFLICT_FILE_COLUMNS, conflict_file_rows(found))
        typer.echo(
            f"wrote {len(found)} conflicts to {export}; fill in decision (and reason, at full text), "
            f"then `cartsle screen resolve --file {export} --reviewer NAME`",
            err=True,
        )
        return
    if json_output:
        print_json([conflict.to_dict() for conflict in found])
        return
    print_table(
        f"Conflicts ({len(found)})",
        ["record", "stage", "title", "year", "first author", "votes"],
        [
            [
                c.record_id,
                c.stage,
                shorten(c.title, 70),
                c.year,
                c.first_author,
                "; ".join(vote.describe() for vote in c.votes),
            ]
            for c in found
        ],
    )


def shorten(text: str, width: int) -> str:
    """A long title cut at a word with an ellipsis, so the votes stay in view."""
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


@app.command("agreement")
def agreement_command(
    stage: AnyStageOption = None, db: DbOption = DEFAULT_DB, json_output: JsonOption = False
) -> None:
    """Percent agreement and Cohen's kappa with 95% CI per stage and pair of reviewers. Example: cartsle screen agreement

    Counted as Covidence does: latest votes; at title/abstract maybe counts as include;
    resolutions change nothing. SE = sqrt(po(1-po)/(n(1-pe)^2)) (Cohen 1960), Wald 95% CI.
    """
    from cartsle_cli.screening.agreement import agreement

    with review(db) as conn:
        found = [result for name in stages(stage) for result in agreement(conn, name)]
    if json_output:
        print_json([result.to_dict() for result in found])
        return
    print_table(
        "Agreement between reviewers",
        ["stage", "reviewers", "records", "agreement %", "kappa", "95% CI"],
        [
            [
                r.stage,
                f"{r.reviewer_a} / {r.reviewer_b}",
                r.kappa.n,
                round(r.kappa.percent_agreement, 1),
                None if r.kappa.kappa is None else round(r.kappa.kappa, 3),
                None if r.kappa.ci_low is None else f"{r.kappa.ci_low:.3f} to {r.kappa.ci_high:.3f}",
            ]
            for r in found
        ],
    )
    if found:
        stdout().print(f"method: {found[0].kappa.method}", markup=False, highlight=False)


app.command("status")(status_command)
screen_files.register(app)
