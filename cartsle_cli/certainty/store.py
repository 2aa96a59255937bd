"""The reviewers' GRADE judgements: appended with their history, the latest current.

A judgement takes 0, 1 or 2 levels off one outcome's certainty for one domain, with its reason;
a downgrade without a reason is refused (and the schema refuses to store one).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from cartsle_cli.certainty.suggest import DOMAINS
from cartsle_cli.errors import CartsleError
from cartsle_cli.store.searches import now_utc


@dataclass(frozen=True)
class GradeJudgement:
    id: int
    outcome: str
    domain: str
    levels: int
    suggested: int | None
    reason: str | None
    reviewer: str
    decided_at: str


def record_judgement(
    conn: sqlite3.Connection,
    *,
    outcome: str,
    domain: str,
    levels: int,
    reason: str | None,
    reviewer: str | None,
    outcomes: Collection[str],
    suggested: int | None = None,
) -> GradeJudgement:
    """Check and append one judgement; the caller holds the transaction."""
    if not reviewer or not reviewer.strip():
        raise CartsleError("who is judging? give --reviewer NAME or set CARTSLE_REVIEWER", field="--reviewer")
    if outcome not in outcomes:
        known = ", ".join(sorted(outcomes)) or "none yet: pool the review first"
        raise CartsleError(f"{outcome!r} is not a pooled outcome: one of {known}", field="outcome")
    if domain not in DOMAINS:
        raise CartsleError(f"{domain!r} is not a GRADE domain: one of {', '.join(DOMAINS)}", field="--domain")
    if levels not in (0, 1, 2):
        raise CartsleError("a domain takes 0, 1 or 2 levels off the certainty", field="--levels")
    text = " ".join((reason or "").split()) or None
    if levels > 0 and text is None:
        raise CartsleError(
            f"rating {DOMAINS[domain].lower()} down needs its reason: give --reason", field="--reason"
        )
    now = now_utc()
    row_id = conn.execute(
        "INSERT INTO grade_judgements (outcome, domain, levels, suggested, reason, reviewer, decided_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (outcome, domain, levels, suggested, text, reviewer.strip(), now),
    ).lastrowid
    assert row_id is not None  # an INSERT always sets lastrowid
    return GradeJudgement(row_id, outcome, domain, levels, suggested, text, reviewer.strip(), now)


def grade_history(conn: sqlite3.Connection, outcome: str | None = None) -> list[GradeJudgement]:
    clause, params = (" WHERE outcome = ?", [outcome]) if outcome else ("", [])
    rows = conn.execute(
        "SELECT id, outcome, domain, levels, suggested, reason, reviewer, decided_at FROM grade_judgements"
        f"{clause} ORDER BY decided_at, id",
        params,
    ).fetchall()
    return [GradeJudgement(*row) for row in rows]


def current_judgements(conn: sqlite3.Connection) -> dict[tuple[str, str], GradeJudgement]:
    return {(j.outcome, j.domain): j for j in grade_history(conn)}


def record_comment(conn: sqlite3.Connection, outcome: str, comment: str, reviewer: str | None) -> None:
    if not reviewer or not reviewer.strip():
        raise CartsleError("who is commenting? give --reviewer NAME", field="--reviewer")
    conn.execute(
        "INSERT INTO grade_comments (outcome, comment, reviewer, noted_at) VALUES (?, ?, ?, ?)",
        (outcome, " ".join(comment.split()), reviewer.strip(), now_utc()),
    )


def current_comments(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        row[0]: row[1]
        for row in conn.execute("SELECT outcome, comment FROM grade_comments ORDER BY noted_at, id")
    }
