"""Two reviewers screening one review file at the same time, from two processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from cartsle_cli.formats.record import Record
from cartsle_cli.screening.outcomes import stage_outcomes
from cartsle_cli.store import open_review
from tests.screening.conftest import add_records

DECISIONS_EACH = 300

SCREENER = textwrap.dedent("""
    import sys
    from cartsle_cli.screening.decisions import Decision, record_decision
    from cartsle_cli.store import open_review, transaction

    db, reviewer, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    conn = open_review(db)
    for record_id in range(first, last + 1):
        decision = "include" if (record_id + len(reviewer)) % 7 == 0 else "exclude"
        with transaction(conn):
            record_decision(conn, Decision(record_id, "ta", reviewer, decision))
""")


@pytest.mark.slow
def test_two_processes_deciding_at_once_lose_nothing_and_never_see_a_lock_error(db):
    ids = add_records(
        db, [Record(line=i, raw=str(i), title=f"Record {i}") for i in range(1, DECISIONS_EACH + 1)]
    )
    conn = open_review(db)
    first, last = str(ids[0]), str(ids[-1])
    screeners = [
        subprocess.Popen(
            [sys.executable, "-c", SCREENER, str(db), reviewer, first, last],
            stderr=subprocess.PIPE,
            text=True,
        )
        for reviewer in ("kofi", "ama")
    ]
    errors = [process.communicate(timeout=600)[1] for process in screeners]
    assert [process.returncode for process in screeners] == [0, 0], errors
    assert not any("locked" in error for error in errors)
    counts = dict(
        conn.execute("SELECT reviewer, count(*) FROM screening_decisions GROUP BY reviewer").fetchall()
    )
    assert counts == {"kofi": DECISIONS_EACH, "ama": DECISIONS_EACH}
    outcomes = stage_outcomes(conn, "ta")
    assert all(set(outcome.votes) == {"kofi", "ama"} for outcome in outcomes.values())
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
