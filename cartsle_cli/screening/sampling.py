"""The switch to random sampling, and where a reviewer stands against the stopping rules.

At title/abstract a reviewer screens in the model's order; when they choose (a key in the screen,
or `cartsle screen sample`), they switch to screening the rest in a random order. The switch is
recorded (in ``screening_settings``, one row per reviewer) with what the test needs: the records
still in the reviewer's queue (the population the sample is drawn from) and the includes found
before it. From then on the hypergeometric test of :mod:`screening.ranking.recall_test` reports
whether recall >= target holds at the chosen confidence; the SAFE-style heuristic is reported
beside it. Both are advice: nothing stops the reviewer.

The sample is the records the reviewer who switched screened since the switch (their random
draws), each counted once by its current decision, whoever made it: resolved, or agreed by the
required reviewers; a record still undecided (a second vote missing, or the votes disagree) counts
as an include if any vote on it does, the cautious reading, since an include found in the sample
can only make recall look lower. Records imported after the switch are not part of the sample's
population.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.outcomes import (
    FINAL,
    Outcome,
    Vote,
    awaits,
    current_votes,
    decide,
    effective,
    stage_outcomes,
)
from cartsle_cli.screening.ranking.recall_test import RecallTest, check_target, recall_test
from cartsle_cli.screening.ranking.stopping import StoppingAdvice, stopping_advice
from cartsle_cli.screening.settings import reviewers_required
from cartsle_cli.store.searches import now_utc

_KEY = "random_sample:ta:"


@dataclass(frozen=True)
class SampleStart:
    reviewer: str
    started_at: str
    after_decision: int  # the last decision id before the switch
    population: int  # records in the reviewer's queue at the switch
    includes_before: int  # the reviewer's title/abstract includes (maybe counts) before the switch


@dataclass(frozen=True)
class StoppingState:
    reviewer: str
    heuristic: StoppingAdvice
    sample: SampleStart | None
    test: RecallTest | None  # None until the reviewer has switched to random sampling

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        if self.test is None:
            return "stopping test: not started (switch to random sampling to test recall)"
        return self.test.message()


def sample_start(conn: sqlite3.Connection, reviewer: str) -> SampleStart | None:
    row = conn.execute("SELECT value FROM screening_settings WHERE name = ?", (_KEY + reviewer,)).fetchone()
    return SampleStart(**json.loads(row[0])) if row else None


def start_random_sample(conn: sqlite3.Connection, reviewer: str) -> SampleStart:
    """Record the switch to random sampling for ``reviewer``; the caller holds the transaction."""
    if not reviewer or not reviewer.strip():
        raise CartsleError("who is screening? give --reviewer NAME or set CARTSLE_REVIEWER", field="reviewer")
    if sample_start(conn, reviewer) is not None:
        raise CartsleError(f"{reviewer} already screens a random sample at title/abstract")
    outcomes = stage_outcomes(conn, "ta").values()
    required = reviewers_required(conn)
    population = sum(1 for o in outcomes if awaits(o, reviewer, required))
    if population == 0:
        raise CartsleError(f"nothing left in {reviewer}'s title/abstract queue to sample")
    includes = sum(
        1
        for o in outcomes
        if reviewer in o.votes and effective(o.votes[reviewer].decision, "ta") == "include"
    )
    last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM screening_decisions").fetchone()[0]
    start = SampleStart(reviewer, now_utc(), int(last), population, includes)
    conn.execute(
        "INSERT INTO screening_settings (name, value) VALUES (?, ?)",
        (_KEY + reviewer, json.dumps(asdict(start))),
    )
    return start


def sample_labels(conn: sqlite3.Connection, start: SampleStart) -> list[int]:
    """The records the reviewer screened since the switch that were in their queue at it, in the
    order decided, each once: 1 when it counts as an include (see the module), 0 otherwise."""
    votes = current_votes(conn, "ta")
    drawn = [
        vote.unit_id for vote in votes if vote.reviewer == start.reviewer and vote.id > start.after_decision
    ]  # current_votes is in id order, one vote per reviewer and record
    before = _screened_before(conn, start)
    drawn = [unit for unit in dict.fromkeys(drawn) if unit not in before]
    wanted = set(drawn)
    on_unit: dict[int, list[Vote]] = {}
    for vote in votes:
        if vote.unit_id in wanted:
            on_unit.setdefault(vote.unit_id, []).append(vote)
    resolutions = {
        vote.unit_id: vote for vote in current_votes(conn, "ta", resolutions=True) if vote.unit_id in wanted
    }
    required = reviewers_required(conn)
    return [counted(_outcome(unit, on_unit.get(unit, []), resolutions.get(unit), required)) for unit in drawn]


def sample_label(conn: sqlite3.Connection, unit: int) -> int:
    """:func:`sample_labels`' count for one record just screened in the sample (one indexed query,
    for the screen's key press): its current decision, whoever made it."""
    rows = conn.execute(
        "SELECT id, record_id, reviewer, decision, reason, note, decided_at, resolution"
        " FROM screening_decisions WHERE stage = 'ta' AND undone_at IS NULL AND (record_id = ? OR"
        " record_id IN (SELECT record_id FROM record_clusters WHERE cluster_id = ?))"
        " ORDER BY decided_at, id",
        (unit, unit),
    ).fetchall()
    latest: dict[tuple[bool, str], Vote] = {}  # later rows win: each reviewer's latest, the latest resolution
    for row in rows:
        vote = Vote(row[0], unit, row[1], "ta", row[2], row[3], row[4], row[5], row[6], bool(row[7]))
        latest[(vote.resolution, "" if vote.resolution else vote.reviewer)] = vote
    votes = [vote for (resolution, _), vote in latest.items() if not resolution]
    return counted(_outcome(unit, votes, latest.get((True, "")), reviewers_required(conn)))


