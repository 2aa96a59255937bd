"""Full-text availability: where each report's PDF or web page is, or that it could not be had.

Recorded with `cartsle screen fulltext ID --file PDF | --url URL | --not-retrieved`; the latest
entry per cluster counts. The full-text screen shows it, and PRISMA counts a report marked not
retrieved under "Reports not retrieved" unless a full-text decision has settled it otherwise.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.store.searches import now_utc

FILE, URL, NOT_RETRIEVED = "file", "url", "not_retrieved"


@dataclass(frozen=True)
class FullText:
    record_id: int  # the kept record of the cluster
    status: str  # FILE, URL or NOT_RETRIEVED
    location: str | None
    reviewer: str | None
    recorded_at: str

    def describe(self) -> str:
        """One line for the screen: "PDF: path", "URL: ..." or "not retrieved"."""
        if self.status == NOT_RETRIEVED:
            return "full text not retrieved"
        return f"{'PDF' if self.status == FILE else 'URL'}: {self.location}"


def set_fulltext(
    conn: sqlite3.Connection,
    unit: int,
    *,
    file: str | Path | None = None,
    url: str | None = None,
    not_retrieved: bool = False,
    reviewer: str | None = None,
) -> FullText:
    """Record where ``unit``'s full text is (exactly one of the three); the caller holds the
    transaction and has mapped the record to its kept record."""
    given = [
        option
        for option, value in (("--file", file), ("--url", url), ("--not-retrieved", not_retrieved))
        if value
    ]
    if len(given) != 1:
        raise CartsleError("give exactly one of --file PDF, --url URL or --not-retrieved", field="fulltext")
    if file is not None:
        status, location = FILE, str(file)
        if not Path(file).is_file():
            raise CartsleError("no such file", file=file, field="file")
    elif url is not None:
        status, location = URL, url.strip()
        if not location.lower().startswith(("http://", "https://")):
            raise CartsleError(f"a URL starts with http:// or https://, not {location!r}", field="url")
    else:
        status, location = NOT_RETRIEVED, None
    recorded = now_utc()
    conn.execute(
        "INSERT INTO fulltext_status (record_id, status, location, reviewer, recorded_at) VALUES (?, ?, ?, ?, ?)",
        (unit, status, location, reviewer, recorded),
    )
    return FullText(unit, status, location, reviewer, recorded)


def fulltext_status(conn: sqlite3.Connection) -> dict[int, FullText]:
    """The latest availability entry of each cluster, by kept record id."""
    rows = conn.execute(
        "SELECT COALESCE(c.cluster_id, f.record_id), f.status, f.location, f.reviewer, f.recorded_at"
        " FROM fulltext_status f LEFT JOIN record_clusters c ON c.record_id = f.record_id ORDER BY f.recorded_at, f.id"
    )
    return {row[0]: FullText(*row) for row in rows}


def not_retrieved_units(conn: sqlite3.Connection) -> set[int]:
    """Kept records whose latest availability entry says the full text could not be had."""
    return {unit for unit, entry in fulltext_status(conn).items() if entry.status == NOT_RETRIEVED}
