"""One `cartsle dedup` run: normalise -> block -> compare -> cluster -> merge, incrementally.

Pairs the algorithm found are stored (``dedup_pairs``) and never recomputed: a later run compares
only pairs with at least one record no run has seen, then rebuilds the clusters of all active
records from the stored pairs and a person's decisions (which always win). Records of a removed
search drop out of every cluster on the next run.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from cartsle_cli.dedup.block import candidate_codes
from cartsle_cli.dedup.cluster import cluster
from cartsle_cli.dedup.compare import REPORT, REVIEW, SAME, compare, hard_conflict
from cartsle_cli.dedup.decisions import latest_decisions
from cartsle_cli.dedup.merge import MERGED_FIELDS, merged_rows
from cartsle_cli.dedup.normalise import COLUMNS, Prepared, prepared_columns
from cartsle_cli.errors import CartsleError
from cartsle_cli.gc_pause import cyclic_gc_paused
from cartsle_cli.parallel import map_in_order, spare_cores
from cartsle_cli.store.bulk import insert_rows
from cartsle_cli.store.connection import require_transaction
from cartsle_cli.store.searches import now_utc

Progress = Callable[[str, int, int], None]  # (stage, done, total)

_SELECT = ", ".join(COLUMNS)  # the columns :func:`prepare_values` reads


@dataclass(frozen=True)
class DedupRun:
    run_id: int
    records: int
    new_records: int
    comparisons: int
    merged_pairs: int  # certain pairs found this run
    review_pairs: int  # grey-band pairs found this run
    report_pairs: int  # possible other reports of one study found this run
    clusters: int  # clusters of two or more, all runs
    refused_joins: int  # certain pairs kept apart because their clusters conflict


def run_dedup(
    conn: sqlite3.Connection, *, progress: Progress | None = None, workers: int | None = None
) -> DedupRun:
    """Deduplicate everything imported so far; the caller holds the transaction. ``workers``:
    worker processes normalising records (None: :func:`worker_count`).

    ``cartsle dedup`` runs the two halves apart: :func:`compare_records` before the transaction
    (it only reads), :func:`store_comparison` inside it, so the write lock is held for the writes.
    """
    require_transaction(conn)
    # Paused around both halves, the comparison dropped inside: re-enabled between them, or with
    # the records still alive, the collector would walk every record once more (some ten million
    # objects at a million records).
    with cyclic_gc_paused():
        comparison = compare_records(conn, progress=progress, workers=workers)
        run = store_comparison(conn, comparison, progress=progress, workers=workers)
        del comparison  # its million objects freed before the collector runs again, not walked
    return run


@dataclass(frozen=True)
class Comparison:
    """What a run found, before anything is stored."""

    records: list[Prepared]
    is_new: list[bool]
    found: list[tuple]
    comparisons: int
    state: tuple  # the review's records, searches and earlier runs when they were read


def compare_records(
    conn: sqlite3.Connection, *, progress: Progress | None = None, workers: int | None = None
) -> Comparison:
    """Read every active record and compare the new ones; writes nothing, takes no write lock.

    The records are read in one read transaction (WAL: writers carry on), so they and ``state``
    are one snapshot; the comparing, the slow part, happens after it.
    """
    with cyclic_gc_paused():
        return _compare_records(conn, progress, workers)


def _compare_records(conn: sqlite3.Connection, progress: Progress | None, workers: int | None) -> Comparison:
    own = not conn.in_transaction  # run_dedup inside the caller's transaction reads in that one
    if own:
        conn.execute("BEGIN")
    try:
        records = _prepare_all(conn, progress, workers)
        seen = {row[0] for row in conn.execute("SELECT record_id FROM dedup_seen")}
        state = _review_state(conn)
    finally:
        if own:
            conn.execute("COMMIT")
    is_new = [record.id not in seen for record in records]
    del seen
    found, comparisons = _compare_new(records, is_new, progress)
    return Comparison(records, is_new, found, comparisons, state)


def _review_state(conn: sqlite3.Connection) -> tuple:
    """What a comparison depends on: which records are active, which were compared, what people said."""
    return tuple(
        conn.execute(
            "SELECT (SELECT COUNT(*) FROM active_records), (SELECT COALESCE(MAX(id), 0) FROM records),"
            " (SELECT COUNT(*) FROM dedup_seen), (SELECT COALESCE(MAX(id), 0) FROM dedup_runs),"
            " (SELECT COALESCE(MAX(id), 0) FROM dedup_decisions),"
            " (SELECT group_concat(id || ':' || COALESCE(removed_at, ''), ',') FROM searches)"
        ).fetchone()
    )


def store_comparison(
    conn: sqlite3.Connection,
    comparison: Comparison,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
) -> DedupRun:
    """Store what :func:`compare_records` found and rebuild the clusters; the caller holds the
    transaction. Refused when the review changed since the records were read (another import, a
    removal, a person's decision on a pair): its records would be missing from the run."""
    with cyclic_gc_paused():
        return _store_comparison(conn, comparison, progress, workers)


def _store_comparison(
    conn: sqlite3.Connection, comparison: Comparison, progress: Progress | None, workers: int | None
) -> DedupRun:
    if _review_state(conn) != comparison.state:
        raise CartsleError(
            "the review changed while dedup was comparing (an import, a removal or a pair decided): "
            "nothing was stored; run `cartsle dedup` again"
        )
    records, is_new, found = comparison.records, comparison.is_new, comparison.found
    comparisons = comparison.comparisons
    counts = Counter(verdict for _, _, verdict, _, _ in found)
    run_id = conn.execute(
        "INSERT INTO dedup_runs (ran_at, records, new_records, comparisons, merged_pairs, review_pairs)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (now_utc(), len(records), sum(is_new), comparisons, counts[SAME], counts[REVIEW]),
    ).lastrowid
    assert run_id is not None  # an INSERT always sets lastrowid
    insert_rows(
        conn,
        "dedup_pairs",
        ("record_id", "other_record_id", "verdict", "score", "reason", "run_id"),
        ((a, b, verdict, score, reason, run_id) for a, b, verdict, score, reason in found),
        or_replace=True,
    )
    # The records compared are the active ones (the review has not changed since they were read),
    # those seen before keep their first run: one statement, not a million bound rows.
    conn.execute(
        "INSERT OR IGNORE INTO dedup_seen (record_id, run_id) SELECT id, ? FROM active_records", (run_id,)
    )
    clusters, refused = rebuild_clusters(
        conn, {record.id: record for record in records}, progress, workers=workers
    )
    return DedupRun(
        run_id=run_id,
        records=len(records),
        new_records=sum(is_new),
        comparisons=comparisons,
        merged_pairs=counts[SAME],
        review_pairs=counts[REVIEW],
        report_pairs=counts[REPORT],
        clusters=clusters,
        refused_joins=refused,
    )


def _prepare_all(conn: sqlite3.Connection, progress: Progress | None, workers: int | None) -> list[Prepared]:
    """Every active record's matching view, read a chunk of rows at a time (the rows themselves
    are not kept), the chunks normalised by worker processes and this one (:mod:`cartsle_cli.parallel`)
    while this one reads the next."""
    total = conn.execute("SELECT COUNT(*) FROM active_records").fetchone()[0]
    records: list[Prepared] = []
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: read by position, much faster than by name
    cursor.execute(f"SELECT {_SELECT} FROM active_records ORDER BY id")
    chunks = iter(lambda: cursor.fetchmany(_CHUNK), [])
    count = worker_count(total, workers)
    for columns in map_in_order(prepared_columns, chunks, workers=count, what="normalising records"):
        records.extend(map(Prepared, *columns))
        if progress:
            progress("normalising records", len(records), total)
    if progress:
        progress("normalising records", total, total)
    return records


# Records normalised together (their repeated journals, volumes, pages once each), few enough that
# their raw rows take little memory.
_CHUNK = 10_000
# Fewer records (or clusters) are normalised (merged) in this process alone: starting a worker, a
# fresh interpreter that imports the normaliser, takes longer than it would save.
PARALLEL_FROM = 50_000


def worker_count(items: int, asked: int | None = None) -> int:
    """Worker processes for normalising ``items`` records or merging ``items`` clusters: ``asked``
    when given, else the spare cores from :data:`PARALLEL_FROM` on."""
    if asked is not None:
        return asked
    return spare_cores() if items >= PARALLEL_FROM else 0


def _compare_new(
    records: list[Prepared], is_new: list[bool], progress: Progress | None
) -> tuple[list[tuple], int]:
    found = []
    size = len(records)
    codes = candidate_codes(records, is_new, progress)
    total = len(codes)
    for comparisons, code in enumerate(codes.tolist(), 1):
        i, j = divmod(code, size)
        verdict = compare(records[i], records[j])
        if verdict is not None:
            a, b = sorted((records[i].id, records[j].id))
            found.append((a, b, verdict.verdict, verdict.score, verdict.reason))
        if progress and comparisons % 20000 == 0:
            progress("comparing candidate pairs", comparisons, total)
    if progress:
        progress("comparing candidate pairs", total, total)
    return found, total


def rebuild_clusters(
    conn: sqlite3.Connection,
    by_id: dict[int, Prepared] | None = None,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
) -> tuple[int, int]:
    """Recompute clusters, merged records and report links of the active records from the stored
    pairs and decisions; returns (clusters, refused joins). The caller holds the transaction.
    ``workers``: worker processes normalising records and merging clusters (None: :func:`worker_count`)."""
    require_transaction(conn)
    with cyclic_gc_paused():
        return _rebuild_clusters(conn, by_id, progress, workers)


def _rebuild_clusters(
    conn: sqlite3.Connection,
    by_id: dict[int, Prepared] | None,
    progress: Progress | None,
    workers: int | None,
) -> tuple[int, int]:
    if by_id is None:
        by_id = {record.id: record for record in _prepare_all(conn, None, workers)}
    decisions = latest_decisions(conn)
    active = by_id.keys()
    person_same = [
        pair
        for pair, decision in decisions.items()
        if decision == "same" and pair[0] in active and pair[1] in active
    ]
    person_different = {pair for pair, decision in decisions.items() if decision == "different"}
    algorithm_same = [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT record_id, other_record_id FROM dedup_pairs WHERE verdict = 'same'"
            " ORDER BY score DESC, record_id, other_record_id"
        )
        if row[0] in active and row[1] in active and (row[0], row[1]) not in decisions
    ]

    def conflict(a: int, b: int) -> bool:
        return hard_conflict(by_id[a], by_id[b]) is not None

    clustering = cluster(person_same, algorithm_same, person_different, conflict)
    _store_clusters(conn, clustering.clusters, progress, workers)
    _store_report_links(conn)
    return len(clustering.clusters), len(clustering.refused)


