"""Reviews with records in them, built without the readers: Records stored through add_search."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartsle_cli.formats.record import Record
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search


def make_record(number: int, **values) -> Record:
    values.setdefault("title", f"Trial number {number} of CAR T cells in lupus")
    values.setdefault("abstract", f"Abstract {number}: patients with lupus received CAR T cells.")
    values.setdefault("authors", [f"Author{number}, A"])
    values.setdefault("year", 2020 + number % 5)
    values.setdefault("doi", f"10.1000/trial.{number}")
    return Record(line=number, raw=f"record {number}", **values)


def add_records(
    db: Path, records: list[Record], *, database: str = "PubMed", other_methods: bool = False
) -> list[int]:
    """Store records as one search; returns their record ids in order."""
    conn = open_review(db)
    try:
        with transaction(conn):
            search_id = add_search(
                conn,
                database=database,
                other_methods=other_methods,
                format="test",
                file_name=f"{database}.txt",
                sha256=f"{database}-{len(records)}-{other_methods}",
                records=records,
            )
        return [
            row[0]
            for row in conn.execute(
                "SELECT id FROM records WHERE search_id = ? ORDER BY position", (search_id,)
            )
        ]
    finally:
        conn.close()


def cluster(db: Path, kept: int, *duplicates: int) -> None:
    """Mark records as duplicates of ``kept``, as dedup would."""
    conn = open_review(db)
    try:
        with transaction(conn):
            conn.executemany(
                "INSERT INTO record_clusters (record_id, cluster_id) VALUES (?, ?)",
                [(record_id, kept) for record_id in (kept, *duplicates)],
            )
    finally:
        conn.close()


@pytest.fixture
def conn(db: Path):
    connection = open_review(db)
    yield connection
    connection.close()
