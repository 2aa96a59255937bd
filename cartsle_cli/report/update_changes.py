"""What a search update changed in each pooled result: the previous version beside this one.

The previous version's pooled results are the snapshot `cartsle import --update-of` took before
the update's records came in (table ``update_snapshots``). Both are the document's ``pool`` (the
JSON of `cartsle pool --json`), compared leaf by leaf: every number that differs is one row,
named by its path in the document with list items named by their own ``id``, ``name``,
``label`` or ``outcome`` so a row reads "safety.outcomes[crs].meta.estimate". Nothing here knows
which analyses a review has; that is the protocol's business.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from cartsle_cli.screening.studies import table_exists
from cartsle_cli.screening.updates import latest_round

_NAME_KEYS = ("id", "name", "label", "outcome", "analysis", "study_id")


def numeric_leaves(value: Any, path: str = "") -> dict[str, float]:
    """Every number in a JSON value by its path (bools are not numbers here)."""
    leaves: dict[str, float] = {}
    if isinstance(value, bool) or value is None:
        return leaves
    if isinstance(value, (int, float)):
        leaves[path] = value
    elif isinstance(value, dict):
        for key, part in value.items():
            leaves.update(numeric_leaves(part, f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list):
        for index, part in enumerate(value):
            name = next(
                (str(part[k]) for k in _NAME_KEYS if isinstance(part, dict) and part.get(k)), str(index)
            )
            leaves.update(numeric_leaves(part, f"{path}[{name}]"))
    return leaves


def pool_changes(previous: dict | None, current: dict | None) -> list[dict]:
    """One row per number that is new, gone or different between the two pooled results."""
    before, after = numeric_leaves(previous or {}), numeric_leaves(current or {})
    rows = []
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        change = None if old is None or new is None else new - old
        rows.append({"result": path, "previous": old, "current": new, "change": change})
    return rows


def update_section(conn: sqlite3.Connection, current_pool: dict | None) -> dict | None:
    """The report's ``update`` part: which round, when the previous version was taken, and what
    changed; None for a review that was never updated."""
    round_ = latest_round(conn)
    if round_ == 0 or not table_exists(conn, "update_snapshots"):
        return None
    row = conn.execute("SELECT taken_at, pool FROM update_snapshots WHERE round = ?", (round_,)).fetchone()
    previous = json.loads(row["pool"]) if row and row["pool"] else None
    return {
        "round": round_,
        "previous_taken_at": row["taken_at"] if row else None,
        "previous_pooled": previous is not None,
        "pool_changes": pool_changes(previous, current_pool),
    }
