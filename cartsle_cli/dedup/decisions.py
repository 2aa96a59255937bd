"""A person's decisions on pairs of records: stored with their history, the latest one wins."""

from __future__ import annotations

import sqlite3

from cartsle_cli.errors import CartsleError
from cartsle_cli.store.connection import require_transaction
from cartsle_cli.store.searches import now_utc

DECISIONS = ("same", "different")


def record_decision(
    conn: sqlite3.Connection,
    record_id: int,
    other_record_id: int,
    decision: str,
    *,
    reviewer: str | None,
    how: str,
) -> None:
    """Store one decision on a pair; the caller holds the transaction and rebuilds the clusters."""
    require_transaction(conn)
    if decision not in DECISIONS:
        raise CartsleError(
            f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}", field="decision"
        )
    if record_id == other_record_id:
        raise CartsleError(f"a record is always the same as itself (record {record_id})")
    a, b = sorted((record_id, other_record_id))
    for record in (a, b):
        if conn.execute("SELECT 1 FROM active_records WHERE id = ?", (record,)).fetchone() is None:
            raise CartsleError(f"no record {record} among the active records")
    conn.execute(
        "INSERT INTO dedup_decisions (record_id, other_record_id, decision, reviewer, decided_at, how)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (a, b, decision, reviewer, now_utc(), how),
    )


def latest_decisions(conn: sqlite3.Connection) -> dict[tuple[int, int], str]:
    """Each decided pair ``(smaller id, larger id)`` with its latest decision: latest by the time it
    was made (then row id), so decisions merged from copies of the review count in any order."""
    rows = conn.execute(
        "SELECT record_id, other_record_id, decision FROM dedup_decisions ORDER BY decided_at, id"
    )
    return {(row[0], row[1]): row[2] for row in rows}
