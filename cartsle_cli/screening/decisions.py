"""Writing screening decisions: checking them, keeping every one as history, and undoing.

A decision is appended, never overwritten; the current vote is the latest live row (see
``outcomes``). Undo marks a row undone and leaves it in the history.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from cartsle_cli.dedup.removed import unit_of
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.outcomes import DECISIONS, STAGE_NAMES, STAGES, stage_outcomes, unblinded
from cartsle_cli.screening.settings import OTHER_REASON, reasons
from cartsle_cli.screening.studies import ensure_studies
from cartsle_cli.store.connection import require_transaction


@dataclass(frozen=True, slots=True)  # slots: a million-row decision file makes a million
class Decision:
    """One decision as asked for, before or after it is checked."""

    record_id: int
    stage: str
    reviewer: str
    decision: str
    reason: str | None = None
    note: str | None = None
    resolution: bool = False


class DecisionChecker:
    """Checks decisions against the review as it is: records, stages reached, reasons.

    Built once per command so a bulk import checks thousands of rows against two queries;
    call :meth:`refresh_stages` after writing title/abstract decisions that full-text rows rely on.
    """

    def __init__(self, conn: sqlite3.Connection, record_ids: list[int] | None = None) -> None:
        """``record_ids``: check only these records (one decision looks up one record, not all)."""
        self.conn = conn
        sql = "SELECT r.id, u.unit_id FROM active_records r JOIN record_units u ON u.record_id = r.id"
        if record_ids is not None:
            sql += f" WHERE r.id IN ({', '.join('?' * len(record_ids))})"
        rows = conn.execute(sql, record_ids or []).fetchall()
        self.unit_of: dict[int, int] = {row[0]: row[1] for row in rows}
        self.reasons = {label.casefold(): label for label in reasons(conn)}
        self.refresh_stages()

    def refresh_stages(self) -> None:
        self._reached_ft: set[int] | None = None

    @property
    def reached_ft(self) -> set[int]:
        """Records that have reached full text; computed when first needed (title/abstract
        decisions never need it, and it is the slow part of a single decision)."""
        if self._reached_ft is None:
            self._reached_ft = set(stage_outcomes(self.conn, "ft"))
        return self._reached_ft

    def unit(self, record_id: int, *, where: str | None = None) -> int:
        """The kept record of ``record_id``'s cluster, or an error for an unknown record."""
        if record_id not in self.unit_of:
            raise CartsleError(
                f"no record {record_id} in this review (removed searches do not count)",
                line=where,
                field="record_id",
            )
        return self.unit_of[record_id]

    def check(self, decision: Decision, *, where: str | None = None) -> Decision:
        """The decision made ready to store (kept record id, listed reason), or an error."""
        if not decision.reviewer or not decision.reviewer.strip():
            raise CartsleError(
                "who is deciding? give --reviewer NAME or set CARTSLE_REVIEWER", line=where, field="reviewer"
            )
        if decision.stage not in STAGES:
            raise CartsleError(f"stage must be ta or ft, not {decision.stage!r}", line=where, field="stage")
        if decision.decision not in DECISIONS:
            raise CartsleError(
                f"decision must be include, exclude or maybe, not {decision.decision!r}",
                line=where,
                field="decision",
            )
        if decision.resolution and decision.decision == "maybe":
            raise CartsleError(
                "a resolution must include or exclude, not maybe", line=where, field="decision"
            )
        unit = self.unit(decision.record_id, where=where)
        if decision.stage == "ft" and unit not in self.reached_ft:
            raise CartsleError(
                f"record {decision.record_id} has not reached full text: it needs a final include or maybe at title/abstract",
                line=where,
                field="stage",
            )
        reason = self._reason(decision, where)
        note = (decision.note or "").strip() or None
        if decision.stage == "ft" and reason == OTHER_REASON and not note:
            raise CartsleError("the reason 'other' needs a note saying what it is", line=where, field="note")
        return Decision(
            unit,
            decision.stage,
            decision.reviewer.strip(),
            decision.decision,
            reason,
            note,
            decision.resolution,
        )

    def _reason(self, decision: Decision, where: str | None) -> str | None:
        reason = " ".join((decision.reason or "").split()) or None
        if decision.decision != "exclude":
            return None
        if decision.stage == "ta":
            return reason  # optional at title/abstract, free text (Rayyan's own reasons pass through)
        if reason is None:
            raise CartsleError(
                f"an exclusion at full text needs a reason: one of {', '.join(self.reasons.values())}",
                line=where,
                field="reason",
            )
        if reason.casefold() not in self.reasons:
            raise CartsleError(
                f"{reason!r} is not one of this review's reasons; add it with `cartsle screen reasons add`",
                line=where,
                field="reason",
            )
        return self.reasons[reason.casefold()]


