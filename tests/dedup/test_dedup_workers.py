"""Records normalised and clusters merged by a worker process give exactly what this process alone gives."""

from __future__ import annotations

import hashlib

import pytest

from cartsle_cli.dedup import run as dedup_run
from cartsle_cli.dedup import run_dedup
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search
from tests.dedup.conftest import record

TABLES = ("record_clusters", "merged_records", "report_links", "dedup_pairs", "dedup_seen")
WORDS = "stroke mobilisation trial cohort outcome rehabilitation therapy aphasia balance gait".split()


def _searches() -> list[list]:
    """Two databases' exports of 40 articles: the second writes titles and authors its own way,
    misses DOIs, and adds an erratum of one article and a reply to another."""
    first, second = [], []
    for n in range(40):
        title = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(7)) + f" in {n + 3} centres"
        fields = dict(
            authors=(f"Family{n}, A", f"Other{n % 7}, B"),
            volume=str(10 + n % 5),
            pages=f"{100 + n}-{110 + n}",
        )
        first.append(record(title, doi=f"10.1000/{n}", **fields))
        if n % 3:
            second.append(record(title.upper() + ".", doi=None if n % 2 else f"10.1000/{n}", **fields))
    second.append(record("Erratum: " + first[4].title, authors=first[4].authors[:1], pages="120"))
    second.append(record("Reply to: " + first[9].title, authors=first[9].authors, pages=first[9].pages))
    return [first, second]


def _review(path, searches) -> object:
    conn = open_review(path)
    for number, records in enumerate(searches):
        with transaction(conn):
            add_search(
                conn,
                database=f"database {number}",
                other_methods=False,
                format="test",
                file_name=f"search{number}.ris",
                sha256=str(number),
                records=records,
            )
    return conn


def _fingerprint(conn) -> str:
    digest = hashlib.sha256()
    for table in TABLES:
        rows = [tuple(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        digest.update(repr(rows).encode())
    return digest.hexdigest()


def _dedup(conn, workers):
    with transaction(conn):
        return run_dedup(conn, workers=workers)


@pytest.fixture
def small_chunks(monkeypatch):
    # Many chunks of records and batches of clusters: some done here, some by the worker.
    monkeypatch.setattr(dedup_run, "_CHUNK", 6)
    monkeypatch.setattr(dedup_run, "_BATCH", 3)


def test_a_worker_process_gives_exactly_the_serial_result(tmp_path, small_chunks):
    first, second = _searches()
    alone = _review(tmp_path / "alone.db", [first])
    shared = _review(tmp_path / "shared.db", [first])
    assert _dedup(alone, 0) == _dedup(shared, 1)
    for conn in (alone, shared):  # a later import: only pairs with a new record are compared
        with transaction(conn):
            add_search(
                conn,
                database="database 1",
                other_methods=False,
                format="test",
                file_name="search1.ris",
                sha256="1",
                records=second,
            )
    run_alone, run_shared = _dedup(alone, 0), _dedup(shared, 1)
    assert run_alone == run_shared and run_alone.clusters > 20
    assert _fingerprint(alone) == _fingerprint(shared)


def test_a_record_the_worker_cannot_read_stops_the_run_and_stores_nothing(tmp_path, small_chunks):
    conn = _review(tmp_path / "review.db", _searches())
    conn.execute("UPDATE records SET authors = '[\"Family3, A\"' WHERE id = 40")  # cut short
    with pytest.raises(ValueError), transaction(conn):
        run_dedup(conn, workers=1)
    for table in (*TABLES, "dedup_runs"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
