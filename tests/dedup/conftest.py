"""Helpers for the dedup tests: a review built from records written in a few lines."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from cartsle_cli.formats.record import Record
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search


def stored_row(number: int, title: str, **fields) -> dict:
    """A record as dedup reads it from the review (its ``records`` columns), in a few words:
    two authors, 2019, Journal of Testing 50(3):100-108, no DOI, PMID, type or ISSN."""
    row = dict(
        id=number,
        title=title,
        abstract=None,
        authors=json.dumps(["Okafor, C", "Lindqvist, M"]),
        year=2019,
        journal="Journal of Testing",
        volume="50",
        issue="3",
        pages="100-108",
        doi=None,
        pmid=None,
        publication_type=None,
        issn=None,
    )
    row.update(fields)
    return row


def record(
    title: str,
    *,
    authors: tuple[str, ...] = ("Smith, J", "Jones, K"),
    year: int | None = 2020,
    journal: str | None = "Journal of Testing",
    volume: str | None = "12",
    issue: str | None = "3",
    pages: str | None = "100-110",
    **fields,
) -> Record:
    return Record(
        line=1,
        raw=title,
        title=title,
        authors=list(authors),
        year=year,
        journal=journal,
        volume=volume,
        issue=issue,
        pages=pages,
        **fields,
    )


AddSearch = Callable[..., int]


@pytest.fixture
def rec() -> Callable[..., Record]:
    """rec(title, authors=..., year=..., ...) -> a Record with test defaults for the other fields."""
    return record


@pytest.fixture
def conn(db: Path) -> sqlite3.Connection:
    connection = open_review(db)
    yield connection
    connection.close()


@pytest.fixture
def add(conn: sqlite3.Connection) -> AddSearch:
    """add(records, database="PubMed") -> search id; each call is one import."""
    calls = []

    def add_records(records: list[Record], database: str = "PubMed") -> int:
        calls.append(database)
        with transaction(conn):
            return add_search(
                conn,
                database=database,
                other_methods=False,
                format="test",
                file_name=f"{database.lower()}-{len(calls)}.ris",
                sha256=str(len(calls)),
                records=records,
            )

    return add_records


@pytest.fixture
def clusters(conn: sqlite3.Connection) -> Callable[[], list[set[int]]]:
    """clusters() -> the clusters of two or more, as sets of record ids."""
    return lambda: cluster_sets(conn)


def cluster_sets(conn: sqlite3.Connection) -> list[set[int]]:
    groups: dict[int, set[int]] = {}
    for record_id, cluster_id in conn.execute("SELECT record_id, cluster_id FROM record_clusters"):
        groups.setdefault(cluster_id, set()).add(record_id)
    return sorted(groups.values(), key=min)
