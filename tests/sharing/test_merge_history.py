"""After a merge the history is listed by the time each event happened, not by row id, so two
merge orders list the same history (issue 19)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from cartsle_cli.cli.main import app
from cartsle_cli.screening.decisions import history
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.backup import backup_review
from tests.sharing.test_share_merge import merge, undo, vote


def listed(db: Path) -> list[dict]:
    """`cartsle screen history --all --json`, without this file's row numbers."""
    result = CliRunner().invoke(app, ["screen", "history", "--all", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return [{k: v for k, v in entry.items() if k != "id"} for entry in json.loads(result.stdout)]


def fork(db: Path, out: Path) -> Path:
    conn = open_review(db)
    backup_review(conn, out)
    conn.close()
    return out


def merged_both_ways(tmp_path: Path, main: Path, copy_a: Path, copy_b: Path) -> tuple[Path, Path]:
    other = fork(main, tmp_path / "main-ba.db")
    merge(main, copy_a)
    merge(main, copy_b)
    merge(other, copy_b)
    merge(other, copy_a)
    return main, other


def test_two_merge_orders_list_the_same_history_oldest_first(tmp_path, two_copies):
    """A screened before B (the fixture runs A's work first): merged B first, the row ids put B's
    votes first, and the history must still list A's first."""
    ab, ba = merged_both_ways(tmp_path, *two_copies)
    first, second = listed(ab), listed(ba)
    assert first == second
    times = [entry["decided_at"] for entry in first]
    assert times == sorted(times)
    assert [entry["reviewer"] for entry in second[:22]] == ["A"] * 22
    with sqlite3.connect(ba) as raw:  # the row ids of the B-first file do put B first
        assert raw.execute("SELECT reviewer FROM screening_decisions ORDER BY id LIMIT 1").fetchone() == (
            "B",
        )


def test_votes_given_at_one_time_in_two_copies_list_by_reviewer_then_as_each_made_them(tmp_path, two_copies):
    main, copy_a, copy_b = two_copies
    for copy in (copy_a, copy_b):  # as if both had imported a file of votes at the same moment
        with sqlite3.connect(copy) as raw:
            raw.execute("UPDATE screening_decisions SET decided_at = '2026-01-01T09:00:00.000000+00:00'")
    ab, ba = merged_both_ways(tmp_path, main, copy_a, copy_b)
    assert listed(ab) == listed(ba)
    entries = [(e.reviewer, e.record_id, e.decision) for e in history(open_review(ab))]
    assert [reviewer for reviewer, _, _ in entries] == ["A"] * 22 + ["B"] * 20
    assert entries[4] == ("A", 5, "include") and entries[20] == ("A", 5, "exclude")  # A's own order
    assert entries[22 + 19] == ("B", 12, "maybe")


def test_undo_after_a_merge_takes_back_the_latest_vote_by_time_not_the_last_row(tmp_path, two_copies):
    """The lead votes as A in the main review after A's copy was made; A's older copy vote on the
    same record is merged after it (a higher row id). Undo takes back the lead's, the latest."""
    main, copy_a, _ = two_copies
    conn = open_review(main)
    vote(conn, 18, "A", "maybe")
    conn.close()
    merge(main, copy_a)
    conn = open_review(main)
    undo(conn, "A")
    with transaction(conn):
        undone = conn.execute(
            "SELECT record_id, decision FROM screening_decisions WHERE undone_at IS NOT NULL"
            " AND reviewer = 'A' ORDER BY undone_at DESC LIMIT 1"
        ).fetchone()
    conn.close()
    assert tuple(undone) == (18, "maybe")