def counted(outcome: Outcome) -> int:
    """1 when a sampled record counts as an include: its decision once final, else any include vote."""
    if outcome.status == FINAL:
        return int(outcome.decision == "include")
    return int(any(effective(vote.decision, "ta") == "include" for vote in outcome.votes.values()))


def _outcome(unit: int, votes: list[Vote], resolution: Vote | None, required: int) -> Outcome:
    outcome = Outcome(
        unit, "ta", "pending", votes={vote.reviewer: vote for vote in votes}, resolution=resolution
    )
    decide(outcome, required)
    return outcome


def _screened_before(conn: sqlite3.Connection, start: SampleStart) -> set[int]:
    """Records the reviewer had voted on at the switch (a later change of vote is not a draw)."""
    return {
        row[0]
        for row in conn.execute(
            "SELECT COALESCE(c.cluster_id, d.record_id) FROM screening_decisions d"
            " LEFT JOIN record_clusters c ON c.record_id = d.record_id"
            " WHERE d.stage = 'ta' AND d.resolution = 0 AND d.reviewer = ? AND d.id <= ?"
            " AND (d.undone_at IS NULL OR d.undone_at >= ?)",
            (start.reviewer, start.after_decision, start.started_at),
        )
    }


def decisions_in_order(conn: sqlite3.Connection, reviewer: str) -> list[int]:
    """The reviewer's current title/abstract votes, 1 include (or maybe) / 0 exclude, in order."""
    rows = conn.execute(
        "SELECT decision FROM screening_current WHERE stage = 'ta' AND resolution = 0 AND reviewer = ? ORDER BY id",
        (reviewer,),
    )
    return [int(effective(row[0], "ta") == "include") for row in rows]


def stopping_state(
    conn: sqlite3.Connection,
    reviewer: str,
    *,
    total_records: int | None = None,
    target: float = 0.95,
    confidence: float = 0.95,
) -> StoppingState:
    check_target(target, confidence)
    if total_records is None:
        total_records = len(stage_outcomes(conn, "ta"))
    heuristic = stopping_advice(decisions_in_order(conn, reviewer), total_records)
    start = sample_start(conn, reviewer)
    test = None
    if start is not None:
        sample = sample_labels(conn, start)[: start.population]
        test = recall_test(
            start.includes_before, start.population, sample, target=target, confidence=confidence
        )
    return StoppingState(reviewer, heuristic, start, test)
