"""`cartsle merge`: bring back what a person did in their shared copy, as a union of histories.

Every history row carries an event id (``store/schema/share.sql``), kept by the copy. A merge adds
the copy's events the main review does not have, each once, in the copy's order; an undo in the
copy sets ``undone_at`` on the same event here (the earlier time when both were undone, so the
result does not depend on which copy came first). The current vote is the latest by the time it
was given (``screening_current``), not by row id, so two copies merged in either order give the
same decisions, agreement and PRISMA counts.

Merged: screening votes and resolutions with their notes and undos, dedup decisions (clusters are
rebuilt), the reports the copy linked to studies (:func:`study_links`), full-text status, extraction loads, appraisal loads and resolutions, GRADE judgements
and comments. A copy that cannot be merged cleanly is refused before anything is written
(``checks``: another review, records imported in the copy, a protocol version this review does not
have, events under another reviewer's name).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.dedup.run import rebuild_clusters
from cartsle_cli.screening.studies import link_report
from cartsle_cli.sharing.checks import NEW_EVENTS, check_copy, check_people
from cartsle_cli.store.connection import transaction

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
    added: dict[str, int]  # per history table, and "study_reports": reports linked to a study
    undone: int
    dry_run: bool
    links_kept: int = 0  # reports the copy links to another study than this review does: left as here


def merge_copy(conn: sqlite3.Connection, path: str | Path, *, dry_run: bool = False) -> MergeResult:
    """Merge the shared copy at ``path`` into the open review, in one transaction."""
    path = Path(path)
    share = check_copy(conn, path)
    conn.execute("ATTACH DATABASE ? AS copy", (str(path),))
    try:
        check_people(conn, share["reviewer"], path)
        added = {table: _count_new(conn, table) for table in HISTORIES}
        undone = _count_undos(conn)
        if dry_run:
            new_links, kept = study_links(conn)
        else:
            with transaction(conn):
                for table, children in HISTORIES.items():
                    _add_new(conn, table, children)
                _apply_undos(conn)
                if added["dedup_decisions"]:
                    rebuild_clusters(conn)
                new_links, kept = study_links(conn)
                for record_id, label in new_links:
                    link_report(conn, record_id, label)
        added["study_reports"] = len(new_links)
    finally:
        conn.execute("DETACH DATABASE copy")
    return MergeResult(share["reviewer"], share["share_id"], added, undone, dry_run, kept)


def study_links(conn: sqlite3.Connection) -> tuple[list[tuple[int, str]], int]:
    """The copy's links of reports to studies (by label) that this review lacks, and how many of
    the copy's links name another study than this review does.

    Links are the review's state, not a history: a reviewer makes them with the study column of
    a full-text file (or `screen link`). A report this review has not placed yet takes the copy's
    study; one placed here stays where it is (the lead's `screen link`, or the other copy merged
    first), and is counted, so a disagreement is told, never settled silently by merge order.
    Record ids are mapped to this review's kept records (merged dedup decisions may move them).
    """
    rows = conn.execute(
        "SELECT mu.unit_id, cs.label, ms.label FROM copy.study_reports cr"
        " JOIN copy.studies cs ON cs.id = cr.study_id"
        " JOIN main.record_units mu ON mu.record_id = cr.record_id"
        " LEFT JOIN main.study_reports mr ON mr.record_id = mu.unit_id"
        " LEFT JOIN main.studies ms ON ms.id = mr.study_id"
        " ORDER BY mu.unit_id, cs.label"
    ).fetchall()
    new: dict[int, str] = {}
    kept = 0
    for unit, label, here in rows:
        if here is None:
            new.setdefault(unit, label)
        elif here != label:
            kept += 1
    return sorted(new.items()), kept


def _columns(conn: sqlite3.Connection, table: str, *, leave_out: tuple[str, ...] = ("id",)) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})") if row[1] not in leave_out]


def _count_new(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) {NEW_EVENTS.format(t=table)}").fetchone()[0]


def _add_new(conn: sqlite3.Connection, table: str, children: tuple[str, ...]) -> None:
    """Append the copy's new events of ``table`` in the copy's order; a load brings its rows."""
    names = _columns(conn, table)
    columns = ", ".join(names)
    picked = ", ".join(f"c.{name}" for name in names)
    if not children:
        conn.execute(
            f"INSERT INTO main.{table} ({columns}) SELECT {picked} {NEW_EVENTS.format(t=table)} ORDER BY c.id"
        )
        return
    for row in conn.execute(f"SELECT c.id, {picked} {NEW_EVENTS.format(t=table)} ORDER BY c.id").fetchall():
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
