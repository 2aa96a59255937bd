"""What a shared copy must be before `cartsle merge` writes any of it into the review.

Every check raises one :class:`CartsleError` saying why and what to do; the merge has written
nothing when one fails. The checks, in order:

- the file is a whole SQLite file of cartsle's schema, a copy of this review, made by `cartsle
  share` for a reviewer this review gave it to;
- its searches and records are the ones it was given (nothing imported or removed in the copy);
- its protocol versions are this review's: each version the copy holds is here with the same text
  (a protocol loaded in the copy, or loaded in both after sharing, would point the copy's
  extraction at a protocol this review does not have, or at another one under the same number);
- every event it brings back is its reviewer's: a copy for ana that carries votes, loads or undos
  under ben's name would merge work into ben's history that ben never did, and blindness and
  agreement rest on each person's votes being their own.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.sharing.copy import fingerprint, review_id
from cartsle_cli.store.migrations import schema_version

# The column naming the person behind each history's events ('' or NULL: nobody was named).
PEOPLE: dict[str, str] = {
    "screening_decisions": "reviewer",
    "dedup_decisions": "reviewer",
    "fulltext_status": "reviewer",
    "extract_loads": "extractor",
    "extract_resolutions": "reviewer",
    "appraisal_loads": "reviewer",
    "appraisal_resolutions": "reviewer",
    "grade_judgements": "reviewer",
    "grade_comments": "reviewer",
}

_KINDS = {
    "screening_decisions": "screening votes",
    "dedup_decisions": "dedup decisions",
    "fulltext_status": "full-text statuses",
    "extract_loads": "extraction loads",
    "extract_resolutions": "extraction resolutions",
    "appraisal_loads": "appraisal loads",
    "appraisal_resolutions": "appraisal resolutions",
    "grade_judgements": "GRADE judgements",
    "grade_comments": "GRADE comments",
}

# The copy's events the main review does not have yet (the copy attached as ``copy``).
NEW_EVENTS = (
    "FROM copy.{t} c WHERE c.event_id NOT IN (SELECT event_id FROM main.{t} WHERE event_id IS NOT NULL)"
)


def check_copy(conn: sqlite3.Connection, path: Path) -> sqlite3.Row:
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
        _check_protocols(conn, copy, path)
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


def _check_protocols(conn: sqlite3.Connection, copy: sqlite3.Connection, path: Path) -> None:
    """Each of the copy's protocol versions is here under its number with the same text.

    The text decides, not when or from which path it was loaded: the lead may load the file the
    reviewer loaded, and the copy's extraction then reads the same protocol here. This review may
    have later versions than the copy: the copy's loads name the versions they were checked against.
    """
    sql = "SELECT id, sha256, text FROM protocol_versions ORDER BY id"
    here = {row[0]: (row[1], row[2]) for row in conn.execute(sql)}
    for version, sha256, text in copy.execute(sql):
        if version not in here:
            raise CartsleError(
                f"the copy has protocol version {version}, which this review does not have (a protocol"
                " loaded in the copy): load that protocol here first, then merge",
                file=path,
            )
        if here[version] != (sha256, text):
            raise CartsleError(
                f"protocol version {version} differs between the copy and this review (each loaded"
                " its own): load one protocol here, share again, and redo the copy's extraction on it",
                file=path,
            )


def check_people(conn: sqlite3.Connection, reviewer: str, path: Path) -> None:
    """Refuse a copy (attached as ``copy``) whose new events or undos name someone else."""
    for table, person in PEOPLE.items():
        row = conn.execute(
            f"SELECT c.{person}, count(*) {NEW_EVENTS.format(t=table)}"
            f" AND coalesce(c.{person}, '') NOT IN ('', ?) GROUP BY c.{person} ORDER BY c.{person} LIMIT 1",
            (reviewer,),
        ).fetchone()
        if row is not None:
            raise CartsleError(
                f"the copy for {reviewer!r} holds {row[1]} {_KINDS[table]} by {row[0]!r}: a copy brings"
                f" back only its own reviewer's work ({row[0]} works on their own copy); nothing merged",
                file=path,
            )
    row = conn.execute(
        "SELECT m.reviewer, count(*) FROM main.screening_decisions m"
        " JOIN copy.screening_decisions c ON c.event_id = m.event_id"
        " WHERE c.undone_at IS NOT NULL AND (m.undone_at IS NULL OR c.undone_at < m.undone_at)"
        " AND m.reviewer <> ?"
        " GROUP BY m.reviewer ORDER BY m.reviewer LIMIT 1",
        (reviewer,),
    ).fetchone()
    if row is not None:
        raise CartsleError(
            f"the copy for {reviewer!r} undoes {row[1]} screening votes by {row[0]!r}: only a vote's"
            " own reviewer may undo it; nothing merged",
            file=path,
        )
