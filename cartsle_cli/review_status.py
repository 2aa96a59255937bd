"""What has happened to each source's records so far."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceStatus:
    search_id: int
    database: str
    other_methods: bool
    records: int
    duplicates: int  # records merged into another source record's cluster
    unique: int


def source_status(conn: sqlite3.Connection) -> list[SourceStatus]:
    rows = conn.execute(
        """
        SELECT s.id, s.database, s.other_methods, COUNT(r.id) AS records,
               SUM(CASE WHEN c.cluster_id IS NOT NULL AND c.cluster_id != r.id THEN 1 ELSE 0 END) AS duplicates
        FROM searches s
        LEFT JOIN records r ON r.search_id = s.id
        LEFT JOIN record_clusters c ON c.record_id = r.id
        WHERE s.removed_at IS NULL
        GROUP BY s.id ORDER BY s.id
        """
    ).fetchall()
    return [
        SourceStatus(row["id"], row["database"], bool(row["other_methods"]), row["records"],
                     row["duplicates"] or 0, row["records"] - (row["duplicates"] or 0))
        for row in rows
    ]
