"""Searches and their records in the store: add, list, find, remove (soft)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

import orjson

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.record import BIBLIOGRAPHIC_FIELDS, Record
from cartsle_cli.store.connection import require_transaction

RECORD_COLUMNS = (
    "search_id",
    "position",
    "line",
    "source_id",
    *BIBLIOGRAPHIC_FIELDS,
    "keywords",
    "fields",
    "raw",
    "issn",
)


# The JSON columns take orjson's UTF-8 bytes (see _to_json); the others their values as they are.
_ROW_VALUES = ", ".join(
    "CAST(? AS TEXT)" if column in ("authors", "keywords", "fields") else "?" for column in RECORD_COLUMNS
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


def _to_json(value: list[str] | dict[str, list[str]]) -> bytes:
    """A record's list or fields as JSON (UTF-8 as it is, no ASCII escapes), in orjson's bytes.

    orjson encodes a record's fields three times faster than the standard library's C encoder
    (about a seventh of an import's time at 100,000 RIS records, benchmarks/import_bench.py); the
    text is the same JSON but for the spaces after ``,`` and ``:``, which no reader depends on.
    Values are plain lists and dicts of strings decoded strictly from UTF-8, so no surrogate can
    make it fail. The bytes are bound through ``CAST(? AS TEXT)`` (:data:`_ROW_VALUES`), which
    stores the very TEXT the decoded string would: decoding them here only for sqlite3 to encode
    them back to UTF-8 cost a tenth of the staging.
    """
    return orjson.dumps(value)


def search_date(text: str | None) -> str | None:
    """The date a search was run, as a real calendar date written YYYY-MM-DD (PRISMA-S item 13).

    "2024-13-01", "1/11/2024" or "last week" are refused: the methods section prints the date.
    """
    if text is None:
        return None
    value = text.strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise CartsleError(f"--searched takes a real date written YYYY-MM-DD, e.g. 2024-11-01 (got {text!r})")


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
    records: Iterable[Record] | StagedRecords,
    searched_on: str | None = None,
    query: str | None = None,
) -> int:
    """Insert a search and all its records; the caller holds the transaction.

    ``records`` is the :class:`StagedRecords` of :func:`stage_records`, copied in by one
    INSERT ... SELECT (the write lock is held for the copy, not the parse), or records to insert
    as they come (an iterator is read once; the search's record count is set after the last one).
    """
    require_transaction(conn)
    count = records.count if isinstance(records, StagedRecords) else 0
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
            count,
            searched_on,
            query,
        ),
    )
    search_id = cursor.lastrowid
    assert search_id is not None
    columns = ", ".join(RECORD_COLUMNS)
    if isinstance(records, StagedRecords):
        conn.execute(
            f"INSERT INTO records ({columns}) SELECT ?, {', '.join(RECORD_COLUMNS[1:])}"
            f" FROM {records.table} ORDER BY rowid",
            (search_id,),
        )
        return search_id

    def rows() -> Iterable[tuple]:
        nonlocal count
        for count, record in enumerate(records, 1):  # noqa: B007 - the count is the result
            yield _record_row(search_id, count, record)

    conn.executemany(f"INSERT INTO records ({columns}) VALUES ({_ROW_VALUES})", rows())
    conn.execute("UPDATE searches SET record_count = ? WHERE id = ?", (count, search_id))
    return search_id


@dataclass(frozen=True)
class StagedRecords:
    stage: int  # the file's number among this connection's staged files
    count: int

    @property
    def table(self) -> str:
        return f"{_STAGING}.records_{self.stage}"


# A private database of this connection (SQLite's ATTACH of an empty name: a temporary file that
# is deleted when it is detached), holding the staged records until the copy.
_STAGING = "cartsle_staging"


def stage_records(conn: sqlite3.Connection, records: Iterable[Record]) -> StagedRecords:
    """Copy a parsed file's records into a private staging database, before the transaction.

    The staging database lives outside the review file, so writing it takes no lock on the
    review: an import parses and stages its files while other reviewers keep deciding, and then
    holds the write lock only for the copy (issue 14: a slow share or a 560 MB file held it for
    minutes). ``records`` may be an iterator (a file being read): each record is staged as it
    comes, so a few MB of the file are in memory at once. Each file has a table of its own,
    without a key: its rows are in file order by rowid, and no index is kept up while staging.
    """
    stage = 1 + len(_staged_tables(conn))
    staged = StagedRecords(stage, 0)
    conn.execute(f"CREATE TABLE {staged.table} ({', '.join(RECORD_COLUMNS)})")
    count = 0

    def rows() -> Iterable[tuple]:
        nonlocal count
        for count, record in enumerate(records, 1):  # noqa: B007 - the count is the result
            yield _record_row(stage, count, record)

    conn.execute("BEGIN")  # writes the staging database only: no lock on the review file
    try:
        conn.executemany(
            f"INSERT INTO {staged.table} ({', '.join(RECORD_COLUMNS)}) VALUES ({_ROW_VALUES})", rows()
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return StagedRecords(stage, count)


def clear_staged(conn: sqlite3.Connection) -> None:
    """Forget every staged file: the staging database is detached, so SQLite deletes its file
    whole instead of freeing its pages one by one (a DROP TABLE of 100,000 staged records took
    as long as their copy into the review)."""
    if _STAGING in _databases(conn):
        conn.execute(f"DETACH DATABASE {_STAGING}")


def _staged_tables(conn: sqlite3.Connection) -> list[str]:
    if _STAGING not in _databases(conn):
        conn.execute(f"ATTACH DATABASE '' AS {_STAGING}")
        # 16 KB pages hold a staged record (about 4.5 KB) whole, where 4 KB pages spill each one
        # to an overflow page: staging and the copy take a quarter less time. A new table's pages
        # need no undo, and the journal of the rest can stay in memory: the file is thrown away.
        conn.execute(f"PRAGMA {_STAGING}.page_size = 16384")
        conn.execute(f"PRAGMA {_STAGING}.journal_mode = MEMORY")
        conn.execute(f"PRAGMA {_STAGING}.synchronous = OFF")
    rows = conn.execute(f"SELECT name FROM {_STAGING}.sqlite_master WHERE type = 'table'")
    return [row[0] for row in rows]


def _databases(conn: sqlite3.Connection) -> set[str]:
    return {row[1] for row in conn.execute("PRAGMA database_list")}


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
        record.issn,
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
