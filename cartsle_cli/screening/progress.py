"""How far screening has come: per stage, and per reviewer with their votes so far."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field

from cartsle_cli.screening.outcomes import CONFLICT, FINAL, PENDING, STAGES, awaits, effective, stage_outcomes
from cartsle_cli.screening.settings import reviewers_required


@dataclass(frozen=True)
class StageProgress:
    stage: str
    reached: int  # records that reached the stage
    final: int
    included: int
    excluded: int
    conflicts: int
    pending: int  # waiting for votes


@dataclass(frozen=True)
class ReviewerProgress:
    stage: str
    reviewer: str
    voted: int
    include: int
    exclude: int
    maybe: int
    to_do: int  # records still in this reviewer's queue (see outcomes.awaits)


@dataclass
class ScreeningProgress:
    stages: list[StageProgress]
    reviewers: list[ReviewerProgress]
    # Each reviewer's title/abstract votes in the order made: 1 include (or maybe), 0 exclude.
    ta_decisions_in_order: dict[str, list[int]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def screening_progress(conn: sqlite3.Connection) -> ScreeningProgress:
    stages, reviewers, orders = [], [], {}
    required = reviewers_required(conn)
    for stage in STAGES:
        outcomes = stage_outcomes(conn, stage).values()
        statuses = [o.status for o in outcomes]
        stages.append(
            StageProgress(
                stage,
                len(statuses),
                statuses.count(FINAL),
                sum(1 for o in outcomes if o.status == FINAL and o.decision == "include"),
                sum(1 for o in outcomes if o.status == FINAL and o.decision == "exclude"),
                statuses.count(CONFLICT),
                statuses.count(PENDING),
            )
        )
        names = sorted({name for o in outcomes for name in o.votes})
        for name in names:
            votes = [o.votes[name] for o in outcomes if name in o.votes]
            decisions = [vote.decision for vote in votes]
            to_do = sum(1 for o in outcomes if awaits(o, name, required))
            reviewers.append(
                ReviewerProgress(
                    stage,
                    name,
                    len(votes),
                    decisions.count("include"),
                    decisions.count("exclude"),
                    decisions.count("maybe"),
                    to_do,
                )
            )
            if stage == "ta":
                orders[name] = [
                    int(effective(vote.decision, stage) == "include")
                    for vote in sorted(votes, key=lambda vote: vote.id)
                ]
    return ScreeningProgress(stages, reviewers, orders)
