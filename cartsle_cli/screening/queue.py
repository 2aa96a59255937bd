"""What a reviewer screens next, in which order, and what they see of each record.

A reviewer's queue at a stage holds the records that reached it, that they have not voted on,
that fewer than the required reviewers have voted on, and that no resolution has settled. At title/abstract the order comes from the ranking model
(``screening.ranking.rank_records``, trained on this reviewer's own votes only, so screening stays
blind); without it, or at full text, the order is random, reproducible from the seed.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cartsle_cli.safe_output import for_terminal
from cartsle_cli.screening.fulltext import fulltext_status
from cartsle_cli.screening.outcomes import awaits, current_votes, effective, stage_outcomes
from cartsle_cli.screening.retractions import retracted_units
from cartsle_cli.screening.sampling import sample_start
from cartsle_cli.screening.settings import reviewers_required
from cartsle_cli.screening.studies import table_exists

if TYPE_CHECKING:  # features_store loads the model (scikit-learn): `screen conflicts` needs none of it
    from cartsle_cli.screening.features_store import ReviewFeatures


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
    fulltext: str | None = None  # where its full text is ("PDF: ...", "URL: ...", "not retrieved")
    retracted: str | None = None  # why it is flagged as retracted (``screening.retractions``)


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
    sampling: bool = False  # the reviewer switched to a random sample for the stopping test


def build_queue(
    conn: sqlite3.Connection,
    stage: str,
    reviewer: str,
    *,
    seed: int = 0,
    rank: bool = True,
    features: ReviewFeatures | None = None,
    saved_order: list[int] | None = None,
) -> Queue:
    """The reviewer's queue, in linear time in the records.

    ``rank=False`` skips the model: the order is ``saved_order`` (the last ranking, records since
    decided left out) and then the seeded random order, which is what the screen shows at once
    while it re-ranks in the background. ``features`` are the review's kept features (see
    ``features_store``); without them the model reads the record texts.
    """
    if stage == "ta":
        units, todo, labels, tally = _ta_state(conn, reviewer)
    else:
        units, todo, labels, tally = _state(conn, stage, reviewer)
    done = len(labels)
    import numpy as np  # here, not at the top: `screen conflicts` reads records through this module

    fallback = [todo[index] for index in np.random.default_rng(seed).permutation(len(todo))]
    sampling = stage == "ta" and sample_start(conn, reviewer) is not None
    if sampling:
        order, model, remaining, ranked = fallback, SAMPLING_ORDER.format(seed=seed), None, False
    elif stage == "ta" and rank and todo:
        order, model, remaining, ranked = _ranked(conn, todo, fallback, labels, seed, features)
    elif stage == "ta" and saved_order:
        order = _merged(saved_order, fallback, set(todo))
        model, remaining, ranked = "the last ranking (re-ranking in the background)", None, bool(labels)
    else:
        order, model, remaining, ranked = fallback, f"random order (seed {seed})", None, False
    return Queue(stage, reviewer, order, done, tally, len(units), model, remaining, ranked, sampling)


def _state(
    conn: sqlite3.Connection, stage: str, reviewer: str
) -> tuple[list[int], list[int], dict[int, int], dict[str, int]]:
    """Records at the stage, those still for the reviewer, their votes as 1/0 labels, their tally."""
    outcomes = stage_outcomes(conn, stage)
    required = reviewers_required(conn)
    todo = sorted(unit for unit, o in outcomes.items() if awaits(o, reviewer, required))
    mine = {unit: o.votes[reviewer].decision for unit, o in outcomes.items() if reviewer in o.votes}
    labels = {unit: int(effective(decision, stage) == "include") for unit, decision in mine.items()}
    return list(outcomes), todo, labels, dict(Counter(mine.values()))


def _ta_state(
    conn: sqlite3.Connection, reviewer: str
) -> tuple[list[int], list[int], dict[int, int], dict[str, int]]:
    """As :func:`_state` at title/abstract, where every record is reached: from the votes alone,
    with no per-record outcome built (the same rule as ``outcomes.awaits``)."""
    units = [row[0] for row in conn.execute("SELECT id FROM unique_records ORDER BY id")]
    known = set(units)
    votes = [vote for vote in current_votes(conn, "ta") if vote.unit_id in known]
    resolved = {vote.unit_id for vote in current_votes(conn, "ta", resolutions=True)}
    voters = Counter(vote.unit_id for vote in votes)
    mine = {vote.unit_id: vote.decision for vote in votes if vote.reviewer == reviewer}
    required = reviewers_required(conn)
    todo = [unit for unit in units if unit not in mine and unit not in resolved and voters[unit] < required]
    labels = {unit: int(effective(decision, "ta") == "include") for unit, decision in mine.items()}
    return units, todo, labels, dict(Counter(mine.values()))


SAMPLING_ORDER = "random sample of the records left, for the stopping test (seed {seed})"


def _merged(first: list[int], rest: list[int], pending: set[int]) -> list[int]:
    """``first`` then ``rest``, each record once, only records in ``pending``: one pass each."""
    order, seen = [], set()
    for unit in (*first, *rest):
        if unit in pending and unit not in seen:
            seen.add(unit)
            order.append(unit)
    return order


def _ranked(
    conn: sqlite3.Connection,
    todo: list[int],
    fallback: list[int],
    labels: dict[int, int],
    seed: int,
    features: ReviewFeatures | None,
) -> tuple[list[int], str, float | None, bool]:
    from cartsle_cli.screening.ranking import rank_records  # the model: scikit-learn, loaded when used

    if features is not None:
        result = rank_records(
            features.record_ids, None, labels, seed=seed, features=features.matrix, estimate=False
        )
    else:
        from cartsle_cli.screening.features_store import review_texts  # the model: scikit-learn

        texts = review_texts(conn)
        result = rank_records(
            texts.record_ids, texts.texts, labels, seed=seed, keywords=texts.keywords, estimate=False
        )
    order = _merged(result.order, fallback, set(todo))
    model = result.model or f"random order (seed {seed}) until an include and an exclude"
    return order, model, result.estimated_relevant_remaining, result.model is not None


def screen_model() -> str:
    """The model that ranks the screen's queue (``rank_records``'s default), named as the methods
    paragraph gives it: its name among the candidates, then its parts."""
    from cartsle_cli.screening.ranking.model import CANDIDATES, DEFAULT_MODEL

    name = next(key for key, model in CANDIDATES.items() if model is DEFAULT_MODEL)
    return f"{name} ({DEFAULT_MODEL.describe()})"


def load_records(
    conn: sqlite3.Connection, record_ids: list[int], *, retracted: dict[int, str] | None = None
) -> dict[int, ScreeningRecord]:
    """What the screen shows of each kept record: dedup's merged fields when there are any.

    ``retracted`` (``retractions.retracted_units``, which reads every record: a second at 100,000)
    lets the screen look it up once per session rather than once per 50 records.
    """
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
    fulltext = fulltext_status(conn)
    retracted = retracted_units(conn) if retracted is None else retracted
    wanted = set(record_ids)
    sources = _sources(conn, wanted if len(wanted) <= 500 else None)
    found = {}
    if len(wanted) <= 500:  # the screen asks for a few at a time: look them up by id
        marks = ", ".join("?" * len(wanted))
        rows = conn.execute(
            f"SELECT r.id, {picks} FROM unique_records r{join} WHERE r.id IN ({marks})", list(wanted)
        )
    else:
        rows = conn.execute(f"SELECT r.id, {picks} FROM unique_records r{join}")
    for row in rows:
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
            fulltext=safe_text(fulltext[row[0]].describe()) if row[0] in fulltext else None,
            retracted=retracted.get(row[0]),
        )
    return found


def _sources(conn: sqlite3.Connection, units: set[int] | None = None) -> dict[int, list[str]]:
    sql = (
        "SELECT DISTINCT COALESCE(c.cluster_id, r.id), s.database FROM active_records r"
        " JOIN searches s ON s.id = r.search_id LEFT JOIN record_clusters c ON c.record_id = r.id"
    )
    params: list[int] = []
    if units is not None:
        marks = ", ".join("?" * len(units))
        sql += (
            f" WHERE r.id IN ({marks}) OR r.id IN"
            f" (SELECT record_id FROM record_clusters WHERE cluster_id IN ({marks}))"
        )
        params = [*units, *units]
    rows = conn.execute(sql + " ORDER BY s.id", params)
    sources: dict[int, list[str]] = {}
    for unit, database in rows:
        names = sources.setdefault(unit, [])
        if database not in names:
            names.append(safe_text(database))
    return sources


@dataclass(frozen=True)
class OwnVote:
    stage: str
    decision: str
    reason: str | None
    note: str | None
    decided_at: str
    undone: bool


def own_votes(conn: sqlite3.Connection, reviewer: str, unit: int) -> list[OwnVote]:
    """The reviewer's own decisions on a record's cluster, oldest first (one indexed query)."""
    rows = conn.execute(
        "SELECT stage, decision, reason, note, decided_at, undone_at IS NOT NULL FROM screening_decisions"
        " WHERE reviewer = ? AND resolution = 0 AND (record_id = ? OR record_id IN"
        " (SELECT record_id FROM record_clusters WHERE cluster_id = ?)) ORDER BY id",
        (reviewer, unit, unit),
    ).fetchall()
    return [
        OwnVote(row[0], row[1], safe_text(row[2]) or None, safe_text(row[3]) or None, row[4], bool(row[5]))
        for row in rows
    ]
