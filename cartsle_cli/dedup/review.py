"""The grey band for a person: pairs to review, decisions in bulk from a CSV file, and undo.

Every decision is stored (see :mod:`cartsle_cli.dedup.decisions`) and the clusters are rebuilt at
once, so a person's word takes effect now and wins in every later run.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from cartsle_cli.csv_input import csv_dicts
from cartsle_cli.dedup.decisions import latest_decisions, record_decision
from cartsle_cli.dedup.run import ACTIVE_PAIRS, rebuild_clusters
from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.text import read_text_file
from cartsle_cli.safe_output import for_spreadsheet
from cartsle_cli.store.connection import require_transaction

SHOWN_FIELDS = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid", "database")
# The review screen shows the abstracts too (the CSV export leaves them out: too long for a sheet).
SCREEN_FIELDS = (*SHOWN_FIELDS, "abstract")
PAIR_COLUMNS = ("record_id", "other_record_id", "decision", "score", "reason") + tuple(
    f"{name}_{side}" for name in SHOWN_FIELDS for side in (1, 2)
)
_ANSWERS = {
    "same": "same",
    "s": "same",
    "different": "different",
    "d": "different",
    "skip": None,
    "": None,
    "k": None,
}


@dataclass(frozen=True)
class ReviewPair:
    record_id: int
    other_record_id: int
    score: float
    reason: str
    record: dict[str, str]  # field -> value as shown, for SHOWN_FIELDS
    other: dict[str, str]

    def differing(self) -> list[str]:
        return [name for name in SCREEN_FIELDS if self.record[name] != self.other[name]]


def differing_words(text: str, other: str) -> tuple[set[int], set[int]]:
    """Positions of the words (split on white space) of each text that the other does not have
    in the same order, compared without case: what a person should look at, not whole fields."""
    words, other_words = text.split(), other.split()
    matcher = SequenceMatcher(
        None, [word.casefold() for word in words], [word.casefold() for word in other_words], autojunk=False
    )
    kept: set[int] = set()
    other_kept: set[int] = set()
    for block in matcher.get_matching_blocks():
        kept.update(range(block.a, block.a + block.size))
        other_kept.update(range(block.b, block.b + block.size))
    return set(range(len(words))) - kept, set(range(len(other_words))) - other_kept


class Implied:
    """What the decisions already made say about a pair: records in one cluster are the same;
    records whose clusters a person has said "different" about are different. Kept up to date
    while a person answers, so a pair whose answer follows is never asked."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._parent: dict[int, int] = {}
        for record_id, cluster_id in conn.execute("SELECT record_id, cluster_id FROM record_clusters"):
            self._parent[record_id] = cluster_id
        self._apart = [pair for pair, decision in latest_decisions(conn).items() if decision == "different"]

    def _root(self, record: int) -> int:
        while self._parent.get(record, record) != record:
            record = self._parent[record]
        return record

    def follows(self, a: int, b: int) -> str | None:
        """ "same" or "different" when the answer follows from what is decided, else None."""
        root_a, root_b = self._root(a), self._root(b)
        if root_a == root_b:
            return "same"
        for x, y in self._apart:
            if {self._root(x), self._root(y)} == {root_a, root_b}:
                return "different"
        return None

    def add(self, a: int, b: int, decision: str) -> None:
        if decision == "same":
            self._parent[self._root(b)] = self._root(a)
        else:
            self._apart.append((a, b))


# Grey-band pairs of active records, undecided, not already joined by other evidence.
_PENDING = f"""{ACTIVE_PAIRS}
        WHERE p.verdict = 'review'
          AND NOT EXISTS (SELECT 1 FROM dedup_decisions d
                          WHERE d.record_id = p.record_id AND d.other_record_id = p.other_record_id)
          AND (ca.cluster_id IS NULL OR cb.cluster_id IS NULL OR ca.cluster_id != cb.cluster_id)
"""


def pending_pairs(conn: sqlite3.Connection) -> list[ReviewPair]:
    """Grey-band pairs no person has decided and no other evidence has already joined, best first."""
    rows = conn.execute(
        f"SELECT p.record_id, p.other_record_id, p.score, p.reason {_PENDING}"
        " ORDER BY p.score DESC, p.record_id, p.other_record_id"
    ).fetchall()
    if rows:
        implied = Implied(conn)
        rows = [row for row in rows if implied.follows(row[0], row[1]) is None]
    shown = _shown(conn, {row[0] for row in rows} | {row[1] for row in rows})
    return [ReviewPair(row[0], row[1], row[2], row[3], shown[row[0]], shown[row[1]]) for row in rows]


def count_pending(conn: sqlite3.Connection) -> int:
    """Pairs a person still has to answer (those whose answer follows are not counted)."""
    rows = conn.execute(f"SELECT p.record_id, p.other_record_id {_PENDING}").fetchall()
    if not rows:
        return 0
    implied = Implied(conn)
    return sum(1 for a, b in rows if implied.follows(a, b) is None)


def _shown(conn: sqlite3.Connection, ids: set[int]) -> dict[int, dict[str, str]]:
    shown = {}
    for row in (
        conn.execute(
            f"SELECT r.*, s.database FROM records r JOIN searches s ON s.id = r.search_id"
            f" WHERE r.id IN ({', '.join(map(str, sorted(ids)))})"
        )
        if ids
        else []
    ):
        values = {name: "" if row[name] is None else str(row[name]) for name in SCREEN_FIELDS}
        values["authors"] = "; ".join(json.loads(row["authors"]))
        shown[row["id"]] = values
    return shown


