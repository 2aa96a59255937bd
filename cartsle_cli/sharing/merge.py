"""`cartsle merge`: bring back what a person did in their shared copy, as a union of histories.

Every history row carries an event id (``store/schema/share.sql``), kept by the copy. A merge adds
the copy's events the main review does not have, each once, in the copy's order; an undo in the
copy sets ``undone_at`` on the same event here (the earlier time when both were undone, so the
result does not depend on which copy came first). The current vote is the latest by the time it
was given (``screening_current``), not by row id, so two copies merged in either order give the
same decisions, agreement and PRISMA counts.

Merged: screening votes and resolutions with their notes and undos, dedup decisions (clusters are
rebuilt), full-text status, extraction loads, appraisal loads and resolutions, GRADE judgements
and comments. A copy that cannot be merged cleanly is refused before anything is written.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.dedup.run import rebuild_clusters
from cartsle_cli.errors import CartsleError
from cartsle_cli.sharing.copy import fingerprint, review_id
from cartsle_cli.store.connection import transaction
from cartsle_cli.store.migrations import schema_version

# History tables merged by event id, with their child tables (rows that hang on a load by load_id).
HISTORIES: dict[str, tuple[str, ...]] = {
    "screening_decisions": (),
    "dedup_decisions": (),
    "fulltext_status": (),
    "extract_loads": ("extract_files", "extract_values"),
    "extract_resolutions": (),
    "appraisal_loads": ("appraisal_rows",),
    "appraisal_resolutions": (),
    "grade_judgements": (),
    "grade_comments": (),
}


@dataclass(frozen=True)
class MergeResult:
    """What a merge added (or would add, for a dry run), per kind of event."""

    reviewer: str
    share_id: str
    added: dict[str, int]
    undone: int
    dry_run: bool


def merge_copy(conn: sqlite3.Connection, path: str | Path, *, dry_run: bool = False) -> MergeResult:
    """Merge the shared copy at ``path`` into the open review, in one transaction."""
    path = Path(path)
    share = _check_copy(conn, path)
    conn.execute("ATTACH DATABASE ? AS copy", (str(path),))
    try:
        added = {table: _count_new(conn, table) for table in HISTORIES}
        undone = _count_undos(conn)
        if not dry_run:
            with transaction(conn):
                for table, children in HISTORIES.items():
                    _add_new(conn, table, children)
                _apply_undos(conn)
                if added["dedup_decisions"]:
                    rebuild_clusters(conn)
    finally:
        conn.execute("DETACH DATABASE copy")
    return MergeResult(share["reviewer"], share["share_id"], added, undone, dry_run)


def _check_copy(conn: sqlite3.Connection, path: Path) -> sqlite3.Row:
    """The copy's share record, once the copy is known to be a whole, unchanged copy of this review."""
    if not path.is_file():
        raise CartsleError("no such file", file=path)
    try:
        copy = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise CartsleError(f"cannot open the copy: {error}", file=path) from error
    copy.row_factory = sqlite3.Row
    try:
        try:
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise CartsleError(f"not a cartsle review, or damaged: {error}", file=path) from error
        if check != "ok":
            raise CartsleError(f"the copy is damaged (truncated?): {check}", file=path)
        if not {"records", "screening_decisions"} <= tables:
            raise CartsleError("not a cartsle review", file=path)
        if "review_identity" not in tables or schema_version(copy) != schema_version(conn):
            raise CartsleError(
                f"the copy has schema {schema_version(copy)}, this review {schema_version(conn)}:"
                " open both with the same cartsle first",
                file=path,
            )
        if review_id(copy) != review_id(conn):
            raise CartsleError("this is a copy of another review (its review id differs)", file=path)
        share = copy.execute("SELECT * FROM review_shares WHERE is_this_copy = 1").fetchone()
        if share is None:
            raise CartsleError("not a shared copy (made by `cartsle share`) of this review", file=path)
        given = conn.execute(
            "SELECT reviewer FROM review_shares WHERE share_id = ? AND is_this_copy = 0", (share["share_id"],)
        ).fetchone()
        if given is None or given[0] != share["reviewer"]:
            raise CartsleError(
                f"this review never gave a copy {share['share_id']} to {share['reviewer']!r}", file=path
            )
        _check_records(conn, copy, json.loads(share["fingerprint"]), path)
        return share
    finally:
        copy.close()


def _check_records(conn: sqlite3.Connection, copy: sqlite3.Connection, shared: dict, path: Path) -> None:
    now = fingerprint(copy)
    if now["searches"] != shared["searches"] or now["records"] != shared["records"]:
        raise CartsleError(
            "searches were imported or removed in the copy; import them in the main review instead", file=path
        )
    here = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, sha256, record_count FROM searches")}
    for search_id, sha256, count, _removed in now["searches"]:
        if here.get(search_id) != (sha256, count):
            raise CartsleError(f"search {search_id} of the copy is not this review's", file=path)


def _columns(conn: sqlite3.Connection, table: str, *, leave_out: tuple[str, ...] = ("id",)) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})") if row[1] not in leave_out]


_NEW = "FROM copy.{t} c WHERE c.event_id NOT IN (SELECT event_id FROM main.{t} WHERE event_id IS NOT NULL)"


def _count_new(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) {_NEW.format(t=table)}").fetchone()[0]


def _add_new(conn: sqlite3.Connection, table: str, children: tuple[str, ...]) -> None:
    """Append the copy's new events of ``table`` in the copy's order; a load brings its rows."""
    names = _columns(conn, table)
    columns = ", ".join(names)
    picked = ", ".join(f"c.{name}" for name in names)
    if not children:
        conn.execute(
            f"INSERT INTO main.{table} ({columns}) SELECT {picked} {_NEW.format(t=table)} ORDER BY c.id"
        )
        return
    for row in conn.execute(f"SELECT c.id, {picked} {_NEW.format(t=table)} ORDER BY c.id").fetchall():
        placeholders = ", ".join("?" for _ in row[1:])
        new_id = conn.execute(
            f"INSERT INTO main.{table} ({columns}) VALUES ({placeholders})", tuple(row[1:])
        ).lastrowid
        for child in children:
            kept = ", ".join(_columns(conn, child, leave_out=("id", "load_id")))
            conn.execute(
                # no ORDER BY rowid: extract_values is a WITHOUT ROWID table, keyed by its cells
                f"INSERT INTO main.{child} (load_id, {kept}) SELECT ?, {kept} FROM copy.{child}"
                " WHERE load_id = ?",
                (new_id, row[0]),
            )


_UNDOS = (
    "FROM main.screening_decisions m JOIN copy.screening_decisions c ON c.event_id = m.event_id"
    " WHERE c.undone_at IS NOT NULL AND (m.undone_at IS NULL OR c.undone_at < m.undone_at)"
)


def _count_undos(conn: sqlite3.Connection) -> int:
    return conn.execute(f"SELECT count(*) {_UNDOS}").fetchone()[0]


def _apply_undos(conn: sqlite3.Connection) -> None:
    conn.execute(
        "UPDATE main.screening_decisions SET undone_at = (SELECT c.undone_at FROM copy.screening_decisions c"
        " WHERE c.event_id = main.screening_decisions.event_id)"
        f" WHERE id IN (SELECT m.id {_UNDOS})"
    )
