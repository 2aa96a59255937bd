"""Writing results out: one cluster row per imported record, and the deduplicated records as RIS
or CSV (each cluster as its merged record)."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from cartsle_cli.dedup.kinds import Kind, kind_of
from cartsle_cli.dedup.merge import MERGED_FIELDS, MergedRecord, merge_rows
from cartsle_cli.formats.ris import CARTSLE_PROVIDER
from cartsle_cli.safe_output import for_spreadsheet, for_terminal


@dataclass(frozen=True)
class ClusterRow:
    id: str  # the record's id in its source file: its source id, else accession, else position
    source_file: str
    cluster: int  # the kept record's id; records sharing it are duplicates
    record_id: int
    search_id: int


def cluster_rows(conn: sqlite3.Connection) -> list[ClusterRow]:
    """One row per active imported record, in import order."""
    rows = conn.execute(
        "SELECT r.id, r.search_id, r.position, r.source_id, r.accession, s.file_name,"
        " u.unit_id AS cluster FROM active_records r"
        " JOIN searches s ON s.id = r.search_id JOIN record_units u ON u.record_id = r.id ORDER BY r.id"
    )
    return [
        ClusterRow(
            row["source_id"] or row["accession"] or str(row["position"]),
            row["file_name"],
            row["cluster"],
            row["id"],
            row["search_id"],
        )
        for row in rows
    ]


def write_clusters_csv(rows: list[ClusterRow], handle: TextIO) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["id", "source_file", "cluster", "record_id", "search_id"])
    for row in rows:
        cells = [row.id, row.source_file, row.cluster, row.record_id, row.search_id]
        writer.writerow([for_spreadsheet(cell) for cell in cells])


def unique_merged(conn: sqlite3.Connection) -> Iterator[MergedRecord]:
    """Every unique record as the reviewer screens it: a cluster's merged record, or the record."""
    for row in conn.execute(
        f"SELECT u.id, {', '.join(f'COALESCE(m.{name}, u.{name}) AS {name}' for name in MERGED_FIELDS)}"
        " FROM unique_records u LEFT JOIN merged_records m ON m.cluster_id = u.id ORDER BY u.id"
    ):
        yield merge_rows([row])


# The tags cartsle's RIS reader reads back into the same fields (formats.ris.CARTSLE).
_RIS_TAGS = (
    ("title", "TI"),
    ("year", "PY"),
    ("journal", "JO"),
    ("volume", "VL"),
    ("issue", "IS"),
    ("doi", "DO"),
    ("pmid", "AN"),
    ("accession", "C1"),
    ("language", "LA"),
    ("publication_type", "M3"),
    ("abstract", "AB"),
)
_RIS_TYPES = {Kind.CONFERENCE: "ABST", Kind.PREPRINT: "UNPB"}


def write_ris(records: Iterator[MergedRecord], handle: TextIO) -> int:
    """RIS (Research Information Systems) records; ``ID`` is the cartsle record id."""
    count = 0
    for record in records:
        kind = kind_of(record.title, record.publication_type, record.journal, record.doi)
        lines = [
            f"TY  - {_RIS_TYPES.get(kind, 'JOUR')}",
            f"ID  - {record.cluster_id}",
            f"DP  - {CARTSLE_PROVIDER}",
        ]
        # RIS is plain text, one value a line: no control character has a meaning in it.
        lines += [f"AU  - {' '.join(for_terminal(author).split())}" for author in record.authors]
        for name, tag in _RIS_TAGS:
            value = getattr(record, name)
            if value not in (None, ""):
                lines.append(f"{tag}  - {' '.join(for_terminal(value).split())}")
        if record.pages:
            first, _, last = for_terminal(record.pages).partition("-")
            lines.append(f"SP  - {first.strip()}")
            if last.strip():
                lines.append(f"EP  - {last.strip()}")
        lines.append("ER  - ")
        handle.write("\n".join(lines) + "\n\n")
        count += 1
    return count


def write_csv(records: Iterator[MergedRecord], handle: TextIO) -> int:
    """One row per record; authors joined by "; "."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["id", *MERGED_FIELDS])
    count = 0
    for record in records:
        values = [
            "; ".join(record.authors) if name == "authors" else getattr(record, name)
            for name in MERGED_FIELDS
        ]
        writer.writerow([for_spreadsheet(cell) for cell in (record.cluster_id, *values)])
        count += 1
    return count
