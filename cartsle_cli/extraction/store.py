"""Storing validated extraction files in the review, and reading the current extraction back.

A load stores both files in one transaction or nothing. It replaces the previous load as the
current extraction; earlier loads stay in the review under their load id, with the files' text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.columns import PATIENT_COLUMNS, STUDY_COLUMNS, Column
from cartsle_cli.extraction.frames import to_frame
from cartsle_cli.extraction.validation import Extraction, validate_extraction
from cartsle_cli.screening import included_studies
from cartsle_cli.store import transaction


@dataclass(frozen=True)
class ExtractionLoad:
    id: int
    loaded_at: str
    studies_file: str
    patients_file: str
    study_count: int
    patient_rows: int


@dataclass(frozen=True)
class LoadResult:
    load: ExtractionLoad
    replaced: ExtractionLoad | None  # the load that was current before
    missing_study_ids: tuple[str, ...]  # included studies with no row in studies.csv

    def to_dict(self) -> dict:
        return {
            "load": vars(self.load),
            "replaced": vars(self.replaced) if self.replaced else None,
            "missing_study_ids": list(self.missing_study_ids),
        }


def included_study_ids(conn: sqlite3.Connection) -> set[str]:
    """The ids of the studies screening has included."""
    return {study.study_id for study in included_studies(conn)}


def load_extraction(
    conn: sqlite3.Connection,
    studies_path: str | Path,
    patients_path: str | Path,
    *,
    known_study_ids: Collection[str] | None = None,
) -> LoadResult:
    """Validate both files fully, then store them as the current extraction in one transaction.

    ``known_study_ids`` defaults to the review's included studies.
    """
    if known_study_ids is None:
        known_study_ids = included_study_ids(conn)
    extraction = validate_extraction(studies_path, patients_path, known_study_ids)
    with transaction(conn):
        replaced = latest_load(conn)
        load_id = _insert_load(conn, extraction)
        _insert_rows(
            conn, "extraction_studies", load_id, STUDY_COLUMNS, extraction.studies, extraction.study_lines
        )
        _insert_rows(
            conn,
            "extraction_patients",
            load_id,
            PATIENT_COLUMNS,
            extraction.patients,
            extraction.patient_lines,
        )
        load = extraction_loads(conn, latest_only=True)[0]
    return LoadResult(load, replaced, extraction.missing_study_ids)


def _insert_load(conn: sqlite3.Connection, extraction: Extraction) -> int:
    studies, patients = extraction.studies_file, extraction.patients_file
    cursor = conn.execute(
        "INSERT INTO extraction_loads (loaded_at, studies_file, studies_sha256, studies_text, patients_file,"
        " patients_sha256, patients_text, study_count, patient_rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
            str(studies.path),
            studies.sha256,
            studies.text,
            str(patients.path),
            patients.sha256,
            patients.text,
            len(extraction.studies),
            len(extraction.patients),
        ),
    )
    return int(cursor.lastrowid)


def _insert_rows(
    conn: sqlite3.Connection,
    table: str,
    load_id: int,
    columns: tuple[Column, ...],
    frame: pd.DataFrame,
    lines: tuple[int, ...],
) -> None:
    names = [column.name for column in columns]
    placeholders = ", ".join("?" for _ in range(len(names) + 2))
    conn.executemany(
        f"INSERT INTO {table} (load_id, line, {', '.join(names)}) VALUES ({placeholders})",
        (
            [load_id, line, *map(_sql_value, values)]
            for line, values in zip(lines, frame[names].itertuples(index=False))
        ),
    )


def _sql_value(value: object) -> object:
    """pandas' missing values and numpy scalars as SQLite takes them."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def latest_load(conn: sqlite3.Connection) -> ExtractionLoad | None:
    """The current load (the latest), or None before the first."""
    loads = extraction_loads(conn, latest_only=True)
    return loads[0] if loads else None


def extraction_loads(conn: sqlite3.Connection, *, latest_only: bool = False) -> list[ExtractionLoad]:
    """Every load, newest first."""
    rows = conn.execute(
        "SELECT id, loaded_at, studies_file, patients_file, study_count, patient_rows FROM extraction_loads"
        " ORDER BY loaded_at DESC, id DESC" + (" LIMIT 1" if latest_only else "")
    ).fetchall()
    return [ExtractionLoad(*row) for row in rows]


def stored_extraction(
    conn: sqlite3.Connection, load_id: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The studies and patients frames of the current load (or of ``load_id``).

    Columns exactly as in columns.py; text as pandas strings, whole numbers as nullable Int64,
    numbers as float64. Rows in file order.
    """
    if load_id is None:
        load = latest_load(conn)
        if load is None:
            raise CartsleError(
                "no extraction loaded yet: `cartsle extract template`, fill in, then `cartsle extract load`"
            )
        load_id = load.id
    elif conn.execute("SELECT 1 FROM extraction_loads WHERE id = ?", (load_id,)).fetchone() is None:
        raise CartsleError(f"no extraction load {load_id}: `cartsle extract loads` lists them")
    return (
        _frame(conn, "extraction_studies", load_id, STUDY_COLUMNS),
        _frame(conn, "extraction_patients", load_id, PATIENT_COLUMNS),
    )


def _frame(conn: sqlite3.Connection, table: str, load_id: int, columns: tuple[Column, ...]) -> pd.DataFrame:
    names = ", ".join(column.name for column in columns)
    rows = conn.execute(f"SELECT {names} FROM {table} WHERE load_id = ? ORDER BY line", (load_id,)).fetchall()
    return to_frame((dict(row) for row in rows), columns)
