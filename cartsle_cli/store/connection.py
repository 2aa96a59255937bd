"""Opening the review file and running writes in transactions.

Every command opens the review through :func:`open_review` and makes all of its writes inside one
:func:`transaction`, so a failed or killed command leaves the review as it was before.

What the file can be, and what happens (issue 14):
- not there: created only by a command that may create it (``import``);
- not an SQLite file, or an SQLite file with someone else's tables: refused, never given
  cartsle's tables;
- damaged (a corrupt page): every command says so, with the advice to restore a backup, and none
  writes into it (SQLite's ``quick_check`` on open, for reviews up to 256 MB);
- read-only (the file or its folder): opened read-only, so reading commands work and leave no
  ``-wal``/``-shm`` behind; a write says the review is read-only;
- busy (another writer holds the lock past the busy timeout), disk full: one line, nothing written.

Closing a review (:class:`ReviewConnection`) checkpoints the WAL into the file, so a review copied after a command has
finished is complete without its ``-wal`` file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.store.faults import RESTORE_ADVICE, explain
from cartsle_cli.store.migrations import SCHEMA_VERSION, migrate, schema_version

BUSY_TIMEOUT_MS = 30_000
# A record row with its fields and raw text is 2-8 KB: a 16 KB page holds two or more whole,
# where SQLite's default 4 KB page spills each to overflow pages (an import of 50,000 generated
# records took a tenth less CPU). Set when a review is created; in WAL mode it cannot change.
PAGE_SIZE = 16384
# quick_check reads every page (about 10 ms a MB): run on open up to this size.
QUICK_CHECK_LIMIT_BYTES = 256 * 1024 * 1024


def busy_timeout_ms() -> int:
    """How long a writer waits for the lock: CARTSLE_BUSY_TIMEOUT seconds, else 30 s."""
    try:
        return int(float(os.environ["CARTSLE_BUSY_TIMEOUT"]) * 1000)
    except (KeyError, ValueError):
        return BUSY_TIMEOUT_MS


def open_review(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (or create) the review at ``path``, with the schema brought up to date."""
    path = Path(path)
    exists = path.exists()
    if not create and not exists:
        raise CartsleError("no review here: run `cartsle import` first or give --db", file=path)
    read_only = _read_only(path, exists)
    if read_only and not exists:
        raise CartsleError("cannot create the review here: the folder is read-only", file=path)
    if read_only:
        _refuse_pending_wal(path)
    timeout = busy_timeout_ms()
    # Read-only: immutable, so SQLite needs no -shm file (it could not create one in a read-only
    # folder) and leaves none behind (one made read-only like the file would keep the review
    # read-only after `chmod u+w`).
    target, uri = (
        (f"{path.resolve().as_uri()}?mode=ro&immutable=1", True) if read_only else (str(path), False)
    )
    try:
        conn = sqlite3.connect(
            target, uri=uri, timeout=timeout / 1000, isolation_level=None, factory=ReviewConnection
        )
    except sqlite3.OperationalError as error:
        raise explain(error, path) or CartsleError(f"cannot open the review: {error}", file=path) from None
    conn.path, conn.read_only = path, read_only
    _last_opened[:] = [path]
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        conn.execute("PRAGMA foreign_keys = ON")
        _refuse_non_sqlite(conn, path)
        _refuse_foreign(conn, path)
        _quick_check(conn, path)
        if read_only:
            if schema_version(conn) < SCHEMA_VERSION:
                raise CartsleError(
                    "this review needs its schema brought up to date, which writes to it, and it is read-only",
                    file=path,
                )
        else:
            if schema_version(conn) == 0:  # a new review (SQLite ignores this on one with pages)
                conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(conn, path)
    except sqlite3.Error as error:
        conn.close()
        raise explain(error, path) or CartsleError(f"cannot open the review: {error}", file=path) from None
    except CartsleError:
        conn.close()
        raise
    return conn


def require_transaction(conn: sqlite3.Connection) -> None:
    """Refuse to write outside a transaction: a function whose docstring says "the caller holds
    the transaction" calls this first, so a caller that forgot (`run_dedup` once ran without one,
    each statement committed on its own) fails at once instead of leaving half its work behind."""
    if not conn.in_transaction:
        raise RuntimeError("this write must run inside `with transaction(conn):`")


