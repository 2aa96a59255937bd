"""What has happened to each source's records so far: duplicates, then screening."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from cartsle_cli.screening.outcomes import FINAL, Outcome, stage_outcomes, tuples


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
    rows = (
        tuples(conn)
        .execute(  # plain tuples: one row per record
            """
        SELECT s.id AS search_id, s.database, s.other_methods, r.id AS record_id,
               c.cluster_id IS NOT NULL AND c.cluster_id != r.id AS duplicate
        FROM searches s
        LEFT JOIN records r ON r.search_id = s.id
        LEFT JOIN record_clusters c ON c.record_id = r.id
        WHERE s.removed_at IS NULL
        ORDER BY s.id
        """
        )
        .fetchall()
    )
    searches: dict[int, tuple[str, bool]] = {}
    counts: dict[int, Counter] = {}
    for search_id, database, other_methods, record_id, duplicate in rows:
        searches[search_id] = (database, bool(other_methods))
        tally = counts.setdefault(search_id, Counter())
        if record_id is None:
            continue
        tally["records"] += 1
        if duplicate:
            tally["duplicates"] += 1
        else:
            tally[fate(title_abstract.get(record_id), full_text.get(record_id))] += 1
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
