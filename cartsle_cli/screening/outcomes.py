"""Where each record stands at each stage: the reviewers' current votes and what they decide.

A record's votes decide it once the required number of reviewers (``screen settings``; two by
default) have voted and agree; a resolution overrides the votes. At title/abstract a "maybe"
counts as include (the record goes on to full text, as in Covidence); at full text "maybe" decides
nothing, and two exclusions with different reasons are a conflict about the reason.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from operator import itemgetter
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


# A current row: the Vote's fields in its order, with the stored resolution (0 or 1).
_ROW = (
    "SELECT d.id, u.unit_id, d.record_id, d.stage, d.reviewer, d.decision, d.reason, d.note,"
    " d.decided_at, d.resolution FROM screening_decisions d JOIN record_units u ON u.record_id = d.record_id"
    " WHERE d.undone_at IS NULL ORDER BY d.id"
)
_VOTE_SLOT = itemgetter(1, 3, 9, 4)  # unit, stage, resolution, reviewer
_RESOLUTION_SLOT = itemgetter(1, 3)  # unit, stage: one slot for all resolutions


def current_rows(conn: sqlite3.Connection) -> list[tuple]:
    """The current votes and resolutions as plain rows (the fields of :class:`Vote`, resolution
    as stored), in row-id order; computed once per state of the review, so treat as read-only."""
    return _KEPT.get(conn, "rows", lambda: _current_rows(conn))


def _current_rows(conn: sqlite3.Connection) -> list[tuple]:
    """The rule is the view ``screening_current``'s (store/schema/share.sql): per unit, stage and
    reviewer (one slot for all resolutions) the live row latest by ``decided_at``, then by row id.
    The view ranks every row with a window function, which SQLite sorts: about 2 s of CPU at
    200,000 votes. Here the rows come in id order (no sort), a stable sort by time puts each
    slot's winner last, a dict built in C keeps the last row per slot, and the winners go back to
    id order (timsort on rows mostly in order already). ``tests/screening/test_current_votes.py``
    holds the two to the same rows.
    """
    rows = tuples(conn).execute(_ROW).fetchall()
    rows.sort(key=itemgetter(8))  # stable: rows of the same time stay in id order, the later last
    votes = [row for row in rows if row[9] != 1]
    resolutions = [row for row in rows if row[9] == 1]
    latest = dict(zip(map(_VOTE_SLOT, votes), votes))
    latest_resolutions = dict(zip(map(_RESOLUTION_SLOT, resolutions), resolutions))
    return sorted([*latest.values(), *latest_resolutions.values()])  # ids are unique: by id


def _all_current_votes(conn: sqlite3.Connection) -> dict[tuple[str, bool], list[Vote]]:
    """The current votes, split by stage and vote or resolution, in row-id order."""
    votes: dict[tuple[str, bool], list[Vote]] = {}
    new = tuple.__new__  # the named tuple built in C (Vote(...) and Vote._make run Python code)
    for row in current_rows(conn):
        vote = new(Vote, (*row[:9], bool(row[9])))
        votes.setdefault((vote.stage, vote.resolution), []).append(vote)
    return votes


class Result(NamedTuple):
    """Where a record stands at one stage, without its votes."""

    status: str  # FINAL, CONFLICT or PENDING
    decision: str | None  # when FINAL: the decision as it counts
    reason: str | None  # when FINAL: the exclusion's reason (a resolution's reason whatever it decided)

    @property
    def advances(self) -> bool:
        """Whether the record goes on to the next stage: finally included."""
        return self.status == FINAL and self.decision == "include"


_PENDING = Result(PENDING, None, None)
_CONFLICT = Result(CONFLICT, None, None)


# Where a Vote, and a row of current_rows, holds its decision and its reason.
_DECISION, _REASON = 5, 6


def result(stage: str, votes: Collection[tuple], resolution: tuple | None, required: int) -> Result:
    """The rule: the result of a record's current ``votes`` (one per reviewer, in row-id order)
    and ``resolution`` at ``stage`` when ``required`` reviewers must vote. Votes and resolution
    are :class:`Vote` objects or rows of :func:`current_rows`.

    A resolution decides. Fewer votes than required leave the record pending. Otherwise the votes
    decide when they agree (at title/abstract "maybe" counts as include), with the first vote's
    reason when they exclude (title/abstract reasons are kept, not counted); at full text "maybe"
    decides nothing and exclusions with different reasons are a conflict about the reason.
    """
    if resolution is not None:
        return _final(effective(resolution[_DECISION], stage), resolution[_REASON])
    if len(votes) < required:
        return _PENDING
    decision = reason = None
    reasons_differ = False
    for number, vote in enumerate(votes):
        this = vote[_DECISION]
        if stage == "ta" and this == "maybe":
            this = "include"
        if number == 0:
            decision, reason = this, vote[_REASON]
        elif this != decision:
            return _CONFLICT
        elif vote[_REASON] != reason:
            reasons_differ = True
    if decision == "maybe" or (decision == "exclude" and stage == "ft" and reasons_differ):
        return _CONFLICT
    return _final(decision, reason if decision == "exclude" else None)


_FINALS: dict[tuple[str | None, str | None], Result] = {}


def _final(decision: str | None, reason: str | None) -> Result:
    """One shared Result per decision and reason: a review has few, and 100,000 records."""
    found = _FINALS.get((decision, reason))
    if found is None:
        found = _FINALS[decision, reason] = Result(FINAL, decision, reason)
    return found


def stage_results(conn: sqlite3.Connection, stage: str) -> dict[int, Result]:
    """Every record that has reached ``stage`` with its result there, by unit id (in unit id
    order): :func:`stage_outcomes` without the votes, for the commands that only count.

    Computed once per state of the review; shared between callers, so treat as read-only.
    """
    return _KEPT.get(conn, ("results", stage), lambda: _stage_results(conn, stage))


def stage_units(conn: sqlite3.Connection, stage: str) -> list[int]:
    """The records that have reached ``stage``: every unique record at title/abstract, the ones
    that passed it at full text; in unit id order."""
    if stage == "ft":
        return [unit for unit, found in stage_results(conn, "ta").items() if found.advances]
    return unit_ids(conn)


def unit_votes(conn: sqlite3.Connection, stage: str) -> dict[int, list]:
    """Per unit with any current row at ``stage``: [its votes as rows by reviewer (in row-id
    order), its resolution's row or None]. Read-only, as :func:`current_rows`."""
    return _KEPT.get(conn, "unit votes", lambda: _unit_votes(conn)).get(stage, {})


def _unit_votes(conn: sqlite3.Connection) -> dict[str, dict[int, list]]:
    found: dict[str, dict[int, list]] = {stage: {} for stage in STAGES}
    for row in current_rows(conn):
        on_unit = found[row[3]]
        here = on_unit.get(row[1])
        if here is None:
            here = on_unit[row[1]] = [{}, None]
        if row[9]:  # a resolution: the latest in id order stays, as in the outcomes
            here[1] = row
        else:
            here[0][row[4]] = row
    return found


def _stage_results(conn: sqlite3.Connection, stage: str) -> dict[int, Result]:
    required = reviewers_required(conn)
    on_unit = unit_votes(conn, stage)
    results = {}
    for unit in stage_units(conn, stage):
        here = on_unit.get(unit)
        results[unit] = _PENDING if here is None else result(stage, here[0].values(), here[1], required)
    return results


def stage_outcomes(conn: sqlite3.Connection, stage: str) -> dict[int, Outcome]:
    """Every record that has reached ``stage``, with its outcome there, by unit id.

    Computed once per state of the review (see :class:`_UntilChanged`): the outcomes are shared
    between callers, so treat them as read-only.
    """
    return dict(_KEPT.get(conn, ("outcomes", stage), lambda: _stage_outcomes(conn, stage)))


def _stage_outcomes(conn: sqlite3.Connection, stage: str) -> dict[int, Outcome]:
    outcomes = {
        unit: Outcome(unit, stage, status, decision, reason)
        for unit, (status, decision, reason) in stage_results(conn, stage).items()
    }
    for vote in current_votes(conn, stage):
        outcome = outcomes.get(vote.unit_id)
        if outcome is not None:
            outcome.votes[vote.reviewer] = vote
    for vote in current_votes(conn, stage, resolutions=True):
        outcome = outcomes.get(vote.unit_id)
        if outcome is not None:
            outcome.resolution = vote
    return outcomes


def decide(outcome: Outcome, required: int) -> None:
    """Set the outcome's status and decision from its votes and resolution (:func:`result`)."""
    outcome.status, outcome.decision, outcome.reason = result(
        outcome.stage, outcome.votes.values(), outcome.resolution, required
    )


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
