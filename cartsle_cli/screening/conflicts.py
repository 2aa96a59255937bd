"""Conflicts as a lead resolves them: the record (title, year, first author) beside every vote.

A conflict is a record whose current votes at a stage disagree and that no resolution has settled
(``outcomes.conflicts``). ``conflict_file_rows`` writes them as a CSV that `screen resolve --file`
reads back: the record's id, stage and its details and votes for the lead to read, and empty
``decision``, ``reason``, ``note`` and ``reviewer`` cells for the lead to fill. Rows left without a
decision are skipped on the way back in, so a lead can resolve some now and the rest later.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cartsle_cli.screening.outcomes import STAGES, Vote, conflicts
from cartsle_cli.screening.queue import load_records


@dataclass(frozen=True)
class ConflictVote:
    reviewer: str
    decision: str
    reason: str | None
    note: str | None

    def describe(self) -> str:
        """ "kofi: exclude (wrong population)" - what the lead reads of one vote."""
        return f"{self.reviewer}: {self.decision}" + (f" ({self.reason})" if self.reason else "")


@dataclass(frozen=True)
class Conflict:
    record_id: int  # the kept record of the cluster
    stage: str
    title: str
    year: int | None
    first_author: str | None  # as the record gives it, "Family, Given"
    votes: list[ConflictVote]  # by reviewer name

    def to_dict(self) -> dict:
        return {
            "record_id": self.record_id,
            "stage": self.stage,
            "title": self.title,
            "year": self.year,
            "first_author": self.first_author,
            "votes": {
                vote.reviewer: {"decision": vote.decision, "reason": vote.reason, "note": vote.note}
                for vote in self.votes
            },
        }


def _vote(vote: Vote) -> ConflictVote:
    return ConflictVote(vote.reviewer, vote.decision, vote.reason, vote.note)


def list_conflicts(conn: sqlite3.Connection, stages: tuple[str, ...] = STAGES) -> list[Conflict]:
    """Every unresolved conflict at ``stages``, title/abstract first, by record id."""
    found = [outcome for stage in stages for outcome in conflicts(conn, stage)]
    records = load_records(conn, sorted({outcome.unit_id for outcome in found}))
    result = []
    for outcome in found:
        record = records.get(outcome.unit_id)
        result.append(
            Conflict(
                record_id=outcome.unit_id,
                stage=outcome.stage,
                title=record.title if record else "",
                year=record.year if record else None,
                first_author=record.authors[0] if record and record.authors else None,
                votes=[_vote(vote) for _, vote in sorted(outcome.votes.items())],
            )
        )
    return result


CONFLICT_FILE_COLUMNS = (
    "record_id",
    "stage",
    "title",
    "year",
    "first_author",
    "votes",
    "decision",
    "reason",
    "note",
    "reviewer",
)


def conflict_file_rows(found: list[Conflict]) -> list[list]:
    """One row per conflict in the order of :data:`CONFLICT_FILE_COLUMNS`, decision cells empty."""
    return [
        [
            conflict.record_id,
            conflict.stage,
            conflict.title,
            conflict.year,
            conflict.first_author,
            "; ".join(vote.describe() for vote in conflict.votes),
            "",
            "",
            "",
            "",
        ]
        for conflict in found
    ]
