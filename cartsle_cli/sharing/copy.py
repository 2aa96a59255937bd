"""`cartsle share`: a consistent, blind copy of the review for one person, that can come back.

The copy is made through SQLite's backup API (:func:`store.backup.backup_review`), so it is one
snapshot even while others write. Screening is blind in cartsle (``outcomes.unblinded``): a
reviewer sees the other votes on a record only once every required reviewer has voted on it. The
copy keeps what its reviewer could see in the main review and nothing more:

- their own votes and their history, undos included;
- other reviewers' votes and resolutions only where the reviewer has seen them already (a
  resolution settles a conflict between votes, so it tells the votes: it goes where they go);
- their own appraisals; other appraisers' loads are removed, appraisal being independent too.

The removed rows are gone from the file (it is vacuumed), not only hidden. The copy carries a
share record (review id, share id, reviewer, when, a fingerprint of its searches and records) so
that `cartsle merge` can recognise it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.outcomes import unblinded
from cartsle_cli.store.backup import backup_review
from cartsle_cli.store.connection import transaction
from cartsle_cli.store.searches import now_utc


@dataclass(frozen=True)
class Share:
    """A copy given out: who it is for, and what it held when made."""

    path: Path
    review_id: str
    share_id: str
    reviewer: str
    shared_at: str
    fingerprint: dict
    removed_votes: int
    removed_appraisals: int


def review_id(conn: sqlite3.Connection) -> str:
    return conn.execute("SELECT review_id FROM review_identity").fetchone()[0]


def fingerprint(conn: sqlite3.Connection) -> dict:
    """What a copy's records rest on: its searches (id, file hash, record count, removed) and the
    number of records. A copy whose fingerprint changed had searches imported or removed. (Protocol
    versions are compared by `cartsle merge` itself, version by version: ``sharing.checks``.)"""
    searches = [
        [row[0], row[1], row[2], row[3]]
        for row in conn.execute("SELECT id, sha256, record_count, removed_at FROM searches ORDER BY id")
    ]
    records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
    schema = conn.execute("PRAGMA user_version").fetchone()[0]
    return {"searches": searches, "records": records, "schema": schema}


def share_review(conn: sqlite3.Connection, reviewer: str, out: str | Path) -> Share:
    """Write a blind copy of the open review for ``reviewer`` to ``out`` and record it as given out."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise CartsleError("whose copy? give --reviewer NAME", field="reviewer")
    out = Path(out)
    if out.exists():
        raise CartsleError("the file exists already; choose another name", file=out)
    if conn.execute("SELECT 1 FROM review_shares WHERE is_this_copy = 1").fetchone():
        raise CartsleError("this review is itself a shared copy; share from the main review")
    share = Share(
        path=out,
        review_id=review_id(conn),
        share_id=str(uuid.uuid4()),
        reviewer=reviewer,
        shared_at=now_utc(),
        fingerprint=fingerprint(conn),
        removed_votes=0,
        removed_appraisals=0,
    )
    backup_review(conn, out)
    try:
        removed_votes, removed_appraisals = _make_blind(out, share)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    with transaction(conn):
        _record(conn, share, is_this_copy=False)
    return Share(
        **{**share.__dict__, "removed_votes": removed_votes, "removed_appraisals": removed_appraisals}
    )


def _record(conn: sqlite3.Connection, share: Share, *, is_this_copy: bool) -> None:
    conn.execute(
        "INSERT INTO review_shares (share_id, reviewer, shared_at, fingerprint, is_this_copy)"
        " VALUES (?, ?, ?, ?, ?)",
        (share.share_id, share.reviewer, share.shared_at, json.dumps(share.fingerprint), int(is_this_copy)),
    )


def _make_blind(path: Path, share: Share) -> tuple[int, int]:
    """Remove from the copy what its reviewer may not see, add its share record, vacuum it."""
    copy = sqlite3.connect(path, isolation_level=None)
    try:
        copy.execute("PRAGMA foreign_keys = ON")
        with transaction(copy):
            seen = unblinded(copy, share.reviewer)
            units = dict(copy.execute("SELECT record_id, unit_id FROM record_units").fetchall())
            hidden = [
                row[0]
                for row in copy.execute(
                    "SELECT id, record_id, stage, reviewer, resolution FROM screening_decisions"
                )
                if (row[3] != share.reviewer or row[4]) and (units.get(row[1], row[1]), row[2]) not in seen
            ]
            copy.executemany("DELETE FROM screening_decisions WHERE id = ?", [(i,) for i in hidden])
            loads = [
                (row[0],)
                for row in copy.execute(
                    "SELECT id FROM appraisal_loads WHERE reviewer != ?", (share.reviewer,)
                )
            ]
            copy.executemany("DELETE FROM appraisal_rows WHERE load_id = ?", loads)
            copy.executemany("DELETE FROM appraisal_loads WHERE id = ?", loads)
            copy.execute("DELETE FROM review_shares")
            _record(copy, share, is_this_copy=True)
        copy.execute("PRAGMA journal_mode = DELETE")  # one file to send, no -wal beside it
        copy.execute("VACUUM")  # the removed votes leave the file, not only the tables
    finally:
        copy.close()
    return len(hidden), len(loads)
