"""What has happened to each source's records so far: duplicates, then screening."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from cartsle_cli.screening.outcomes import FINAL, Outcome, stage_outcomes


@dataclass(frozen=True)
class SourceStatus:
    search_id: int
    database: str
    other_methods: bool
    records: int
    duplicates: int  # records merged into another record's cluster
    unique: int  # records kept for screening: the sum of the four below
    excluded_title_abstract: int
    excluded_full_text: int
    included: int
    awaiting: int  # not yet decided at the stage they have reached


def fate(title_abstract: Outcome | None, full_text: Outcome | None) -> str:
    """Where a kept record stands: one of the four screening columns of :class:`SourceStatus`."""
    if title_abstract is None or title_abstract.status != FINAL:
        return "awaiting"
    if title_abstract.decision == "exclude":
        return "excluded_title_abstract"
    if full_text is None or full_text.status != FINAL:
        return "awaiting"
    return "included" if full_text.decision == "include" else "excluded_full_text"


def source_status(conn: sqlite3.Connection) -> list[SourceStatus]:
    title_abstract, full_text = stage_outcomes(conn, "ta"), stage_outcomes(conn, "ft")
    rows = conn.execute(
        """
        SELECT s.id AS search_id, s.database, s.other_methods, r.id AS record_id,
               c.cluster_id IS NOT NULL AND c.cluster_id != r.id AS duplicate
        FROM searches s
        LEFT JOIN records r ON r.search_id = s.id
        LEFT JOIN record_clusters c ON c.record_id = r.id
        WHERE s.removed_at IS NULL
        ORDER BY s.id
        """
    ).fetchall()
    searches: dict[int, tuple[str, bool]] = {}
    counts: dict[int, Counter] = {}
    for row in rows:
        searches[row["search_id"]] = (row["database"], bool(row["other_methods"]))
        tally = counts.setdefault(row["search_id"], Counter())
        if row["record_id"] is None:
            continue
        tally["records"] += 1
        if row["duplicate"]:
            tally["duplicates"] += 1
        else:
            tally[fate(title_abstract.get(row["record_id"]), full_text.get(row["record_id"]))] += 1
    return [
        SourceStatus(
            search_id,
            database,
            other,
            tally["records"],
            tally["duplicates"],
            tally["records"] - tally["duplicates"],
            tally["excluded_title_abstract"],
            tally["excluded_full_text"],
            tally["included"],
            tally["awaiting"],
        )
        for search_id, (database, other) in searches.items()
        for tally in [counts[search_id]]
    ]
