"""`cartsle searches remove` and `restore`: take a search out, or back in, keeping every decision.

A removal takes the search's records out of the review and rebuilds the duplicate clusters
without them; the decisions and study links stored on those records keep counting for the
clusters that survive (``dedup.removed``). Before anything is kept the caller sees what changes
(records, unique records, decided records, full-text includes, included studies): the removal runs
in a transaction that is rolled back unless it is confirmed. ``restore`` undoes a removal: the
clusters are rebuilt from the same pairs and decisions, so the review is as it was.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from cartsle_cli.dedup.removed import anchor_removed_records, release_restored_records
from cartsle_cli.dedup.run import rebuild_clusters
from cartsle_cli.screening import included_studies, stage_outcomes
from cartsle_cli.store import transaction
from cartsle_cli.store.searches import Search, get_search, remove_search, restore_search


@dataclass(frozen=True)
class ReviewFigures:
    records: int  # active records
    unique_records: int
    decided: int  # unique records with a current screening decision at any stage
    full_text_included: int
    studies_included: int


@dataclass(frozen=True)
class SearchChange:
    """What removing (or restoring) a search changes; ``applied`` False: nothing was kept."""

    action: str  # "remove" or "restore"
    search: Search
    before: ReviewFigures
    after: ReviewFigures
    applied: bool

    def to_dict(self) -> dict:
        return {
            "action": self.action,
            "search": asdict(self.search),
            "before": asdict(self.before),
            "after": asdict(self.after),
            "applied": self.applied,
        }


class _Preview(Exception):
    def __init__(self, change: SearchChange) -> None:
        self.change = change


def review_figures(conn: sqlite3.Connection) -> ReviewFigures:
    """The figures a removal can change, as the review is now."""
    records = conn.execute("SELECT COUNT(*) FROM active_records").fetchone()[0]
    unique = conn.execute("SELECT COUNT(*) FROM unique_records").fetchone()[0]
    decided = conn.execute(
        "SELECT COUNT(DISTINCT unit_id) FROM screening_current WHERE unit_id IN (SELECT id FROM unique_records)"
    ).fetchone()[0]
    ft = sum(1 for outcome in stage_outcomes(conn, "ft").values() if outcome.decision == "include")
    return ReviewFigures(records, unique, decided, ft, len(included_studies(conn)))


def remove_search_keeping_decisions(conn: sqlite3.Connection, search_id: int, *, apply: bool) -> SearchChange:
    """Remove the search (``apply``) or only say what its removal would change (rolled back)."""
    return _change(conn, search_id, "remove", apply)


def restore_removed_search(conn: sqlite3.Connection, search_id: int) -> SearchChange:
    """Bring a removed search back, with its records, clusters and the decisions on them."""
    return _change(conn, search_id, "restore", True)


def _change(conn: sqlite3.Connection, search_id: int, action: str, apply: bool) -> SearchChange:
    try:
        with transaction(conn):
            before = review_figures(conn)
            deduplicated = conn.execute("SELECT 1 FROM dedup_runs LIMIT 1").fetchone() is not None
            if action == "remove":
                if deduplicated and not get_search(conn, search_id).removed_at:
                    anchor_removed_records(conn, search_id)
                search = remove_search(conn, search_id)
            else:
                search = restore_search(conn, search_id)
                release_restored_records(conn, search_id)
            if deduplicated:
                rebuild_clusters(conn)
            change = SearchChange(action, search, before, review_figures(conn), apply)
            if not apply:
                raise _Preview(change)
    except _Preview as preview:
        return preview.change
    return change
