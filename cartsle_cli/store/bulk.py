"""Many rows stored by one statement: how dedup writes a run's hundreds of thousands of rows.

``executemany`` runs its INSERT once a row, and with foreign keys on each run opens a cursor on
every parent table again (INSERT OR REPLACE a statement journal too): a million-record review's
689,175 duplicate pairs took 17 s of CPU to store that way. Here the rows go to a temporary table
without constraints and are copied by one INSERT ... SELECT, which checks the same constraints and
foreign keys with its cursors opened once: 3.5 s. The temporary table has no column types, so it
keeps each value as given and the table's own column affinities apply as to a direct INSERT.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from cartsle_cli.store.connection import require_transaction


def insert_rows(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    or_replace: bool = False,
    stored_as: Mapping[str, str] | None = None,
) -> None:
    """``INSERT [OR REPLACE] INTO table (columns)`` each row, in order; the caller holds the
    transaction (a failure leaves nothing, the staged rows included). ``stored_as``: for a column,
    the SQL expression whose value is stored instead of the row's own, over the staged row as
    ``staged`` (``staged.abstract`` an id: the text fetched inside SQLite, never through Python)."""
    require_transaction(conn)
    names = ", ".join(columns)
    values = ", ".join((stored_as or {}).get(name, f"staged.{name}") for name in columns)
    staged = f"temp.staged_{table}"
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS staged_{table} ({names})")
    conn.execute(f"DELETE FROM {staged}")
    conn.executemany(f"INSERT INTO {staged} VALUES ({', '.join('?' * len(columns))})", rows)
    verb = "INSERT OR REPLACE" if or_replace else "INSERT"
    conn.execute(
        f"{verb} INTO {table} ({names}) SELECT {values} FROM {staged} AS staged ORDER BY staged.rowid"
    )
    conn.execute(f"DELETE FROM {staged}")
