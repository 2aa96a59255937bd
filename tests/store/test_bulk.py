import sqlite3

import pytest

from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.bulk import insert_rows


def _search_with_records(conn, count):
    conn.row_factory = None  # plain tuples to compare
    with transaction(conn):
        conn.execute(
            "INSERT INTO searches (id, database, format, file_name, sha256, imported_at, record_count)"
            " VALUES (1, 'PubMed', 'medline', 'f.nbib', 'sha', 'now', ?)",
            (count,),
        )
        conn.executemany(
            "INSERT INTO records (id, search_id, position, line, raw) VALUES (?, 1, ?, 1, '')",
            [(n, n) for n in range(1, count + 1)],
        )


def test_rows_are_stored_as_a_direct_insert_stores_them(db):
    conn = open_review(db)
    _search_with_records(conn, 4)
    with transaction(conn):
        insert_rows(conn, "record_clusters", ("record_id", "cluster_id"), [(1, 1), (2, "1"), (3, 1)])
    # "1" given for an INTEGER column is stored as the integer 1, as INSERT ... VALUES stores it.
    assert conn.execute(
        "SELECT record_id, cluster_id, typeof(cluster_id) FROM record_clusters"
    ).fetchall() == [
        (1, 1, "integer"),
        (2, 1, "integer"),
        (3, 1, "integer"),
    ]


def test_or_replace_keeps_the_last_of_rows_with_one_key(db):
    conn = open_review(db)
    _search_with_records(conn, 4)
    with transaction(conn):
        insert_rows(conn, "record_clusters", ("record_id", "cluster_id"), [(1, 1), (2, 1)])
        insert_rows(
            conn, "record_clusters", ("record_id", "cluster_id"), [(2, 3), (4, 3), (2, 4)], or_replace=True
        )
    assert conn.execute("SELECT record_id, cluster_id FROM record_clusters ORDER BY 1").fetchall() == [
        (1, 1),
        (2, 4),
        (4, 3),
    ]


def test_a_row_breaking_a_foreign_key_stores_nothing(db):
    conn = open_review(db)
    _search_with_records(conn, 2)
    with pytest.raises(sqlite3.IntegrityError), transaction(conn):
        insert_rows(conn, "record_clusters", ("record_id", "cluster_id"), [(1, 1), (2, 99)])
    assert conn.execute("SELECT COUNT(*) FROM record_clusters").fetchone()[0] == 0
    with transaction(conn):  # nothing staged is left over for the next call
        insert_rows(conn, "record_clusters", ("record_id", "cluster_id"), [(2, 2)])
    assert conn.execute("SELECT record_id, cluster_id FROM record_clusters").fetchall() == [(2, 2)]


def test_refused_outside_a_transaction(db):
    conn = open_review(db)
    with pytest.raises(RuntimeError, match="inside"):
        insert_rows(conn, "record_clusters", ("record_id", "cluster_id"), [])
