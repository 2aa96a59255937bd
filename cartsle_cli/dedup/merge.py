"""Merge: each cluster keeps its most complete record, with missing fields filled from the others.

The kept record is the one with most fields filled (an abstract counts extra, since screening reads
it), ties going to the earliest imported. Each field still empty in it takes the first value found
in the other records, in order of their completeness; ``filled_from`` says which record gave it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.record import BIBLIOGRAPHIC_FIELDS
from cartsle_cli.store.json_columns import load_json

# every field that describes the publication is merged
MERGED_FIELDS = BIBLIOGRAPHIC_FIELDS


@dataclass(frozen=True)
class Source:
    record_id: int
    search_id: int
    database: str
    file_name: str
    source_id: str | None
    title: str | None = None


@dataclass
class MergedRecord:
    """A cluster as one record: the kept record's fields, gaps filled, and where each came from."""

    cluster_id: int  # the kept record's id
    title: str | None = None
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    accession: str | None = None
    language: str | None = None
    publication_type: str | None = None
    filled_from: dict[str, int] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)


def completeness(row: Mapping[str, Any]) -> int:
    return _completeness(tuple(row[name] for name in MERGED_FIELDS))


_EMPTY = {None, "", "[]"}
_ABSTRACT = MERGED_FIELDS.index("abstract")


def _completeness(values: Sequence[Any]) -> int:
    """Fields filled among the :data:`MERGED_FIELDS` values, an abstract counting two more."""
    filled = len(values) - sum(map(_EMPTY.__contains__, values))
    return filled + (2 if values[_ABSTRACT] not in _EMPTY else 0)


def kept_record(rows: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The most complete record; the earliest imported (lowest id) on a tie."""
    return max(rows, key=lambda row: (completeness(row), -row["id"]))


def merge_rows(rows: Sequence[Mapping[str, Any]]) -> MergedRecord:
    """The merged record of one cluster's ``active_records`` rows."""
    cluster_id, values, filled_from = merge_values(
        [(row["id"], *(row[name] for name in MERGED_FIELDS)) for row in rows]
    )
    merged = MergedRecord(cluster_id=cluster_id, filled_from=filled_from)
    for name, value in zip(MERGED_FIELDS, values):
        setattr(merged, name, json.loads(value) if name == "authors" and isinstance(value, str) else value)
    return merged


def merge_values(rows: Sequence[Sequence[Any]]) -> tuple[int, list[Any], dict[str, int]]:
    """The kept record's id, the merged values of the :data:`MERGED_FIELDS` and which record filled
    each gap, for one cluster's rows given as ``(id, *MERGED_FIELDS)`` (plain rows: a million-record
    review merges hundreds of thousands of clusters)."""
    scores = [_completeness(row[1:]) for row in rows]
    # Most complete first, the earliest imported on a tie (ids are unique): the kept record, as
    # kept_record chooses, then the others in the order they fill its gaps.
    best, *others = sorted(range(len(rows)), key=lambda n: (-scores[n], rows[n][0]))
    values = list(rows[best][1:])
    filled_from: dict[str, int] = {}
    for field_number, value in enumerate(values):
        if value in _EMPTY:
            for n in others:
                if rows[n][field_number + 1] not in _EMPTY:
                    values[field_number] = rows[n][field_number + 1]
                    filled_from[MERGED_FIELDS[field_number]] = rows[n][0]
                    break
    return rows[best][0], values, filled_from


# A merged_records row's fields as merged: a NULL abstract is the kept record's own (dedup.sql).
_STORED_MERGED = ", ".join(
    "COALESCE(m.abstract, r.abstract) AS abstract" if name == "abstract" else f"m.{name}"
    for name in MERGED_FIELDS
)


def merged_record(conn: sqlite3.Connection, cluster_id: int) -> MergedRecord:
    """The merged record of a cluster (or of a unique record, as it is) with every source record.

    ``cluster_id`` is the kept record's id, as ``record_clusters.cluster_id`` and
    ``unique_records.id`` give it.
    """
    row = conn.execute(
        f"SELECT {_STORED_MERGED}, m.filled_from FROM merged_records m"
        " JOIN records r ON r.id = m.cluster_id WHERE m.cluster_id = ?",
        (cluster_id,),
    ).fetchone()
    source_rows = conn.execute(
        "SELECT r.id, r.search_id, s.database, s.file_name, r.source_id, r.title FROM active_records r"
        " JOIN searches s ON s.id = r.search_id"
        " JOIN record_units u ON u.record_id = r.id"
        " WHERE u.unit_id = ? ORDER BY r.id",
        (cluster_id,),
    ).fetchall()
    if not source_rows:
        member = conn.execute(
            "SELECT cluster_id FROM record_clusters WHERE record_id = ?", (cluster_id,)
        ).fetchone()
        if member:
            raise CartsleError(
                f"record {cluster_id} is in cluster {member[0]}: `cartsle dedup show {member[0]}`"
            )
        raise CartsleError(f"no record {cluster_id} among the active records")
    if row is None:
        record = conn.execute("SELECT * FROM active_records WHERE id = ?", (cluster_id,)).fetchone()
        if record is None:
            raise CartsleError(f"record {cluster_id} is not the kept record of a cluster")
        merged = merge_rows([record])
    else:
        values = {name: row[name] for name in MERGED_FIELDS}
        values["authors"] = json.loads(values["authors"])
        merged = MergedRecord(
            cluster_id=cluster_id,
            filled_from={k: int(v) for k, v in json.loads(row["filled_from"]).items()},
            **values,
        )
    merged.sources = [
        Source(r["id"], r["search_id"], r["database"], r["file_name"], r["source_id"], r["title"])
        for r in source_rows
    ]
    return merged


def merged_row(merged: MergedRecord) -> tuple:
    """The ``merged_records`` row of a merged record."""
    values = [
        json.dumps(merged.authors, ensure_ascii=False) if name == "authors" else getattr(merged, name)
        for name in MERGED_FIELDS
    ]
    return (merged.cluster_id, *values, json.dumps(merged.filled_from))


_AUTHORS = MERGED_FIELDS.index("authors")
# json.dumps(..., ensure_ascii=False) builds an encoder on each call; one built once writes the same.
_dump_authors = json.JSONEncoder(ensure_ascii=False).encode


def merged_row_of(rows: Sequence[Sequence[Any]]) -> tuple:
    """The ``merged_records`` row of one cluster's plain rows ``(id, *MERGED_FIELDS)``: what
    ``merged_row(merge_rows(rows))`` gives, without a :class:`MergedRecord` between."""
    cluster_id, values, filled_from = merge_values(rows)
    authors = values[_AUTHORS]
    # As merge_rows reads the authors and merged_row writes them: one form for every review.
    values[_AUTHORS] = _dump_authors(load_json(authors) if isinstance(authors, str) else authors)
    return (cluster_id, *values, json.dumps(filled_from))


def merged_rows(clusters: Sequence[Sequence[Sequence[Any]]]) -> list[tuple]:
    """:func:`merged_row_of` of each cluster's rows: a batch of clusters, as a worker merges them.
    A value stands for itself only by being empty or filled: the dedup run passes a member's
    non-empty abstract as its record's id, and the merged row then holds that id (``run.py``)."""
    return [merged_row_of(rows) for rows in clusters]
