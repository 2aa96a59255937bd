"""What deduplication did: records, duplicates removed and unique per source, the PRISMA 2020
figures (Page et al. 2021, BMJ 372:n71: "records identified", "duplicate records removed") and the
pairs still waiting for a person."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cartsle_cli.dedup.review import count_pending


@dataclass(frozen=True)
class SourceDuplicates:
    """One search's records: how many dedup found duplicates of another record, how many it kept."""

    search_id: int
    database: str
    other_methods: bool
    records: int
    duplicates: int  # records merged into another record's cluster
    unique: int  # records kept for screening


@dataclass(frozen=True)
class DedupSummary:
    sources: list[SourceDuplicates]
    identified_databases: int  # PRISMA: records identified from databases and registers
    identified_other: int  # PRISMA: records identified through other methods
    duplicates_removed: int  # PRISMA: duplicate records removed before screening
    unique: int  # records left to screen
    pending_review: int  # grey-band pairs no person has decided


def source_duplicates(conn: sqlite3.Connection) -> list[SourceDuplicates]:
    """Per active search, in import order (a search with no records shows zeros)."""
    rows = conn.execute(
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
    ).fetchall()
    return [
        SourceDuplicates(search_id, database, bool(other), records, duplicates, records - duplicates)
        for search_id, database, other, records, duplicates in rows
    ]


def dedup_summary(conn: sqlite3.Connection) -> DedupSummary:
    """What dedup did, without anything of screening: dedup comes before it in the pipeline."""
    sources = source_duplicates(conn)
    return DedupSummary(
        sources=sources,
        identified_databases=sum(s.records for s in sources if not s.other_methods),
        identified_other=sum(s.records for s in sources if s.other_methods),
        duplicates_removed=sum(s.duplicates for s in sources),
        unique=conn.execute("SELECT COUNT(*) FROM unique_records").fetchone()[0],
        pending_review=count_pending(conn),
    )
