"""`cartsle grade`: GRADE certainty per pooled outcome - suggestions, decisions, the summary of findings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.certainty.evidence import grade_review
from cartsle_cli.certainty.findings import PROFILE_COLUMNS, SOF_COLUMNS, evidence_profile, summary_of_findings
from cartsle_cli.certainty.store import grade_history, record_comment, record_judgement
from cartsle_cli.certainty.suggest import DOMAINS
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
)
from cartsle_cli.errors import CartsleError
from cartsle_cli.report.csv_safe import write_csv
from cartsle_cli.store import transaction

app = group(
    "GRADE per pooled outcome: `suggest` shows each domain's suggestion and reason, `set` and `confirm` "
    "record the reviewers' decisions (with history), `show` prints the summary of findings, `export` writes "
    "the evidence profile."
)

ControlRiskOption = Annotated[
    str,
    typer.Option(
        "--control-risk",
        help="Binary outcomes' absolute effect per 1000 from the studies' pooled control risk"
        " (control events over control participants, GRADEpro's default) or their median.",
    ),
]
DomainOption = Annotated[str, typer.Option("--domain", help=f"One of {', '.join(DOMAINS)}.")]


@app.callback(invoke_without_command=True)
def _group(ctx: typer.Context, db: DbOption = DEFAULT_DB) -> None:
    if ctx.invoked_subcommand:
        pass_down(ctx)


def _graded(db: Path, control_risk: str) -> list[dict]:
    """Every pooled outcome's GRADE assessment, as ``grade suggest`` and ``grade show`` print it."""
    with review(db) as conn:
        return [item.to_dict() for item in grade_review(conn, control_risk=control_risk)]


@app.command("suggest")
def suggest_command(
    control_risk: ControlRiskOption = "pooled", db: DbOption = DEFAULT_DB, json_output: JsonOption = False
) -> None:
    """Each outcome's five domains: levels down, the reason, and whether the reviewers have decided.

    Example: cartsle grade suggest
    """
    graded = _graded(db, control_risk)
    if json_output:
        print_json(graded)
        return
    print_table(
        "GRADE domains per outcome",
        ["outcome", "domain", "levels down", "status", "reason"],
        [
            [item["evidence"]["outcome"], d["domain"], d["levels"], d["status"], d["reason"]]
            for item in graded
            for d in item["domains"]
        ],
    )
    if graded:
        say(graded[0]["start_reason"], err=True)


@app.command("set")
def set_command(
    outcome: Annotated[str, typer.Argument(help="The outcome (its name, as `grade suggest` lists it).")],
    domain: DomainOption,
    levels: Annotated[int, typer.Option("--levels", help="Levels taken off: 0, 1 or 2.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why; required when --levels is 1 or 2.")
    ] = None,
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Record the reviewers' decision on one domain of one outcome (kept with its history).

    Example: cartsle grade set crs --domain indirectness --levels 1 --reason "single-centre series" --reviewer lead
    """
    with review(db) as conn:
        graded = {item.evidence.outcome: item for item in grade_review(conn)}
        suggested = None
        if outcome in graded and domain in DOMAINS:
            suggested = next(d.suggestion.levels for d in graded[outcome].domains if d.domain == domain)
        with transaction(conn):
            judgement = record_judgement(
                conn,
                outcome=outcome,
                domain=domain,
                levels=levels,
                reason=reason,
                reviewer=reviewer,
                outcomes=set(graded),
                suggested=suggested,
            )
    say(
        f"{judgement.outcome}, {judgement.domain}: {judgement.levels} level(s) down (suggested {suggested})",
        err=True,
    )


@app.command("confirm")
def confirm_command(
    outcome: Annotated[str, typer.Argument(help="The outcome, or 'all'.")],
    domain: Annotated[
        list[str] | None, typer.Option("--domain", help="Domains to confirm (repeat it; default: all five).")
    ] = None,
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Accept cartsle's suggestions (levels and reasons) as the reviewers' decisions.

    Example: cartsle grade confirm all --reviewer lead
    """
    with review(db) as conn:
        graded = {item.evidence.outcome: item for item in grade_review(conn)}
        chosen = list(graded) if outcome == "all" else [outcome]
        stored = 0
        with transaction(conn):
            for name in chosen:
                if name not in graded:
                    raise CartsleError(
                        f"{name!r} is not a pooled outcome: one of {', '.join(graded)}", field="outcome"
                    )
                for d in graded[name].domains:
                    if domain and d.domain not in domain:
                        continue
                    record_judgement(
                        conn,
                        outcome=name,
                        domain=d.domain,
                        levels=d.suggestion.levels,
                        reason=d.suggestion.reason,
                        reviewer=reviewer,
                        outcomes=set(graded),
                        suggested=d.suggestion.levels,
                    )
                    stored += 1
    say(f"{stored} suggestion(s) confirmed", err=True)


@app.command("comment")
def comment_command(
    outcome: Annotated[str, typer.Argument(help="The outcome.")],
    text: Annotated[str, typer.Argument(help="The comment for the summary-of-findings table.")],
    reviewer: ReviewerOption = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Set an outcome's comment in the summary-of-findings table. Example: cartsle grade comment crs "mostly grade 1" --reviewer lead"""
    with review(db) as conn:
        outcomes = {item.evidence.outcome for item in grade_review(conn)}
        if outcome not in outcomes:
            raise CartsleError(
                f"{outcome!r} is not a pooled outcome: one of {', '.join(sorted(outcomes))}", field="outcome"
            )
        with transaction(conn):
            record_comment(conn, outcome, text, reviewer)
    say(f"comment recorded for {outcome}", err=True)


@app.command("history")
def history_command(db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """Every GRADE decision, oldest first. Example: cartsle grade history"""
    with review(db) as conn:
        entries = grade_history(conn)
    print_listing(
        json_output,
        [vars(e) for e in entries],
        "GRADE decisions",
        ["id", "outcome", "domain", "levels", "suggested", "reason", "reviewer", "decided at"],
        lambda: [
            [e.id, e.outcome, e.domain, e.levels, e.suggested, e.reason, e.reviewer, e.decided_at]
            for e in entries
        ],
    )


@app.command("show")
def show_command(
    control_risk: ControlRiskOption = "pooled", db: DbOption = DEFAULT_DB, json_output: JsonOption = False
) -> None:
    """The summary-of-findings table: participants, effects, certainty with its symbols and reasons.

    Example: cartsle grade show
    """
    graded = _graded(db, control_risk)
    if json_output:
        print_json(graded)
        return
    rows, notes = summary_of_findings(graded)
    print_table("Summary of findings", SOF_COLUMNS, rows)
    for note in notes:
        say(note, err=True)


@app.command("export")
def export_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The CSV file to write (GRADEpro's evidence-profile columns).")
    ],
    control_risk: ControlRiskOption = "pooled",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the GRADE evidence profile as CSV (GRADEpro documents no CSV import; these are its columns).

    Example: cartsle grade export --out grade_profile.csv
    """
    with review(db) as conn:
        graded = grade_review(conn, control_risk=control_risk)
    write_csv(out, PROFILE_COLUMNS, evidence_profile([item.to_dict() for item in graded]))
    say(f"wrote {out} ({len(graded)} outcomes)", err=True)
