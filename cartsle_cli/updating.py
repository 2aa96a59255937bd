"""Search updates (living reviews): a rerun of a search joins the review without redoing it.

`cartsle import --update-of SEARCH_ID FILE` stores the rerun as a search of the next round
(``screening.updates``), then links every record the review has seen before to it: a record with
the same PMID, DOI, or the same database's own id or accession as an earlier record is recorded as
the same record (a dedup decision "same", how = "update of search N", so every later dedup run
keeps it), and a dedup run finds the rest (the same publication exported differently). Linked
records join their earlier record's cluster, so the decisions made on it stay and the record
never returns to screening; only the new unique records reach the queues.

Like ``importing`` this sits above formats, store, dedup and screening: it joins them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from cartsle_cli.dedup.decisions import record_decision
from cartsle_cli.dedup.run import run_dedup
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.updates import search_rounds
from cartsle_cli.store.searches import Search, get_search, now_utc


@dataclass(frozen=True)
class UpdateSummary:
    search_id: int
    update_of: int
    round: int
    records: int
    linked_by_id: int  # same PMID, DOI, or the database's id or accession as an earlier record
    duplicates_of_known: int  # found by dedup to be an earlier record exported differently
    duplicates_within: int  # duplicates among the update's own new records
    new_unique: int  # new unique records: these reach screening

    def to_dict(self) -> dict:
        return vars(self)


def updated_search(conn: sqlite3.Connection, search_id: int) -> Search:
    """The search an update reruns; an error when it is unknown or removed."""
    search = get_search(conn, search_id)
    if search.removed_at:
        raise CartsleError(f"search {search_id} ({search.file_name}) was removed; update an active search")
    return search


def snapshot_previous_version(conn: sqlite3.Connection, update_of: int) -> None:
    """Keep the pooled results as they stand, before the update round that reruns ``update_of``
    changes them (the first import of a round takes it); the caller holds the transaction."""
    from cartsle_cli.pooling import pool_review  # pandas and the statistics: only for updates

    round_ = search_rounds(conn).get(update_of, 0) + 1
    try:
        pooled = json.dumps(pool_review(conn).to_dict(), default=str)
    except CartsleError:  # nothing extracted yet: the previous version has no pooled results
        pooled = None
    conn.execute(
        "INSERT OR IGNORE INTO update_snapshots (round, taken_at, pool) VALUES (?, ?, ?)",
        (round_, now_utc(), pooled),
    )


def register_update(conn: sqlite3.Connection, search_id: int, update_of: int) -> int:
    """Mark ``search_id`` as a rerun of ``update_of`` and link the records seen before; the caller
    holds the transaction. Returns how many records were linked by id."""
    round_ = search_rounds(conn).get(update_of, 0) + 1
    conn.execute(
        "INSERT INTO search_updates (search_id, update_of, round) VALUES (?, ?, ?)",
        (search_id, update_of, round_),
    )
    earlier: dict[tuple[str, str], int] = {}
    for row in conn.execute(
        "SELECT r.id, r.pmid, r.doi, r.source_id, r.accession, s.database FROM active_records r"
        " JOIN searches s ON s.id = r.search_id WHERE r.search_id < ? ORDER BY r.id",
        (search_id,),
    ):
        for key in _keys(row):
            earlier.setdefault(key, row["id"])
    linked = 0
    for row in conn.execute(
        "SELECT r.id, r.pmid, r.doi, r.source_id, r.accession, s.database FROM records r"
        " JOIN searches s ON s.id = r.search_id WHERE r.search_id = ? ORDER BY r.id",
        (search_id,),
    ).fetchall():
        seen = next((earlier[key] for key in _keys(row) if key in earlier), None)
        if seen is not None:
            record_decision(conn, seen, row["id"], "same", reviewer=None, how=f"update of search {update_of}")
            linked += 1
    return linked


def _keys(row: sqlite3.Row) -> list[tuple[str, str]]:
    keys = []
    if row["pmid"]:
        keys.append(("pmid", row["pmid"]))
    if row["doi"]:
        keys.append(("doi", row["doi"]))
    for name in ("source_id", "accession"):
        if row[name]:
            keys.append((name, f"{row['database']}\x1f{row[name]}"))
    return keys


def finish_update(conn: sqlite3.Connection, updates: list[tuple[int, int, int]]) -> list[UpdateSummary]:
    """Deduplicate with the new records and count what each update brought; the caller holds the
    transaction. ``updates``: (search id, updated search id, records linked by id)."""
    run_dedup(conn)
    rounds = search_rounds(conn)
    new_searches = {search_id for search_id, _, _ in updates}
    members: dict[int, set[int]] = {}
    records_of: dict[int, list[tuple[int, int]]] = {search_id: [] for search_id in new_searches}
    for record_id, search_id, unit in conn.execute(
        "SELECT r.id, r.search_id, COALESCE(c.cluster_id, r.id) FROM active_records r"
        " LEFT JOIN record_clusters c ON c.record_id = r.id"
    ):
        members.setdefault(unit, set()).add(search_id)
        if search_id in records_of:
            records_of[search_id].append((record_id, unit))
    summaries = []
    for search_id, update_of, linked in updates:
        records = records_of[search_id]
        known = sum(1 for _, unit in records if members[unit] - new_searches)
        # A new unique record is counted with the search of its kept record.
        new_unique = sum(
            1 for record_id, unit in records if record_id == unit and not members[unit] - new_searches
        )
        summaries.append(
            UpdateSummary(
                search_id=search_id,
                update_of=update_of,
                round=rounds[search_id],
                records=len(records),
                linked_by_id=linked,
                duplicates_of_known=known - linked,
                duplicates_within=len(records) - known - new_unique,
                new_unique=new_unique,
            )
        )
    return summaries
