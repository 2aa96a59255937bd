"""Where each record stands at each stage: the reviewers' current votes and what they decide.

A record's votes decide it once the required number of reviewers (``screen settings``; two by
default) have voted and agree; a resolution overrides the votes. At title/abstract a "maybe"
counts as include (the record goes on to full text, as in Covidence); at full text "maybe" decides
nothing, and two exclusions with different reasons are a conflict about the reason.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cartsle_cli.gc_pause import cyclic_gc_paused
from cartsle_cli.screening.settings import reviewers_required

STAGES = ("ta", "ft")
STAGE_NAMES = {"ta": "title/abstract", "ft": "full text"}
DECISIONS = ("include", "exclude", "maybe")

FINAL, CONFLICT, PENDING = "final", "conflict", "pending"


class Vote(NamedTuple):
    """One current vote or resolution. A named tuple rather than a frozen dataclass: a review of
    100,000 records has 200,000 of them, and a frozen dataclass takes five times as long to build
    (0.7 s of a command's 2)."""

    id: int
    unit_id: int  # the kept record of the cluster
    record_id: int  # the record the decision was written against
    stage: str
    reviewer: str
    decision: str
    reason: str | None
    note: str | None
    decided_at: str
    resolution: bool


@dataclass
class Outcome:
    """A record at one stage: its current votes, any resolution, and the result."""

    unit_id: int
    stage: str
    status: str  # FINAL, CONFLICT or PENDING
    decision: str | None = None  # when FINAL: "include" or "exclude"
    reason: str | None = None  # when FINAL and excluded
    votes: dict[str, Vote] = field(default_factory=dict)
    resolution: Vote | None = None

    @property
    def advances(self) -> bool:
        return self.status == FINAL and self.decision == "include"


def awaits(outcome: Outcome, reviewer: str, required: int) -> bool:
    """Whether the record is still for ``reviewer`` to screen: not voted on by them, not resolved,
    and fewer than the required reviewers have voted (as in Covidence, it then leaves the queues)."""
    return reviewer not in outcome.votes and outcome.resolution is None and len(outcome.votes) < required


def effective(decision: str, stage: str) -> str:
    """The decision as it counts: at title/abstract "maybe" counts as include."""
    return "include" if stage == "ta" and decision == "maybe" else decision


def unit_ids(conn: sqlite3.Connection) -> list[int]:
    """Ids of the unique records (kept record of each cluster), the things screened."""
    return [row[0] for row in tuples(conn).execute("SELECT id FROM unique_records ORDER BY id")]


def tuples(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor of plain tuples: the review's connection makes ``sqlite3.Row`` objects, which
    cost twice as much to build for the hundreds of thousands of rows a count reads."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor


class _UntilChanged:
    """Values computed from a review, kept until the review changes.

    One command asks for the stage outcomes many times (PRISMA, status, studies, agreement and
    the report each need them); at 100,000 records each computation takes seconds. A value is
    kept for one connection while neither it (``total_changes``) nor another connection
    (``PRAGMA data_version``) has written since, so a write is always seen at once. Each value
    is computed with the cycle collector paused (:func:`cyclic_gc_paused`).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._state: tuple[int, int] | None = None
        self._values: dict[Any, Any] = {}

    def get(self, conn: sqlite3.Connection, name: Any, compute: Callable[[], Any]) -> Any:
        state = (conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0])
        with self._lock:
            if self._conn is not conn or self._state != state:
                self._conn, self._state, self._values = conn, state, {}
            values = self._values
            if name in values:
                return values[name]
        with cyclic_gc_paused():
            value = values[name] = compute()
        return value


_KEPT = _UntilChanged()


def until_changed(conn: sqlite3.Connection, name: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, or the value it gave for ``name`` if the review has not changed since."""
    return _KEPT.get(conn, name, compute)


def current_votes(conn: sqlite3.Connection, stage: str, *, resolutions: bool = False) -> list[Vote]:
    """Each reviewer's latest live vote per record at ``stage``; with ``resolutions``, the latest
    live resolution per record instead."""
    return list(_KEPT.get(conn, "votes", lambda: _all_current_votes(conn)).get((stage, resolutions), []))


def _all_current_votes(conn: sqlite3.Connection) -> dict[tuple[str, bool], list[Vote]]:
    """The current votes, split by stage and vote or resolution, in row-id order.

    The rule is the view ``screening_current``'s (store/schema/share.sql): per unit, stage and
    reviewer (one slot for all resolutions) the live row latest by ``decided_at``, then by row id.
    The view ranks every row with a window function, which SQLite sorts (and at 3.40 reads through
    the event-id index, in random order): about 2 s of CPU at 200,000 votes, against a tenth of
    that for one scan of the table in row-id order, keeping the latest row per slot here.
    ``tests/screening/test_current_votes.py`` holds the two to the same rows.
    """
    units = dict(tuples(conn).execute("SELECT record_id, unit_id FROM record_units"))
    latest: dict[tuple, tuple] = {}
    for row in tuples(conn).execute(
        "SELECT id, record_id, stage, reviewer, decision, reason, note, decided_at, resolution"
        " FROM screening_decisions WHERE undone_at IS NULL ORDER BY id"
    ):
        unit = units.get(row[1])
        if unit is None:  # no such record: the view's join leaves the row out
            continue
        slot = (unit, row[2], row[8], "" if row[8] == 1 else row[3])
        kept = latest.get(slot)
        if kept is None:
            latest[slot] = row
        elif row[7] >= kept[7]:  # rows come by ascending id: on equal times the later row wins
            # moved to the end as it takes the later row: the slots stay in their rows' id order
            del latest[slot]
            latest[slot] = row
    votes: dict[tuple[str, bool], list[Vote]] = {}
    new = tuple.__new__  # the named tuple built in C (Vote(...) and Vote._make run Python code)
    for (unit, stage, resolution, _), row in latest.items():
        vote = new(
            Vote, (row[0], unit, row[1], stage, row[3], row[4], row[5], row[6], row[7], bool(resolution))
        )
        votes.setdefault((stage, vote.resolution), []).append(vote)
    return votes


def stage_outcomes(conn: sqlite3.Connection, stage: str) -> dict[int, Outcome]:
    """Every record that has reached ``stage``, with its outcome there, by unit id.

    Computed once per state of the review (see :class:`_UntilChanged`): the outcomes are shared
    between callers, so treat them as read-only.
    """
    return dict(_KEPT.get(conn, ("outcomes", stage), lambda: _stage_outcomes(conn, stage)))


def _stage_outcomes(conn: sqlite3.Connection, stage: str) -> dict[int, Outcome]:
    if stage == "ft":  # the records that passed title/abstract, in unit id order as there
        ta = _KEPT.get(conn, ("outcomes", "ta"), lambda: _stage_outcomes(conn, "ta"))
        units = [unit for unit, outcome in ta.items() if outcome.advances]
    else:
        units = unit_ids(conn)
    outcomes = {unit: Outcome(unit, stage, PENDING) for unit in units}
    for vote in current_votes(conn, stage):
        outcome = outcomes.get(vote.unit_id)
        if outcome is not None:
            outcome.votes[vote.reviewer] = vote
    for vote in current_votes(conn, stage, resolutions=True):
        outcome = outcomes.get(vote.unit_id)
        if outcome is not None:
            outcome.resolution = vote
    required = reviewers_required(conn)
    for outcome in outcomes.values():
        if outcome.resolution is not None or len(outcome.votes) >= required:  # else still pending
            decide(outcome, required)
    return outcomes


def decide(outcome: Outcome, required: int) -> None:
    """Set the outcome's status and decision from its votes and resolution.

    One pass over the votes (this runs once per record, 100,000 times in a large review). At
    title/abstract, excludes that agree give the first vote's reason when their reasons differ
    (title/abstract reasons are kept, not counted).
    """
    stage = outcome.stage
    resolution = outcome.resolution
    if resolution is not None:
        outcome.status = FINAL
        outcome.decision = effective(resolution.decision, stage)
        outcome.reason = resolution.reason
        return
    votes = outcome.votes
    if len(votes) < required:
        outcome.status = PENDING
        return
    decision = reason = None
    reasons_differ = False
    for number, vote in enumerate(votes.values()):
        this = "include" if stage == "ta" and vote.decision == "maybe" else vote.decision
        if number == 0:
            decision, reason = this, vote.reason
        elif this != decision:
            outcome.status = CONFLICT
            return
        elif vote.reason != reason:
            reasons_differ = True
    if decision == "maybe" or (decision == "exclude" and stage == "ft" and reasons_differ):
        outcome.status = CONFLICT
        return
    outcome.status = FINAL
    outcome.decision = decision
    outcome.reason = reason if decision == "exclude" else None


def conflicts(conn: sqlite3.Connection, stage: str) -> list[Outcome]:
    """Records whose votes disagree (or are all "maybe" at full text) and have no resolution."""
    return [outcome for outcome in stage_outcomes(conn, stage).values() if outcome.status == CONFLICT]


def unblinded(conn: sqlite3.Connection, reviewer: str) -> set[tuple[int, str]]:
    """(unit, stage) pairs where ``reviewer`` may see the other votes: they have voted and so has
    every required reviewer (or a resolution settled it). Elsewhere screening stays blind."""
    return {
        (unit, stage)
        for stage in STAGES
        for unit, outcome in stage_outcomes(conn, stage).items()
        if reviewer in outcome.votes and outcome.status != PENDING
    }
