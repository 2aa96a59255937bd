"""The share migration: a review id, event ids on every history, the current vote by time."""

from __future__ import annotations

import re
import sqlite3

from cartsle_cli.store import migrations
from cartsle_cli.store.connection import open_review, transaction

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$")


def _vote(conn: sqlite3.Connection, reviewer: str, decision: str, at: str) -> None:
    conn.execute(
        "INSERT INTO screening_decisions (record_id, stage, reviewer, decision, decided_at)"
        " VALUES (1, 'ta', ?, ?, ?)",
        (reviewer, decision, at),
    )


def test_an_existing_review_gains_an_id_and_its_votes_event_ids(tmp_path, monkeypatch):
    db = tmp_path / "old.db"
    before = migrations.MIGRATIONS[:-1]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(before))
    conn = open_review(db)
    with transaction(conn):
        conn.execute(
            "INSERT INTO searches (id, database, format, file_name, sha256, imported_at, record_count)"
            " VALUES (1, 'X', 'ris', 'f', 's', 'then', 1)"
        )
        conn.execute("INSERT INTO records (id, search_id, position, line, raw) VALUES (1, 1, 1, 1, '')")
        _vote(conn, "A", "include", "2026-01-01T00:00:00+00:00")
    conn.close()
    monkeypatch.undo()
    conn = open_review(db)
    review_id = conn.execute("SELECT review_id FROM review_identity").fetchone()[0]
    assert UUID.match(review_id)
    with transaction(conn):
        _vote(conn, "A", "exclude", "2026-01-02T00:00:00+00:00")
    ids = [row[0] for row in conn.execute("SELECT event_id FROM screening_decisions ORDER BY id")]
    assert len(ids) == 2 and all(re.fullmatch("[0-9a-f]{32}", i) for i in ids) and ids[0] != ids[1]
    other = open_review(tmp_path / "other.db")
    assert other.execute("SELECT review_id FROM review_identity").fetchone()[0] != review_id


def test_the_current_vote_is_the_latest_given_not_the_latest_inserted(tmp_path):
    """A vote merged in later but given earlier does not win over a later one."""
    conn = open_review(tmp_path / "r.db")
    with transaction(conn):
        conn.execute(
            "INSERT INTO searches (id, database, format, file_name, sha256, imported_at, record_count)"
            " VALUES (1, 'X', 'ris', 'f', 's', 'then', 1)"
        )
        conn.execute("INSERT INTO records (id, search_id, position, line, raw) VALUES (1, 1, 1, 1, '')")
        _vote(conn, "A", "exclude", "2026-01-02T00:00:00+00:00")
        _vote(conn, "A", "include", "2026-01-01T00:00:00+00:00")
    rows = conn.execute("SELECT reviewer, decision FROM screening_current").fetchall()
    assert [tuple(r) for r in rows] == [("A", "exclude")]
