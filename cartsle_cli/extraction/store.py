"""Storing validated extraction files in the review, and reading the agreed extraction back.

A load stores every file of the protocol in one transaction, or nothing: each cell one row of
``extract_values`` (long form, so a review of any protocol needs no SQL column of its own), with
the protocol version it was checked against and the extractor who made it. The current extraction
is each extractor's latest load; where two extractors differ, the value recorded by
``extract resolve`` is the agreed one (``agreement.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.layout import FileLayout
from cartsle_cli.extraction.validation import CheckedFile, Extraction, validate_extraction
from cartsle_cli.protocol.store import stored_protocol
from cartsle_cli.screening import included_studies
from cartsle_cli.store import transaction

CellKey = tuple[str, str, str, str, str, str]  # file, study, arm, patient, timepoint, field


@dataclass(frozen=True)
class ExtractionLoad:
    id: int
    loaded_at: str
    protocol_version: int
    extractor: str
    study_count: int
    row_count: int
    files: dict[str, str]  # protocol file name -> path loaded

    def to_dict(self) -> dict:
        return vars(self).copy()


@dataclass(frozen=True)
class LoadResult:
    load: ExtractionLoad
    replaced: ExtractionLoad | None  # the same extractor's load that was current before
    missing_study_ids: tuple[str, ...]  # included studies with no row in studies.csv
    rows: dict[str, int]  # rows per file

    def to_dict(self) -> dict:
        return {
            "load": self.load.to_dict(),
            "replaced": self.replaced.to_dict() if self.replaced else None,
            "missing_study_ids": list(self.missing_study_ids),
            "rows": self.rows,
        }


def included_study_ids(conn: sqlite3.Connection) -> set[str]:
    """The ids of the studies screening has included."""
    return {study.study_id for study in included_studies(conn)}


def load_extraction(
    conn: sqlite3.Connection,
    files: Collection[str | Path],
    *,
    extractor: str = "",
    known_study_ids: Collection[str] | None = None,
) -> LoadResult:
    """Validate every file against the current protocol, then store them in one transaction.

    ``known_study_ids`` defaults to the review's included studies.
    """
    protocol = stored_protocol(conn)
    if known_study_ids is None:
        known_study_ids = included_study_ids(conn)
    extraction = validate_extraction(protocol.protocol, files, known_study_ids)
    with transaction(conn):
        replaced = latest_load(conn, extractor)
        load_id = _insert_load(conn, extraction, protocol.version.version, extractor.strip())
        for checked in extraction.files:
            _insert_file(conn, load_id, checked)
        load = extraction_loads(conn, load_id=load_id)[0]
    return LoadResult(
        load, replaced, extraction.missing_study_ids, {f.layout.name: len(f.rows) for f in extraction.files}
    )


def _insert_load(conn: sqlite3.Connection, extraction: Extraction, version: int, extractor: str) -> int:
    cursor = conn.execute(
        "INSERT INTO extract_loads (loaded_at, protocol_version, extractor, study_count, row_count)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
            version,
            extractor,
            extraction.study_count,
            extraction.row_count,
        ),
    )
    assert cursor.lastrowid is not None  # an INSERT always sets lastrowid
    return cursor.lastrowid


def _insert_file(conn: sqlite3.Connection, load_id: int, checked: CheckedFile) -> None:
    table = checked.table
    conn.execute(
        "INSERT INTO extract_files (load_id, name, path, sha256, text, rows) VALUES (?, ?, ?, ?, ?, ?)",
        (load_id, checked.layout.name, str(table.path), table.sha256, table.text, len(checked.rows)),
    )
    conn.executemany(
        "INSERT INTO extract_values (load_id, file, study_id, arm, patient, timepoint, outcome, field, value,"
        " line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _cells(load_id, checked),
    )


def row_key(file_layout: FileLayout, values: dict) -> tuple[str, str, str, str]:
    """(study, arm, patient, timepoint) of a row: what identifies it in its file."""
    study = str(values["study_id"])
    if file_layout.kind == "arms":
        return study, str(values["arm"]), "", ""
    if file_layout.kind == "patients":
        _, patient, time = file_layout.keys
        return study, "", str(values[patient]), time_text(values[time])
    return study, "", "", ""


def time_text(time: float) -> str:
    """A time as a key: 3.0 -> "3", 0.5 -> "0.5" (as the migration writes version-1 months)."""
    return str(int(time)) if float(time).is_integer() else repr(float(time))


def _cells(load_id: int, checked: CheckedFile) -> Iterator[tuple]:
    file_layout = checked.layout
    present = [c for c in file_layout.columns if c.name in checked.table.header]
    for line, values in checked.rows:
        study, arm, patient, timepoint = row_key(file_layout, values)
        for column in present:
            yield (
                load_id, file_layout.name, study, arm, patient, timepoint, column.outcome, column.name,
                values.get(column.name), line,
            )  # fmt: skip


def latest_load(conn: sqlite3.Connection, extractor: str | None = None) -> ExtractionLoad | None:
    """The latest load (of ``extractor`` when given), or None before the first."""
    loads = extraction_loads(conn, extractor=extractor)
    return loads[0] if loads else None


def extraction_loads(
    conn: sqlite3.Connection, *, extractor: str | None = None, load_id: int | None = None
) -> list[ExtractionLoad]:
    """Every load, newest first (of one extractor, or one load)."""
    where: list[str] = []
    arguments: list[str | int] = []
    if extractor is not None:
        where.append("extractor = ?")
        arguments.append(extractor.strip())
    if load_id is not None:
        where.append("id = ?")
        arguments.append(load_id)
    rows = conn.execute(
        "SELECT id, loaded_at, protocol_version, extractor, study_count, row_count FROM extract_loads"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY loaded_at DESC, id DESC",
        arguments,
    ).fetchall()
    files: dict[int, dict[str, str]] = {}
    for load, name, path in conn.execute("SELECT load_id, name, path FROM extract_files ORDER BY rowid"):
        files.setdefault(load, {})[name] = path
    return [
        ExtractionLoad(load, loaded_at, version, name, studies, row_count, files.get(load, {}))
        for load, loaded_at, version, name, studies, row_count in rows
    ]


def current_loads(conn: sqlite3.Connection) -> list[ExtractionLoad]:
    """Each extractor's latest load, oldest extractor first."""
    latest: dict[str, ExtractionLoad] = {}
    for load in extraction_loads(conn):
        latest.setdefault(load.extractor, load)
    if not latest:
        raise CartsleError(
            "no extraction loaded yet: `cartsle extract template`, fill in, then `cartsle extract load`"
        )
    return sorted(latest.values(), key=lambda load: (load.loaded_at, load.id))  # not by merge order


def load_cells(conn: sqlite3.Connection, load_id: int) -> dict[CellKey, tuple[object, int, str]]:
    """Every cell of a load: its key -> (value, line, outcome)."""
    rows = conn.execute(
        "SELECT file, study_id, arm, patient, timepoint, field, value, line, outcome FROM extract_values"
        " WHERE load_id = ?",
        (load_id,),
    )
    return {tuple(row[:6]): (row[6], row[7], row[8]) for row in rows}


def frame_of(
    file_layout: FileLayout, cells: dict[CellKey, tuple[object, int, str]]
) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """The rows of one file as a frame with the layout's columns, in file order, and their lines."""
    from cartsle_cli.extraction.frames import to_frame

    rows: dict[tuple[str, str, str, str], dict] = {}
    lines: dict[tuple[str, str, str, str], int] = {}
    for (file, study, arm, patient, timepoint, field), (value, line, _) in cells.items():
        if file != file_layout.name:
            continue
        key = (study, arm, patient, timepoint)
        row = rows.setdefault(key, {})
        row[field] = value
        lines[key] = min(line, lines.get(key, line))
    order = sorted(rows, key=lambda key: lines[key])
    return to_frame((rows[key] for key in order), file_layout.columns), tuple(lines[key] for key in order)