def _store_clusters(
    conn: sqlite3.Connection, clusters: list[list[int]], progress: Progress | None, workers: int | None
) -> None:
    """Rewrite ``record_clusters`` and ``merged_records``, a batch of clusters at a time (a
    million-record review has hundreds of thousands of clusters: their rows are never all held at
    once), the batches merged by worker processes and this one (:mod:`cartsle_cli.parallel`)."""
    conn.execute("DELETE FROM record_clusters")
    conn.execute("DELETE FROM merged_records")
    # The members in cluster order, read back in that order: no sort of the records' rows (with
    # their abstracts) in a temporary B-tree. Each cluster's kept record, once merged, gives the
    # members' cluster_id in one statement.
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS dedup_cluster_members"
        " (position INTEGER PRIMARY KEY, record_id INTEGER, cluster INTEGER)"
    )
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS dedup_cluster_kept (cluster INTEGER PRIMARY KEY, kept INTEGER)"
    )
    conn.execute("DELETE FROM dedup_cluster_members")
    conn.execute("DELETE FROM dedup_cluster_kept")
    conn.executemany(
        "INSERT INTO dedup_cluster_members (record_id, cluster) VALUES (?, ?)",
        ((record, n) for n, members in enumerate(clusters) for record in members),
    )
    columns = ", ".join(_MEMBER_COLUMNS.get(name, f"r.{name}") for name in ("id", *MERGED_FIELDS))
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples (cluster, id, *MERGED_FIELDS): read by position
    rows = cursor.execute(
        f"SELECT m.cluster, {columns} FROM dedup_cluster_members m"
        " JOIN active_records r ON r.id = m.record_id ORDER BY m.position"
    )
    count = worker_count(len(clusters), workers)
    done = 0
    for merged in map_in_order(merged_rows, _batches(rows), workers=count, what="merging clusters"):
        insert_rows(
            conn,
            "merged_records",
            ("cluster_id", *MERGED_FIELDS, "filled_from"),
            merged,
            stored_as=_MERGED_ABSTRACT,
        )
        conn.executemany(
            "INSERT INTO dedup_cluster_kept (cluster, kept) VALUES (?, ?)",
            zip(range(done, done + len(merged)), map(itemgetter(0), merged)),
        )
        done += len(merged)
        if progress:
            progress("merging clusters", done, len(clusters))
    if progress:
        progress("merging clusters", len(clusters), len(clusters))
    conn.execute(
        "INSERT INTO record_clusters (record_id, cluster_id) SELECT m.record_id, k.kept"
        " FROM dedup_cluster_members m JOIN dedup_cluster_kept k ON k.cluster = m.cluster"
    )
    conn.execute("DELETE FROM dedup_cluster_members")
    conn.execute("DELETE FROM dedup_cluster_kept")


