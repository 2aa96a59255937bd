"""Search updates (living reviews): which searches rerun which, and what an update brought.

`cartsle import --update-of SEARCH_ID FILE` stores a rerun of a search as a search of the next
round (``search_updates``: the updated search's round + 1; searches imported plainly are round 0).
For `cartsle prisma --update` the latest round is the update and every earlier round is the
previous version of the review: a unique record is new when no record of its duplicate cluster
came from an earlier round.
"""

from __future__ import annotations

import sqlite3

from cartsle_cli.screening.studies import table_exists


def search_rounds(conn: sqlite3.Connection) -> dict[int, int]:
    """The round of each active search (0 unless imported with --update-of)."""
    rounds = {row[0]: 0 for row in conn.execute("SELECT id FROM searches WHERE removed_at IS NULL")}
    if table_exists(conn, "search_updates"):
        for search_id, round_ in conn.execute("SELECT search_id, round FROM search_updates"):
            if search_id in rounds:
                rounds[search_id] = round_
    return rounds


def latest_round(conn: sqlite3.Connection) -> int:
    return max(search_rounds(conn).values(), default=0)


def unit_rounds(conn: sqlite3.Connection) -> dict[int, int]:
    """For each unique record, the earliest round any record of its cluster came from."""
    rounds = search_rounds(conn)
    earliest: dict[int, int] = {}
    for unit, search_id in conn.execute(
        "SELECT COALESCE(c.cluster_id, r.id), r.search_id FROM active_records r"
        " LEFT JOIN record_clusters c ON c.record_id = r.id"
    ):
        round_ = rounds.get(search_id, 0)
        earliest[unit] = min(earliest.get(unit, round_), round_)
    return earliest
