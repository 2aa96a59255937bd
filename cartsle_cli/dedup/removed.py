"""Where the work done on a removed search's records counts: their cluster's surviving records.

Screening decisions and study links are stored against the record that was its cluster's kept
record when they were made. Removing a search takes its records out of ``record_clusters``; a
cluster whose kept record came from that search would lose every decision made on it (issue 14:
1,214 screened clusters sent back to "awaiting"). Before a removal, each of the search's records
that shares a cluster with records that stay is anchored to one of them in
``removed_record_units``; its decisions then count for the anchor's cluster, whichever record that
cluster keeps after the rebuild. A record that was alone (or whose whole cluster goes) has no
anchor: its decisions leave the review with it, and come back with ``searches restore``.
"""

from __future__ import annotations

import sqlite3


def unit_of(record: str) -> str:
    """SQL for the cluster (kept record id) the work stored on ``record`` counts for: the
    ``record_units`` view's one definition (the record's cluster, else - a removed record - its
    anchor's cluster, else the record itself), as ``screening_current`` counts it.
    """
    return f"(SELECT u.unit_id FROM record_units u WHERE u.record_id = {record})"


def anchor_removed_records(conn: sqlite3.Connection, search_id: int) -> int:
    """Anchor the search's clustered records to a record of their cluster that stays; run before the
    search is marked removed and its clusters rebuilt. Returns how many records were anchored.

    The anchor is the cluster's kept record when it stays, else its smallest surviving record.
    Records of earlier removals anchored to one of this search's records move to that record's
    anchor, so a chain of removals never strands a decision on a record that is gone.
    """
    conn.execute(
        """
        INSERT OR REPLACE INTO removed_record_units (record_id, anchor_id)
        SELECT record_id, anchor FROM (
            SELECT c.record_id,
                   (SELECT m.record_id FROM record_clusters m JOIN active_records a ON a.id = m.record_id
                    WHERE m.cluster_id = c.cluster_id AND a.search_id != :search
                    ORDER BY m.record_id = m.cluster_id DESC, m.record_id LIMIT 1) AS anchor
            FROM record_clusters c JOIN records r ON r.id = c.record_id
            WHERE r.search_id = :search
        ) WHERE anchor IS NOT NULL
        """,
        {"search": search_id},
    )
    anchored = conn.execute("SELECT changes()").fetchone()[0]
    conn.execute(
        """
        UPDATE removed_record_units
        SET anchor_id = COALESCE(
            (SELECT u.anchor_id FROM removed_record_units u WHERE u.record_id = removed_record_units.anchor_id),
            anchor_id)
        WHERE anchor_id IN (SELECT id FROM records WHERE search_id = :search)
        """,
        {"search": search_id},
    )
    return anchored


def release_restored_records(conn: sqlite3.Connection, search_id: int) -> None:
    """The search is back: its records are in clusters of their own again (after the rebuild)."""
    conn.execute(
        "DELETE FROM removed_record_units WHERE record_id IN (SELECT id FROM records WHERE search_id = ?)",
        (search_id,),
    )