def decision_time() -> str:
    """Now, to the microsecond: two commands in one second stay in the order they ran, when two
    copies' decisions are merged and listed by time (:data:`HISTORY_ORDER`). Sorts with the
    second-precision times of older reviews ('+' sorts before '.')."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def store_decisions(conn: sqlite3.Connection, decisions: list[Decision], *, source: str) -> None:
    """Append checked decisions; the caller holds the transaction."""
    require_transaction(conn)
    now = decision_time()
    conn.executemany(
        "INSERT INTO screening_decisions (record_id, stage, reviewer, decision, reason, note, resolution, source, decided_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (d.record_id, d.stage, d.reviewer, d.decision, d.reason, d.note, int(d.resolution), source, now)
            for d in decisions
        ],
    )


def record_decision(conn: sqlite3.Connection, decision: Decision, *, source: str = "screen") -> Decision:
    """Check and store one decision (a vote, or a resolution); the caller holds the transaction."""
    require_transaction(conn)
    checked = DecisionChecker(conn, [decision.record_id]).check(decision)
    store_decisions(conn, [checked], source=source)
    if checked.stage == "ft":  # only a full-text decision can make a new include
        ensure_studies(conn)
    return checked


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    record_id: int
    stage: str
    reviewer: str
    decision: str
    reason: str | None
    note: str | None
    resolution: bool
    source: str | None
    decided_at: str
    undone_at: str | None
    event_id: str | None  # the same in every copy of the review; ``id`` is this file's row


_HISTORY_SELECT = (
    "SELECT d.id, d.record_id, d.stage, d.reviewer, d.decision, d.reason, d.note, d.resolution, d.source,"
    " d.decided_at, d.undone_at, d.event_id FROM screening_decisions d"
)

# Oldest first by the time a decision was given, not by row id: a merge appends a copy's votes
# after the rows already here, so row ids depend on the order copies were merged in. Decisions
# given at the same time (one file of votes, stored at one time) are ordered by reviewer, then as
# that reviewer made them (a merge keeps a copy's order, and a reviewer's rows come from their own
# copy), so two merge orders list the same history. Undo and the current vote (the view
# ``screening_current``) take the latest by time too.
HISTORY_ORDER = "d.decided_at, d.reviewer, d.id"


def _entry(row: sqlite3.Row) -> HistoryEntry:
    values = list(row)
    values[7] = bool(values[7])
    return HistoryEntry(*values)


def history(
    conn: sqlite3.Connection,
    *,
    record_id: int | None = None,
    reviewer: str | None = None,
    blind_for: str | None = None,
) -> list[HistoryEntry]:
    """Every decision, oldest first (:data:`HISTORY_ORDER`); for one record its whole cluster's, for
    one reviewer only theirs.

    ``blind_for``: what that reviewer may see, their own decisions and others' only where
    :func:`outcomes.unblinded` allows.
    """
    where: list[str] = []
    params: list[int | str] = []
    checker = DecisionChecker(conn) if record_id is not None or blind_for else None
    if record_id is not None:
        assert checker is not None  # made above whenever a record or a blind reviewer is given
        unit = checker.unit(record_id)
        where.append(f"{unit_of('d.record_id')} = ?")
        params.append(unit)
    if reviewer is not None:
        where.append("d.reviewer = ?")
        params.append(reviewer)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    entries = [
        _entry(row) for row in conn.execute(f"{_HISTORY_SELECT}{clause} ORDER BY {HISTORY_ORDER}", params)
    ]
    if blind_for:
        assert checker is not None
        seen = unblinded(conn, blind_for)
        entries = [
            e
            for e in entries
            if e.reviewer == blind_for or (checker.unit_of.get(e.record_id, e.record_id), e.stage) in seen
        ]
    return entries


def undo_last(conn: sqlite3.Connection, reviewer: str, *, stage: str | None = None) -> HistoryEntry:
    """Mark the reviewer's latest live decision (at ``stage`` if given) undone; caller holds the transaction.

    Latest by the time it was given, as the current vote is: after a merge the highest row id may
    be an older vote from a copy."""
    require_transaction(conn)
    if not reviewer:
        raise CartsleError("whose decision? give --reviewer NAME or set CARTSLE_REVIEWER", field="reviewer")
    clause = " AND d.stage = ?" if stage else ""
    params = [reviewer, stage] if stage else [reviewer]
    row = conn.execute(
        f"{_HISTORY_SELECT} WHERE d.reviewer = ? AND d.undone_at IS NULL{clause}"
        " ORDER BY d.decided_at DESC, d.id DESC LIMIT 1",
        params,
    ).fetchone()
    if row is None:
        where = f" at {STAGE_NAMES[stage]}" if stage else ""
        raise CartsleError(f"{reviewer} has no decision{where} to undo")
    conn.execute("UPDATE screening_decisions SET undone_at = ? WHERE id = ?", (decision_time(), row["id"]))
    return _entry(row)
