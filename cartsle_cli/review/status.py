"""What has happened to each source's records so far: duplicates, then screening."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from cartsle_cli.screening.outcomes import FINAL, Result, stage_results, tuples


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


def fate(title_abstract: Result | None, full_text: Result | None) -> str:
    """Where a kept record stands: one of the four screening columns of :class:`SourceStatus`."""
    if title_abstract is None or title_abstract.status != FINAL:
        return "awaiting"
    if title_abstract.decision == "exclude":
        return "excluded_title_abstract"
    if full_text is None or full_text.status != FINAL:
        return "awaiting"
    return "included" if full_text.decision == "include" else "excluded_full_text"


def source_status(conn: sqlite3.Connection) -> list[SourceStatus]:
    """Per active search, in id order: its records counted in SQL, its kept records by fate; a
    duplicate is a record whose unit is another's (``record_units``, as the dedup summary counts)."""
    title_abstract, full_text = stage_results(conn, "ta"), stage_results(conn, "ft")
    fates = {unit: fate(found, full_text.get(unit)) for unit, found in title_abstract.items()}
    searches = tuples(conn).execute(
        """
        SELECT s.id, s.database, s.other_methods, COUNT(r.id),
               COALESCE(SUM(u.unit_id != r.id), 0)
        FROM searches s
        LEFT JOIN records r ON r.search_id = s.id
        LEFT JOIN record_units u ON u.record_id = r.id
        WHERE s.removed_at IS NULL
        GROUP BY s.id
        ORDER BY s.id
        """
    )
    kept = tuples(conn).execute(  # the records that are not duplicates: each its own unit
        """
        SELECT r.search_id, r.id FROM records r
        JOIN searches s ON s.id = r.search_id
        JOIN record_units u ON u.record_id = r.id
        WHERE s.removed_at IS NULL AND u.unit_id = r.id
        """
    )
    tally = Counter((search_id, fates.get(record_id, "awaiting")) for search_id, record_id in kept)
    return [
        SourceStatus(
            search_id,
            database,
            bool(other),
            records,
            duplicates,
            records - duplicates,
            tally[search_id, "excluded_title_abstract"],
            tally[search_id, "excluded_full_text"],
            tally[search_id, "included"],
            tally[search_id, "awaiting"],
        )
        for search_id, database, other, records, duplicates in searches.fetchall()
    ]