# Clusters merged together: few enough that their rows take little memory.
_BATCH = 10_000
# Abstracts are merged by reference: a member's non-empty abstract is read as its record's id,
# which the merge handles as any filled value (an empty one, NULL, '' or '[]', as it is). The merged
# row stores NULL for the kept record's own abstract (readers take ``records.abstract`` then: see
# ``merged_records`` in dedup.sql) and copies inside SQLite the text of one filled from another
# member. A million-record review's abstracts (over a gigabyte of text) never pass through Python
# or a worker's pipe, and are not written a second time.
_MEMBER_COLUMNS = {
    "abstract": "CASE WHEN r.abstract IS NULL OR r.abstract IN ('', '[]') THEN r.abstract ELSE r.id END"
}
_MERGED_ABSTRACT = {
    "abstract": "CASE WHEN typeof(staged.abstract) != 'integer' THEN staged.abstract"
    " WHEN staged.abstract = staged.cluster_id THEN NULL"
    " ELSE (SELECT source.abstract FROM records source WHERE source.id = staged.abstract) END"
}


def _batches(rows: Iterable[tuple]) -> Iterator[list[list[tuple]]]:
    """The rows ``(cluster, id, *MERGED_FIELDS)`` in cluster order, as batches of
    :data:`_BATCH` clusters, each cluster its rows ``(id, *MERGED_FIELDS)``."""
    batch: list[list[tuple]] = []
    for _, group in groupby(rows, key=itemgetter(0)):
        batch.append([row[1:] for row in group])
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


# The stored pairs of two active records (``p``, ``a``, ``b``) with each one's cluster (``ca``,
# ``cb``; NULL for a record alone): what report links and the review queue read.
ACTIVE_PAIRS = """
        FROM dedup_pairs p
        JOIN active_records a ON a.id = p.record_id
        JOIN active_records b ON b.id = p.other_record_id
        LEFT JOIN record_clusters ca ON ca.record_id = p.record_id
        LEFT JOIN record_clusters cb ON cb.record_id = p.other_record_id
"""


def _store_report_links(conn: sqlite3.Connection) -> None:
    """Links between kept records whose members were found to be reports of one study."""
    conn.execute("DELETE FROM report_links")
    conn.execute(
        f"""
        INSERT OR IGNORE INTO report_links (record_id, other_record_id, reason)
        SELECT MIN(ka, kb), MAX(ka, kb), reason FROM (
            SELECT COALESCE(ca.cluster_id, p.record_id) AS ka, COALESCE(cb.cluster_id, p.other_record_id) AS kb, p.reason
            {ACTIVE_PAIRS}
            WHERE p.verdict = 'report'
        ) WHERE ka != kb
        """
    )
