"""Two reviewers on two copies of one review, merged back in either order (issue 19)."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from cartsle_cli.dedup.decisions import record_decision as record_pair
from cartsle_cli.dedup.run import rebuild_clusters
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening import Decision, record_decision, undo_last
from cartsle_cli.screening.agreement import agreement
from cartsle_cli.screening.prisma import prisma_counts
from cartsle_cli.sharing.copy import share_review
from cartsle_cli.sharing.merge import merge_copy
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.backup import backup_review
from tests.screening.conftest import add_records, make_record

Work = Callable[[sqlite3.Connection], None]


def vote(
    conn: sqlite3.Connection, record: int, reviewer: str, decision: str, note: str | None = None
) -> None:
    with transaction(conn):
        record_decision(conn, Decision(record, "ta", reviewer, decision, note=note))


def undo(conn: sqlite3.Connection, reviewer: str) -> None:
    with transaction(conn):
        undo_last(conn, reviewer)


def work_of_a(conn: sqlite3.Connection) -> None:
    """A: includes 1-10, excludes 11-20, changes their mind on 5, undoes a vote, says 19 = 20."""
    for record in range(1, 21):
        vote(conn, record, "A", "include" if record <= 10 else "exclude")
    vote(conn, 5, "A", "exclude", note="not CAR T after all")
    vote(conn, 18, "A", "include")
    undo(conn, "A")  # back to exclude on 18
    with transaction(conn):
        record_pair(conn, 19, 20, "same", reviewer="A", how="review")
        rebuild_clusters(conn)


def work_of_b(conn: sqlite3.Connection) -> None:
    """B: includes 1-8 and 15, excludes 9-19, votes maybe on 12 and undoes it. (B leaves 20 alone:
    in one file a vote on 20 after A joined it to 19 would be stored on 19, in B's copy on 20.)"""
    for record in range(1, 20):
        vote(
            conn,
            record,
            "B",
            "include" if record <= 8 or record == 15 else "exclude",
            note="B" if record == 3 else None,
        )
    vote(conn, 12, "B", "maybe")
    undo(conn, "B")


def build(db: Path) -> None:
    add_records(db, [make_record(n) for n in range(1, 21)])


def snapshot(db: Path, *, exact: bool) -> dict:
    """What the lead sees: current votes, clusters, kappa, PRISMA counts and the whole history.
    ``exact``: with times and event ids (for two merges of the same copies)."""
    conn = open_review(db)
    try:
        history_columns = (
            "record_id, stage, reviewer, decision, reason, note, resolution, undone_at IS NOT NULL"
        )
        if exact:
            history_columns += ", decided_at, undone_at, event_id, source"
        return {
            "current": sorted(
                tuple(row)
                for row in conn.execute(
                    "SELECT record_id, stage, reviewer, decision, reason, note, resolution, unit_id FROM screening_current"
                )
            ),
            "clusters": sorted(tuple(row) for row in conn.execute("SELECT * FROM record_clusters")),
            "kappa": [dataclasses.astuple(a) for a in agreement(conn, "ta")],
            "prisma": dataclasses.asdict(prisma_counts(conn)),
            "history": sorted(
                (tuple(row) for row in conn.execute(f"SELECT {history_columns} FROM screening_decisions")),
                key=repr,
            ),
            "dedup": sorted(
                tuple(row)
                for row in conn.execute(
                    "SELECT record_id, other_record_id, decision, reviewer FROM dedup_decisions"
                )
            ),
        }
    finally:
        conn.close()


def run_on(db: Path, *works: Work) -> None:
    conn = open_review(db)
    try:
        for work in works:
            work(conn)
    finally:
        conn.close()


def share(db: Path, reviewer: str, out: Path) -> Path:
    conn = open_review(db)
    try:
        share_review(conn, reviewer, out)
    finally:
        conn.close()
    return out


def merge(db: Path, copy: Path, **options):
    conn = open_review(db)
    try:
        return merge_copy(conn, copy, **options)
    finally:
        conn.close()


@pytest.fixture
def two_copies(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The main review with a copy for A and one for B, each screened by its reviewer."""
    main = tmp_path / "main.db"
    build(main)
    copy_a, copy_b = share(main, "A", tmp_path / "a.db"), share(main, "B", tmp_path / "b.db")
    run_on(copy_a, work_of_a)
    run_on(copy_b, work_of_b)
    return main, copy_a, copy_b


def test_two_copies_merged_in_either_order_give_the_review_screened_in_one_file(tmp_path, two_copies):
    main, copy_a, copy_b = two_copies
    other_order = tmp_path / "main-ba.db"
    conn = open_review(main)
    backup_review(conn, other_order)
    conn.close()
    merge(main, copy_a)
    merge(main, copy_b)
    merge(other_order, copy_b)
    merge(other_order, copy_a)
    one_file = tmp_path / "one.db"
    build(one_file)
    run_on(one_file, work_of_a, work_of_b)

    assert snapshot(main, exact=True) == snapshot(other_order, exact=True)
    merged = snapshot(main, exact=False)
    assert merged == snapshot(one_file, exact=False)
    # by hand: A includes 1-4, 6-10; B includes 1-8, 15; units 1..18 and 19 (20 joined it).
    # both include 1-4, 6-8 (7); A include / B exclude 9, 10 (2); A exclude / B include 5, 15 (2);
    # both exclude 11-14, 16-19 (8): 19 units.
    (stage,) = merged["kappa"]
    assert stage[3] == {
        "include/include": 7,
        "include/exclude": 2,
        "exclude/include": 2,
        "exclude/exclude": 8,
    }
    # kappa by hand: p_o = 15/19; each includes 9 of 19, p_e = (81 + 100) / 361; (p_o - p_e) / (1 - p_e) = 104/180
    assert stage[4][2] == pytest.approx(104 / 180)
    assert ("A", 5) in {(row[2], row[0]) for row in merged["current"] if row[3] == "exclude"}
    assert ("B", 12, "exclude") in {(row[2], row[0], row[3]) for row in merged["current"]}


def test_a_copy_merged_twice_adds_nothing_the_second_time(two_copies):
    main, copy_a, _ = two_copies
    first = merge(main, copy_a)
    before = snapshot(main, exact=True)
    second = merge(main, copy_a)
    assert (
        first.added["screening_decisions"] == 22 and first.added["dedup_decisions"] == 1 and first.undone == 0
    )
    assert sum(second.added.values()) == 0 and second.undone == 0
    assert snapshot(main, exact=True) == before


def test_an_undo_in_the_copy_undoes_the_same_vote_in_the_main_review(tmp_path):
    main = tmp_path / "main.db"
    build(main)
    run_on(main, lambda conn: vote(conn, 1, "A", "include"))
    copy = share(main, "A", tmp_path / "a.db")
    run_on(copy, lambda conn: undo(conn, "A"))
    assert merge(main, copy, dry_run=True).undone == 1
    assert merge(main, copy).undone == 1
    conn = open_review(main)
    assert conn.execute("SELECT count(*) FROM screening_current").fetchone()[0] == 0
    assert (
        conn.execute("SELECT count(*) FROM screening_decisions WHERE undone_at IS NOT NULL").fetchone()[0]
        == 1
    )


def test_a_dry_run_counts_and_writes_nothing(two_copies):
    main, copy_a, _ = two_copies
    before = snapshot(main, exact=True)
    result = merge(main, copy_a, dry_run=True)
    assert result.dry_run and result.added["screening_decisions"] == 22
    assert snapshot(main, exact=True) == before


def test_the_copy_keeps_only_its_reviewers_votes_while_blind(tmp_path):
    """A and B voted on 1, B alone on 2: A's copy keeps B's vote on 1 (A has seen it: both voted)
    and loses B's vote on 2, from the tables and from the file's free pages."""
    main = tmp_path / "main.db"
    build(main)

    def votes(conn: sqlite3.Connection) -> None:
        vote(conn, 1, "A", "include")
        vote(conn, 1, "B", "exclude")
        vote(conn, 2, "B", "include", note="SECRET-NOTE-OF-B")

    run_on(main, votes)
    copy = share(main, "A", tmp_path / "a.db")
    raw = sqlite3.connect(copy)
    rows = sorted(raw.execute("SELECT record_id, reviewer FROM screening_decisions").fetchall())
    (reviewer,) = raw.execute("SELECT reviewer FROM review_shares WHERE is_this_copy = 1").fetchone()
    raw.close()
    assert rows == [(1, "A"), (1, "B")]
    assert reviewer == "A"
    assert b"SECRET-NOTE-OF-B" not in copy.read_bytes()
    assert not Path(f"{copy}-wal").exists()


def refused(main: Path, copy: Path) -> str:
    before = snapshot(main, exact=True)
    with pytest.raises(CartsleError) as error:
        merge(main, copy)
    assert snapshot(main, exact=True) == before
    return str(error.value)


def test_a_copy_of_another_review_is_refused(tmp_path, two_copies):
    _, copy_a, _ = two_copies
    other = tmp_path / "other.db"
    build(other)
    assert "another review" in refused(other, copy_a)


def test_a_file_that_is_not_a_review_or_is_truncated_is_refused(tmp_path, two_copies):
    main, copy_a, _ = two_copies
    text = tmp_path / "notes.txt"
    text.write_text("hello\n" * 100)
    assert "not a cartsle review" in refused(main, text)
    data = copy_a.read_bytes()
    truncated = tmp_path / "cut.db"
    truncated.write_bytes(data[: len(data) // 2])
    message = refused(main, truncated)
    assert "damaged" in message or "not a cartsle review" in message


def test_a_review_that_was_not_shared_or_names_another_reviewer_is_refused(tmp_path, two_copies):
    main, copy_a, _ = two_copies
    plain = tmp_path / "plain.db"
    conn = open_review(main)
    backup_review(conn, plain)
    conn.close()
    assert "not a shared copy" in refused(main, plain)
    raw = sqlite3.connect(copy_a)
    raw.execute("UPDATE review_shares SET reviewer = 'Z'")
    raw.commit()
    raw.close()
    assert "never gave" in refused(main, copy_a)


def test_a_copy_with_records_imported_in_it_is_refused(tmp_path, two_copies):
    main, copy_a, _ = two_copies
    add_records(copy_a, [make_record(99)], database="Embase")
    assert "imported or removed" in refused(main, copy_a)
