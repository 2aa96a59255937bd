"""What deduplication did: records, duplicates removed and unique per source, the PRISMA 2020
figures (Page et al. 2021, BMJ 372:n71: "records identified", "duplicate records removed") and the
pairs still waiting for a person."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cartsle_cli.dedup.review import count_pending
from cartsle_cli.review_status import SourceStatus, source_status


@dataclass(frozen=True)
class DedupSummary:
    sources: list[SourceStatus]
    identified_databases: int  # PRISMA: records identified from databases and registers
    identified_other: int  # PRISMA: records identified through other methods
    duplicates_removed: int  # PRISMA: duplicate records removed before screening
    unique: int  # records left to screen
    pending_review: int  # grey-band pairs no person has decided


def dedup_summary(conn: sqlite3.Connection) -> DedupSummary:
    sources = source_status(conn)
    return DedupSummary(
        sources=sources,
        identified_databases=sum(s.records for s in sources if not s.other_methods),
        identified_other=sum(s.records for s in sources if s.other_methods),
        duplicates_removed=sum(s.duplicates for s in sources),
        unique=conn.execute("SELECT COUNT(*) FROM unique_records").fetchone()[0],
        pending_review=count_pending(conn),
    )
