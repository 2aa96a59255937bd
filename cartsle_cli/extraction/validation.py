"""Checking the two extraction files completely before anything is stored.

Validation stops at the first problem and names it by file, line and column: the header (missing
required or unknown columns), then each row from the top (cell types and limits, then the row's
identity, then its counts), studies.csv before patients.csv. The rules on counts are those of
columns.py: no count above ``n_treated``, grades adding up to their "any" count, sub-counts not
above their parent.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from rapidfuzz import process

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.cells import CellError, parse_cell
from cartsle_cli.extraction.columns import (
    COUNT_COLUMNS,
    GRADED_OUTCOMES,
    PATIENT_COLUMNS,
    STUDY_COLUMNS,
    SUBCOUNTS,
    Column,
)
from cartsle_cli.extraction.csvfile import CsvRow, CsvTable, read_csv
from cartsle_cli.extraction.frames import to_frame

Values = dict[str, Any]


@dataclass(frozen=True)
class Extraction:
    """Both files, valid: frames with the columns of columns.py, and each row's file line."""

    studies: pd.DataFrame
    patients: pd.DataFrame
    study_lines: tuple[int, ...]
    patient_lines: tuple[int, ...]
    studies_file: CsvTable
    patients_file: CsvTable
    missing_study_ids: tuple[str, ...]  # included studies with no row in studies.csv


def validate_extraction(
    studies_path: str | Path,
    patients_path: str | Path,
    included_study_ids: Collection[str] | None,
) -> Extraction:
    """Read and check both files; raise CartsleError at the first problem.

    ``included_study_ids`` are the ids studies.csv may use (None: any id is accepted).
    """
    studies_file = read_csv(studies_path)
    studies = _study_rows(studies_file, included_study_ids)
    patients_file = read_csv(patients_path)
    patients = _patient_rows(patients_file, {row["study_id"]: row for _, row in studies})
    known = {row["study_id"] for _, row in studies}
    missing = tuple(sorted(set(included_study_ids or ()) - known))
    return Extraction(
        studies=to_frame((row for _, row in studies), STUDY_COLUMNS),
        patients=to_frame((row for _, row in patients), PATIENT_COLUMNS),
        study_lines=tuple(line for line, _ in studies),
        patient_lines=tuple(line for line, _ in patients),
        studies_file=studies_file,
        patients_file=patients_file,
        missing_study_ids=missing,
    )


def _study_rows(table: CsvTable, included: Collection[str] | None) -> list[tuple[int, Values]]:
    _check_header(table, STUDY_COLUMNS)
    if not table.rows:
        raise CartsleError("no study rows: fill in one row per included study", file=table.path)
    first_line: dict[str, int] = {}
    rows = []
    for row in table.rows:
        values = _parse_row(table, row, STUDY_COLUMNS)
        study_id = values["study_id"]
        if study_id in first_line:
            raise _error(
                table, row, "study_id", f"study {study_id!r} already has a row on line {first_line[study_id]}"
            )
        if included is not None and study_id not in included:
            raise _error(
                table,
                row,
                "study_id",
                f"{study_id!r} is not an included study (`cartsle extract template` lists them)",
            )
        first_line[study_id] = row.line
        _check_counts(table, row, values)
        rows.append((row.line, values))
    return rows


def _check_counts(table: CsvTable, row: CsvRow, values: Values) -> None:
    n_treated = values["n_treated"]
    for name in COUNT_COLUMNS:
        if values.get(name) is not None and values[name] > n_treated:
            raise _error(table, row, name, f"{name} is {values[name]} but n_treated is {n_treated}")
    for any_name, grade_names in GRADED_OUTCOMES.items():
        given = [name for name in grade_names if values.get(name) is not None]
        if not given:
            continue
        if values.get(any_name) is None:
            raise _error(table, row, given[0], f"grades are given but {any_name} is blank")
        # Once one grade is filled, a blank grade means no patient had it.
        for name in grade_names:
            values[name] = values.get(name) or 0
        total = sum(values[name] for name in grade_names)
        if total != values[any_name]:
            raise _error(
                table,
                row,
                any_name,
                f"{any_name} is {values[any_name]} but its grades add up to {total} ({' + '.join(str(values[name]) for name in grade_names)})",
            )
    for part, whole in SUBCOUNTS.items():
        if values.get(part) is None:
            continue
        if values.get(whole) is None:
            raise _error(table, row, part, f"{part} is given but {whole}, the count it is part of, is blank")
        if values[part] > values[whole]:
            raise _error(table, row, part, f"{part} is {values[part]} but {whole} is only {values[whole]}")


def _patient_rows(table: CsvTable, studies: dict[str, Values]) -> list[tuple[int, Values]]:
    _check_header(table, PATIENT_COLUMNS)
    first_line: dict[tuple[str, str, float], int] = {}
    patients_of: dict[str, set[str]] = {study_id: set() for study_id in studies}
    rows = []
    for row in table.rows:
        values = _parse_row(table, row, PATIENT_COLUMNS)
        study_id, patient_id, month = values["study_id"], values["patient_id"], values["month"]
        if study_id not in studies:
            raise _error(table, row, "study_id", f"study {study_id!r} has no row in the studies file")
        key = (study_id, patient_id, month)
        if key in first_line:
            raise _error(
                table,
                row,
                "month",
                f"patient {patient_id!r} of {study_id!r} already has month {month:g} on line {first_line[key]}",
            )
        first_line[key] = row.line
        patients_of[study_id].add(patient_id)
        n_treated = studies[study_id]["n_treated"]
        if len(patients_of[study_id]) > n_treated:
            raise _error(
                table,
                row,
                "patient_id",
                f"{study_id!r} treated {n_treated} patients but this is its patient number {n_treated + 1}",
            )
        rows.append((row.line, values))
    return rows


def _check_header(table: CsvTable, columns: tuple[Column, ...]) -> None:
    known = [column.name for column in columns]
    seen: set[str] = set()
    for name in table.header:
        if name in seen:
            raise CartsleError(
                f"column {name!r} appears twice", file=table.path, line=table.header_line, field=name
            )
        seen.add(name)
        if name not in known:
            raise CartsleError(
                f"unknown column {name!r}{_suggestion(name, known)}",
                file=table.path,
                line=table.header_line,
                field=name,
            )
    for column in columns:
        if column.required and column.name not in seen:
            raise CartsleError(
                f"required column {column.name!r} is missing from the header",
                file=table.path,
                line=table.header_line,
                field=column.name,
            )


def _suggestion(name: str, known: list[str]) -> str:
    match = process.extractOne(name.lower(), known, score_cutoff=75)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _parse_row(table: CsvTable, row: CsvRow, columns: tuple[Column, ...]) -> Values:
    by_name = {column.name: column for column in columns}
    values: Values = {}
    for name in table.header:
        try:
            values[name] = parse_cell(by_name[name], row.cells[name])
        except CellError as problem:
            raise _error(table, row, name, str(problem)) from None
    return values


def _error(table: CsvTable, row: CsvRow, field: str, message: str) -> CartsleError:
    return CartsleError(message, file=table.path, line=row.line, field=field)
