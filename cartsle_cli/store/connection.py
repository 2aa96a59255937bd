"""Opening the review file and running writes in transactions.

Every command opens the review through :func:`open_review` and makes all of its writes inside one
:func:`transaction`, so a failed or killed command leaves the review as it was before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.store.migrations import migrate

BUSY_TIMEOUT_MS = 30_000


def open_review(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (or create) the review at ``path``, with the schema brought up to date."""
    path = Path(path)
    if not create and not path.exists():
        raise CartsleError("no review here: run `cartsle import` first or give --db", file=path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.OperationalError as error:
        raise CartsleError(f"cannot open the review: {error}", file=path) from error
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn, path)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise CartsleError(f"not a cartsle review or damaged: {error}", file=path) from error
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


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block's writes as one transaction: all of them are kept, or none.

    ``BEGIN IMMEDIATE`` takes the write lock at the start, so two reviewers writing at once wait
    for each other (up to the busy timeout) instead of failing half-way.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
