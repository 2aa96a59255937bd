"""The checked decisions of one bulk import, held by SQLite rather than by Python.

A decision file can hold a million rows. Kept as Python objects - a list of decisions, a dict of
every current vote to tell which rows change something - they took 1.7 GB, then 524 MB. Here
each checked row goes, in chunks of :data:`CHUNK` through ``executemany``, into a TEMP table
(file order kept as its row id); what the rows change is then worked out by SQLite in one pass
over it, and the changes are copied into ``screening_decisions`` with one ``INSERT ... SELECT``.

"Changes something" keeps the rule it had: a row is stored unless it repeats the decision, reason
and note of the decision before it on the same record, stage and reviewer (the latest earlier row
of the file, else the reviewer's current decision in the review); a resolution replaces any
earlier resolution, whoever made it. A stored row is "new" when it is the first of its key and
the review had none, else "changed".

Event ids are given here, not by the insert trigger: one random prefix per call and the row's
number (``<16 hex>`` + ``<16 hex>``, the 32 hex characters of the trigger's ids), so a million
ids land next to each other in the unique index instead of at a million random places.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections import Counter

from cartsle_cli.screening.decisions import Decision
from cartsle_cli.store.connection import require_transaction

CHUNK = 20_000  # rows per executemany: a few MB of tuples at a time

_CREATE = (
    "CREATE TEMP TABLE IF NOT EXISTS staged_decisions (n INTEGER PRIMARY KEY, record_id INTEGER NOT NULL,"
    " stage TEXT NOT NULL, reviewer TEXT NOT NULL, decision TEXT NOT NULL, reason TEXT, note TEXT,"
    " resolution INTEGER NOT NULL)"
)
_CREATE_FLAGS = (
    "CREATE TEMP TABLE IF NOT EXISTS staged_flags (n INTEGER PRIMARY KEY, changes INTEGER, new INTEGER)"
)
_STAGE = (
    "INSERT INTO temp.staged_decisions (record_id, stage, reviewer, decision, reason, note, resolution)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_WHO = "CASE WHEN resolution = 1 THEN '' ELSE reviewer END"  # all resolutions of a record share a key
# Each staged row against the row before it of its key, or (the first of its key) the current one.
_CHANGES = f"""
WITH now AS (
    SELECT unit_id, stage, resolution, {_WHO} AS who, decision, reason, note FROM main.screening_current
), rows AS (
    SELECT n, record_id, stage, resolution, {_WHO} AS who, decision, reason, note,
           LAG(decision) OVER key AS d0, LAG(reason) OVER key AS r0, LAG(note) OVER key AS n0,
           ROW_NUMBER() OVER key AS k
    FROM temp.staged_decisions
    WINDOW key AS (PARTITION BY record_id, stage, resolution, {_WHO} ORDER BY n)
)
INSERT INTO temp.staged_flags (n, changes, new)
SELECT rows.n,
       CASE WHEN rows.k > 1
            THEN NOT (rows.decision IS rows.d0 AND rows.reason IS rows.r0 AND rows.note IS rows.n0)
            ELSE now.decision IS NULL
                 OR NOT (rows.decision IS now.decision AND rows.reason IS now.reason AND rows.note IS now.note)
       END,
       rows.k = 1 AND now.decision IS NULL
FROM rows LEFT JOIN now ON now.unit_id = rows.record_id AND now.stage = rows.stage
     AND now.resolution = rows.resolution AND now.who = rows.who
"""


class StagedDecisions:
    """Checked decisions of one pass (title/abstract, then full text), staged until :meth:`store`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute(_CREATE)
        conn.execute(_CREATE_FLAGS)
        self._clear()
        self._chunk: list[tuple] = []

    def add(self, decision: Decision) -> None:
        self._chunk.append(
            (
                decision.record_id,
                decision.stage,
                decision.reviewer,
                decision.decision,
                decision.reason,
                decision.note,
                int(decision.resolution),
            )
        )
        if len(self._chunk) >= CHUNK:
            self._flush()

    def _clear(self) -> None:
        self.conn.execute("DELETE FROM temp.staged_decisions")
        self.conn.execute("DELETE FROM temp.staged_flags")

    def _flush(self) -> None:
        self.conn.executemany(_STAGE, self._chunk)
        self._chunk.clear()

    def store(self, *, source: str, decided_at: str) -> tuple[int, int, int, Counter]:
        """Store the rows that change something; the caller holds the transaction.

        Returns the numbers of new, changed and unchanged rows, and the stored rows by
        "stage decision" (with " (resolution)")."""
        require_transaction(self.conn)
        self._flush()
        conn = self.conn
        conn.execute(_CHANGES)
        conn.execute(
            "INSERT INTO main.screening_decisions (record_id, stage, reviewer, decision, reason, note,"
            " resolution, source, decided_at, event_id)"
            " SELECT d.record_id, d.stage, d.reviewer, d.decision, d.reason, d.note, d.resolution, ?, ?,"
            " ? || printf('%016x', d.n) FROM temp.staged_decisions d JOIN temp.staged_flags f ON f.n = d.n"
            " WHERE f.changes ORDER BY d.n",
            (source, decided_at, secrets.token_hex(8)),
        )
        new, changed, unchanged = conn.execute(
            "SELECT total(changes AND new), total(changes AND NOT new), total(NOT changes) FROM temp.staged_flags"
        ).fetchone()
        counts: Counter = Counter()
        for stage, decision, resolution, count in conn.execute(
            "SELECT d.stage, d.decision, d.resolution, count(*) FROM temp.staged_decisions d"
            " JOIN temp.staged_flags f ON f.n = d.n WHERE f.changes GROUP BY d.stage, d.decision, d.resolution"
        ):
            counts[f"{stage} {decision}{' (resolution)' if resolution else ''}"] += count
        self._clear()
        return int(new), int(changed), int(unchanged), counts
