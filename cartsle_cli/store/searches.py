"""Searches and their records in the store: add, list, find, remove (soft)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from cartsle_cli.errors import CartsleError
from cartsle_cli.store.connection import require_transaction

if TYPE_CHECKING:  # the formats package loads every reader; the store needs only the type
    from cartsle_cli.formats.record import Record

RECORD_COLUMNS = (
    "search_id",
    "position",
    "line",
    "source_id",
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "accession",
    "language",
    "publication_type",
    "keywords",
    "fields",
    "raw",
)


@dataclass(frozen=True)
class Search:
    id: int
    database: str
    other_methods: bool
    format: str
    file_name: str
    sha256: str
    imported_at: str
    record_count: int
    searched_on: str | None
    query: str | None
    removed_at: str | None


# One encoder for every record: json.dumps would build a new one per call (a third of import time).
# Values are plain lists and dicts of strings: no cycle to look for.
_to_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def add_search(
    conn: sqlite3.Connection,
    *,
    database: str,
    other_methods: bool,
    format: str,
    file_name: str,
    sha256: str,
    records: Iterable[Record],
    searched_on: str | None = None,
    query: str | None = None,
) -> int:
    """Insert a search and all its records; the caller holds the transaction.

    ``records`` may be an iterator (a file being read): rows are inserted as they come and the
    search's record count is set after the last one.
    """
    require_transaction(conn)
    cursor = conn.execute(
        "INSERT INTO searches (database, other_methods, format, file_name, sha256, imported_at,"
        " record_count, searched_on, query) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            database,
            int(other_methods),
            format,
            file_name,
            sha256,
            now_utc(),
            0,
            searched_on,
            query,
        ),
    )
    search_id = cursor.lastrowid
    assert search_id is not None
    placeholders = ", ".join("?" for _ in RECORD_COLUMNS)
    count = 0

    def rows() -> Iterable[tuple]:
        nonlocal count
        for count, record in enumerate(records, 1):  # noqa: B007 - the count is the result
            yield _record_row(search_id, count, record)

    conn.executemany(f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) VALUES ({placeholders})", rows())
    conn.execute("UPDATE searches SET record_count = ? WHERE id = ?", (count, search_id))
    return search_id


def _record_row(search_id: int, position: int, record: Record) -> tuple:
    return (
        search_id,
        position,
        record.line,
        record.source_id,
        record.title,
        record.abstract,
        _to_json(record.authors),
        record.year,
        record.journal,
        record.volume,
        record.issue,
        record.pages,
        record.doi,
        record.pmid,
        record.accession,
        record.language,
        record.publication_type,
        _to_json(record.keywords),
        _to_json(record.fields),
        record.raw,
    )


def list_searches(conn: sqlite3.Connection, *, include_removed: bool = False) -> list[Search]:
    where = "" if include_removed else " WHERE removed_at IS NULL"
    rows = conn.execute(f"SELECT * FROM searches{where} ORDER BY id").fetchall()
    return [_search(row) for row in rows]


def find_by_sha256(conn: sqlite3.Connection, sha256: str) -> Search | None:
    row = conn.execute(
        "SELECT * FROM searches WHERE sha256 = ? AND removed_at IS NULL ORDER BY id LIMIT 1", (sha256,)
    ).fetchone()
    return _search(row) if row else None


def get_search(conn: sqlite3.Connection, search_id: int) -> Search:
    row = conn.execute("SELECT * FROM searches WHERE id = ?", (search_id,)).fetchone()
    if row is None:
        raise CartsleError(f"no search with id {search_id}: `cartsle searches` lists them")
    return _search(row)


def remove_search(conn: sqlite3.Connection, search_id: int) -> Search:
    """Take one import's records out of the review; the caller holds the transaction.

    The rows stay in the file (marked removed), so decisions made on them are never lost and the
    removal itself is on record; every later step works on ``active_records`` only.
    """
    require_transaction(conn)
    search = get_search(conn, search_id)
    if search.removed_at:
        raise CartsleError(
            f"search {search_id} ({search.file_name}) was already removed on {search.removed_at}"
        )
    conn.execute("UPDATE searches SET removed_at = ? WHERE id = ?", (now_utc(), search_id))
    return get_search(conn, search_id)


def restore_search(conn: sqlite3.Connection, search_id: int) -> Search:
    """Bring a removed search back; the caller holds the transaction and rebuilds the clusters.

    Refused when the same file was imported again after the removal: its records are in already.
    """
    search = get_search(conn, search_id)
    if not search.removed_at:
        raise CartsleError(f"search {search_id} ({search.file_name}) is not removed: nothing to restore")
    again = find_by_sha256(conn, search.sha256)
    if again is not None:
        raise CartsleError(
            f"{search.file_name} was imported again as search {again.id}; remove that one first"
        )
    conn.execute("UPDATE searches SET removed_at = NULL WHERE id = ?", (search_id,))
    return get_search(conn, search_id)


def _search(row: sqlite3.Row) -> Search:
    values = dict(row)
    values["other_methods"] = bool(values["other_methods"])
    return Search(**values)
