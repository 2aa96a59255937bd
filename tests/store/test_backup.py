import sqlite3
import threading

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.backup import backup_review


def _add_searches(conn, count, start=0):
    for i in range(start, start + count):
        with transaction(conn):
            conn.execute(
                "INSERT INTO searches (database, format, file_name, sha256, imported_at, record_count)"
                " VALUES ('PubMed', 'medline', ?, ?, 'now', 0)",
                (f"f{i}.nbib", f"sha{i}"),
            )


def test_backup_is_a_consistent_copy_while_another_process_writes(db, tmp_path):
    conn = open_review(db)
    _add_searches(conn, 50)
    thread = threading.Thread(target=lambda: _add_searches(open_review(db), 200, 50))
    thread.start()
    target = backup_review(conn, tmp_path / "copy.db", pages_per_step=1)
    thread.join()
    assert conn.execute("SELECT count(*) FROM searches").fetchone()[0] == 250  # the writer really wrote
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = [row[0] for row in copy.execute("SELECT file_name FROM searches ORDER BY id")]
    # A snapshot: some prefix of the writes, never a gap.
    assert 50 <= len(names) <= 250
    assert names == [f"f{i}.nbib" for i in range(len(names))]


def test_backup_refuses_to_overwrite(db, tmp_path):
    conn = open_review(db)
    target = tmp_path / "copy.db"
    target.write_text("precious")
    with pytest.raises(CartsleError, match="exists already"):
        backup_review(conn, target)
    assert target.read_text() == "precious"


def test_backup_command_writes_a_copy_that_opens(cli, tmp_path):
    open_review(cli.db).close()
    result = cli("backup", tmp_path / "b.db")
    assert "backed up" in result.output
    assert open_review(tmp_path / "b.db").execute("PRAGMA user_version").fetchone()[0] >= 1


def test_interrupted_backup_removes_its_partial_file(db, tmp_path):
    conn = open_review(db)
    _add_searches(conn, 5)
    target = tmp_path / "copy.db"

    def interrupted(copy, pages):  # Ctrl-C half-way through the copy
        copy.execute("CREATE TABLE half (x)")
        copy.commit()
        raise KeyboardInterrupt

    conn.backup = interrupted
    with pytest.raises(KeyboardInterrupt):
        backup_review(conn, target)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == []


def test_partial_file_left_by_a_killed_backup_is_removed_by_the_next(db, tmp_path):
    conn = open_review(db)
    _add_searches(conn, 3)
    (tmp_path / "copy.db.partial").write_bytes(b"half a copy from a SIGKILLed run")
    target = backup_review(conn, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db.partial").exists()
    assert sqlite3.connect(target).execute("SELECT count(*) FROM searches").fetchone()[0] == 3