def export_pairs(conn: sqlite3.Connection, path: Path) -> int:
    """Write the pending pairs to a CSV file with an empty ``decision`` column; returns the count."""
    pairs = pending_pairs(conn)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PAIR_COLUMNS)
        for pair in pairs:
            cells = [pair.record_id, pair.other_record_id, "", pair.score, pair.reason] + [
                side[name] for name in SHOWN_FIELDS for side in (pair.record, pair.other)
            ]
            writer.writerow([for_spreadsheet(cell) for cell in cells])
    return len(pairs)


@dataclass(frozen=True)
class BulkDecisions:
    same: int  # decisions stored
    different: int
    skipped: int  # rows left empty or "skip"
    unchanged: int  # rows the review already held as decided: a file applied twice changes nothing


def decide_from_csv(conn: sqlite3.Connection, path: Path, *, reviewer: str | None) -> BulkDecisions:
    """Apply the ``decision`` column (same, different, or empty/skip) of a pairs CSV file.

    Every row is checked before anything is stored; the caller holds the transaction.
    """
    require_transaction(conn)
    header, table = csv_dicts(read_text_file(path), path)
    missing = {"record_id", "other_record_id", "decision"} - set(header)
    if missing:
        raise CartsleError(f"missing column {', '.join(sorted(missing))}", file=path, line=1)
    decisions = [_parse_row(row, path, line) for line, row in table]
    how = f"decide {path.name}"
    latest = latest_decisions(conn)
    stored = []
    for record_id, other_record_id, decision in decisions:
        pair = (min(record_id, other_record_id), max(record_id, other_record_id))
        if decision and latest.get(pair) != decision:
            record_decision(conn, record_id, other_record_id, decision, reviewer=reviewer, how=how)
            latest[pair] = decision
            stored.append(decision)
    if stored:
        rebuild_clusters(conn)
    given = sum(1 for d in decisions if d[2])
    return BulkDecisions(
        same=stored.count("same"),
        different=stored.count("different"),
        skipped=len(decisions) - given,
        unchanged=given - len(stored),
    )


def _parse_row(row: dict[str, str], path: Path, line: int) -> tuple[int, int, str | None]:
    answer = (row.get("decision") or "").strip().lower()
    if answer not in _ANSWERS:
        raise CartsleError(
            f"decision must be same, different or skip, not {answer!r}",
            file=path,
            line=line,
            field="decision",
        )
    try:
        return int(row["record_id"]), int(row["other_record_id"]), _ANSWERS[answer]
    except (TypeError, ValueError):
        raise CartsleError(
            "record ids must be whole numbers", file=path, line=line, field="record_id"
        ) from None


def parse_answer(answer: str) -> str | None:
    """A typed answer (same/s, different/d, skip/k or empty) as a decision; None is skip."""
    key = answer.strip().lower()
    if key not in _ANSWERS:
        raise CartsleError(f"answer same, different or skip, not {answer!r}")
    return _ANSWERS[key]


@dataclass(frozen=True)
class Undone:
    record_id: int
    cluster_id: int
    separated: list[int]  # records taken apart from each other
    titles: dict[int, str]  # each separated record's title, to say what was split


def undo_plan(conn: sqlite3.Connection, record_id: int) -> Undone:
    """What :func:`undo` would split, changing nothing (for a person to confirm first)."""
    return _plan(conn, record_id)[0]


def undo(conn: sqlite3.Connection, record_id: int, *, reviewer: str | None) -> Undone:
    """Take a merge back. For a cluster's kept record (its cluster id) the whole cluster is split;
    for any other member, that record alone leaves its cluster. Recorded as a person's
    ``different`` decisions, so later runs do not merge them again. The caller holds the transaction.
    """
    require_transaction(conn)
    undone, pairs = _plan(conn, record_id)
    for a, b in pairs:
        record_decision(conn, a, b, "different", reviewer=reviewer, how="undo")
    rebuild_clusters(conn)
    return undone


def _plan(conn: sqlite3.Connection, record_id: int) -> tuple[Undone, list[tuple[int, int]]]:
    row = conn.execute("SELECT cluster_id FROM record_clusters WHERE record_id = ?", (record_id,)).fetchone()
    if row is None:
        raise CartsleError(f"record {record_id} is not in a cluster: nothing to undo")
    cluster_id = row[0]
    members = [
        r[0]
        for r in conn.execute(
            "SELECT record_id FROM record_clusters WHERE cluster_id = ? ORDER BY record_id", (cluster_id,)
        )
    ]
    if record_id == cluster_id:
        pairs = [(a, b) for n, a in enumerate(members) for b in members[n + 1 :]]
    else:
        pairs = [(record_id, other) for other in members if other != record_id]
    separated = members if record_id == cluster_id else [record_id]
    titles = {
        row[0]: row[1] or ""
        for row in conn.execute(
            f"SELECT id, title FROM records WHERE id IN ({', '.join('?' * len(members))})", members
        )
    }
    return Undone(record_id, cluster_id, separated, titles), pairs