class ReviewConnection(sqlite3.Connection):
    """A connection to a review: knows its file, and checkpoints the WAL when it is closed."""

    path: Path | None = None
    read_only: bool = False

    def close(self) -> None:
        """Checkpoint the WAL into the review file, then close.

        TRUNCATE when nobody else is using the review, so the file alone is the whole review (a
        copy of ``cartsle.db`` without its ``-wal`` loses nothing). While a reviewer is still
        screening, TRUNCATE cannot finish; PASSIVE then copies what it can without waiting, so
        closing never holds up a command. A read-only review is closed as it is.
        """
        try:
            if not self.read_only and not self.in_transaction:
                self.execute("PRAGMA busy_timeout = 0")
                busy = self.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                if busy:
                    self.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # housekeeping only: every commit is in the WAL already
        finally:
            super().close()


def review_path(conn: sqlite3.Connection) -> Path | None:
    return getattr(conn, "path", None)


_last_opened: list[Path] = []


def last_review_path() -> Path | None:
    """The review this process opened last: named in a fault's message when no connection is at hand."""
    return _last_opened[0] if _last_opened else None


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block's writes as one transaction: all of them are kept, or none.

    ``BEGIN IMMEDIATE`` takes the write lock at the start, so two reviewers writing at once wait
    for each other (up to the busy timeout) instead of failing half-way; a writer that still
    cannot have it, a full disk, a read-only or damaged file end in one CartsleError.
    """
    path = review_path(conn)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise explain(error, path) or error from None
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as error:
        # SQLite rolls back by itself after some errors (a full disk): a second ROLLBACK would
        # fail with "no transaction is active" and hide the cause.
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        fault = explain(error, path) if isinstance(error, (sqlite3.Error, OSError)) else None
        if fault is not None:
            raise fault from None
        raise


def _quick_check(conn: sqlite3.Connection, path: Path | None) -> None:
    """Every command finds a damaged file damaged, and none writes into it: SQLite's quick_check
    when the review is opened (up to QUICK_CHECK_LIMIT_BYTES; above it, SQLite's own checks of
    each page it reads)."""
    if path is None or not path.exists() or path.stat().st_size > QUICK_CHECK_LIMIT_BYTES:
        return
    try:
        result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.Error as error:
        raise explain(error, path) or error from None
    if result != "ok":
        raise CartsleError(f"the review file is damaged ({result}): {RESTORE_ADVICE}", file=path)


def _read_only(path: Path, exists: bool) -> bool:
    """The file (or, for a new one, its folder) cannot be written, or the folder cannot take the
    ``-wal`` and ``-shm`` files a writer needs."""
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK):
        return True
    return exists and not os.access(path, os.W_OK)


def _refuse_pending_wal(path: Path) -> None:
    """A read-only review whose -wal still holds commits (a killed session) cannot be read whole."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise CartsleError(
            "the review is read-only and its last changes are still in its -wal file: make the file and"
            " its folder writable and run any cartsle command to fold them in",
            file=path,
        )


def _refuse_non_sqlite(conn: sqlite3.Connection, path: Path) -> None:
    """A file that is not an SQLite database is refused before anything is written to it.

    Asked of SQLite itself, never by opening the file from Python: closing any descriptor of a
    file drops every POSIX lock this process holds on it, so another connection of the same
    process would lose its locks and could read pages a checkpoint in another process is
    rewriting ("How To Corrupt An SQLite Database File", section 2.2, sqlite.org).
    """
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise CartsleError(
                "not a cartsle review: this file is not an SQLite database", file=path
            ) from None
        raise


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """An SQLite file someone else made (tables, no cartsle schema version) is never migrated."""
    if schema_version(conn) != 0:
        return
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 3")]
    if tables:
        raise CartsleError(
            f"not a cartsle review: this SQLite file has other tables ({', '.join(tables)}); "
            "give --db a cartsle review or a new file name",
            file=path,
        )
