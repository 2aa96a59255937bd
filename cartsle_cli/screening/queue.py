"""What a reviewer screens next, in which order, and what they see of each record.

A reviewer's queue at a stage holds the records that reached it, that they have not voted on,
that fewer than the required reviewers have voted on, and that no resolution has settled. At title/abstract the order comes from the ranking model
(``screening.ranking.rank_records``, trained on this reviewer's own votes only, so screening stays
blind); without it, or at full text, the order is random, reproducible from the seed.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from dataclasses import dataclass

from cartsle_cli.safe_output import for_terminal
from cartsle_cli.screening.outcomes import awaits, effective, stage_outcomes
from cartsle_cli.screening.settings import reviewers_required
from cartsle_cli.screening.studies import table_exists


def safe_text(text: str | None) -> str:
    """Record text fit for a terminal (``safe_output.for_terminal``, the one rule for it)."""
    return for_terminal(text)


@dataclass(frozen=True)
class ScreeningRecord:
    record_id: int
    title: str
    authors: list[str]
    year: int | None
    journal: str
    sources: list[str]  # databases of every record in its duplicate cluster
    abstract: str
    doi: str | None
    pmid: str | None


@dataclass(frozen=True)
class Queue:
    stage: str
    reviewer: str
    record_ids: list[int]  # still to screen, in order
    done: int  # records this reviewer has voted on at this stage
    tally: dict[str, int]  # this reviewer's current votes at this stage: decision -> records
    total: int  # records that reached this stage
    model: str | None  # what ordered them ("random order (seed 0)" without the model)
    estimated_relevant_remaining: float | None
    ranked: bool = False  # True when the model ordered them, False for the random order


def build_queue(conn: sqlite3.Connection, stage: str, reviewer: str, *, seed: int = 0) -> Queue:
    outcomes = stage_outcomes(conn, stage)
    required = reviewers_required(conn)
    todo = [unit for unit, o in outcomes.items() if awaits(o, reviewer, required)]
    done = sum(1 for o in outcomes.values() if reviewer in o.votes)
    labels = {
        unit: int(effective(o.votes[reviewer].decision, stage) == "include")
        for unit, o in outcomes.items()
        if reviewer in o.votes
    }
    tally = dict(Counter(o.votes[reviewer].decision for o in outcomes.values() if reviewer in o.votes))
    order, model, remaining, ranked = _order(conn, stage, list(outcomes), todo, labels, seed)
    return Queue(stage, reviewer, order, done, tally, len(outcomes), model, remaining, ranked)


def _order(
    conn: sqlite3.Connection, stage: str, units: list[int], todo: list[int], labels: dict[int, int], seed: int
) -> tuple[list[int], str | None, float | None, bool]:
    fallback = sorted(todo)
    random.Random(seed).shuffle(fallback)
    if stage != "ta" or not todo:
        return fallback, f"random order (seed {seed})", None, False
    try:
        from cartsle_cli.screening.ranking import rank_records
    except ImportError:
        return fallback, f"random order (seed {seed})", None, False
    details = load_records(conn, units)
    texts = [f"{details[unit].title or ''} {details[unit].abstract or ''}" for unit in units]
    result = rank_records(units, texts, labels, seed=seed)
    pending = set(todo)
    order = [unit for unit in result.order if unit in pending]
    order += [unit for unit in fallback if unit not in set(order)]
    model = result.model or f"random order (seed {seed}) until an include and an exclude"
    return order, model, result.estimated_relevant_remaining, result.model is not None


def load_records(conn: sqlite3.Connection, record_ids: list[int]) -> dict[int, ScreeningRecord]:
    """What the screen shows of each kept record: dedup's merged fields when there are any."""
    merged = table_exists(conn, "merged_records")
    columns = ("title", "abstract", "authors", "year", "journal", "doi", "pmid")
    if merged:
        picks = ", ".join(
            f"COALESCE(NULLIF(m.{c}, ''), r.{c})"
            if c != "authors"
            else "COALESCE(NULLIF(m.authors, '[]'), r.authors)"
            for c in columns
        )
        join = " LEFT JOIN merged_records m ON m.cluster_id = r.id"
    else:
        picks, join = ", ".join(f"r.{c}" for c in columns), ""
    sources = _sources(conn)
    found = {}
    wanted = set(record_ids)
    for row in conn.execute(f"SELECT r.id, {picks} FROM unique_records r{join}"):
        if row[0] not in wanted:
            continue
        found[row[0]] = ScreeningRecord(
            record_id=row[0],
            title=safe_text(row[1]),
            abstract=safe_text(row[2]),
            authors=[safe_text(name) for name in json.loads(row[3] or "[]")],
            year=row[4],
            journal=safe_text(row[5]),
            sources=sources.get(row[0], []),
            doi=row[6],
            pmid=row[7],
        )
    return found


def _sources(conn: sqlite3.Connection) -> dict[int, list[str]]:
    rows = conn.execute(
        "SELECT DISTINCT COALESCE(c.cluster_id, r.id), s.database FROM active_records r"
        " JOIN searches s ON s.id = r.search_id LEFT JOIN record_clusters c ON c.record_id = r.id ORDER BY s.id"
    )
    sources: dict[int, list[str]] = {}
    for unit, database in rows:
        names = sources.setdefault(unit, [])
        if database not in names:
            names.append(safe_text(database))
    return sources
