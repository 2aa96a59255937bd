"""A new review is made with 16 KB pages; an older review keeps its pages and still imports."""

from __future__ import annotations

import sqlite3

import pytest

from cartsle_cli.review.importing import import_files
from cartsle_cli.store import open_review

RIS = "TY  - JOUR\nTI  - A trial\nAB  - {abstract}\nDO  - 10.1/{number}\nER  - \n\n"


def _export(tmp_path, records: int):
    path = tmp_path / "export.ris"
    path.write_text("".join(RIS.format(abstract="word " * 900, number=n) for n in range(records)))
    return path


def test_a_new_review_has_16_kb_pages_that_hold_a_long_record_whole(tmp_path):
    conn = open_review(tmp_path / "review.db")
    try:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 16384
        import_files(conn, [_export(tmp_path, 20)], source="PubMed")
        assert conn.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 20
        # each 4.5 KB row lies whole on its leaf page (with 4 KB pages each needs an overflow page)
        try:
            kinds = conn.execute("SELECT pagetype FROM dbstat WHERE name = 'records'").fetchall()
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to count pages with")
        assert {kind for (kind,) in kinds} <= {"leaf", "internal"}
    finally:
        conn.close()


def test_a_review_made_with_4_kb_pages_keeps_them_and_imports(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).execute("PRAGMA page_size = 4096").connection.execute("VACUUM").connection.close()
    conn = open_review(path)
    try:
        import_files(conn, [_export(tmp_path, 5)], source="PubMed")
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        abstracts = [row[0] for row in conn.execute("SELECT abstract FROM records ORDER BY id")]
        assert abstracts == [("word " * 900).strip()] * 5
    finally:
        conn.close()
