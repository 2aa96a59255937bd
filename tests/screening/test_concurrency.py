"""Two reviewers screening the same review file at once, from two processes."""

from __future__ import annotations

import multiprocessing

from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.screening.outcomes import stage_outcomes
from cartsle_cli.store import open_review, transaction

from .conftest import add_records, make_record


def screen_all(db: str, reviewer: str, record_ids: list[int]) -> None:
    conn = open_review(db)
    try:
        for record_id in record_ids:
            with transaction(conn):  # one transaction per decision, as the interactive screen does
                record_decision(
                    conn, Decision(record_id, "ta", reviewer, "include" if record_id % 2 else "exclude")
                )
    finally:
        conn.close()


def test_two_processes_deciding_at_once_lose_nothing(db, conn):
    ids = add_records(db, [make_record(i) for i in range(40)])
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=screen_all, args=(str(db), name, ids)) for name in ("Kofi", "Ama")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    outcomes = stage_outcomes(conn, "ta")
    assert all(set(outcome.votes) == {"Kofi", "Ama"} for outcome in outcomes.values())
    assert conn.execute("SELECT COUNT(*) FROM screening_decisions").fetchone()[0] == 80
