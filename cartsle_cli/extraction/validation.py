"""Checking a review's extraction files completely, against its protocol, before anything is stored.

Validation stops at the first problem and names it by file, line and column: each file's header
(missing required or unknown columns), then each row from the top (cell types and limits, then the
row's identity, then its counts), studies.csv first. The rules on counts come from the protocol's
layout (``layout.py``): no count above the study's participants or the arm's n, grades adding up
to their "any" count, sub-counts not above their parent, fields of one outcome given together,
every arm present for a comparative outcome.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from rapidfuzz import process

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.cells import CellError, parse_cell
from cartsle_cli.extraction.csvfile import CsvRow, CsvTable, check_header, read_csv
from cartsle_cli.extraction.frames import to_frame
from cartsle_cli.extraction.layout import Column, FileLayout, Layout, layout
from cartsle_cli.protocol.model import Protocol

Values = dict[str, Any]


@dataclass(frozen=True)
class CheckedFile:
    """One valid file: its layout, its text as read, and its rows with their lines."""

    layout: FileLayout
    table: CsvTable
    rows: tuple[tuple[int, Values], ...]

    @property
    def frame(self) -> pd.DataFrame:
        return to_frame((values for _, values in self.rows), self.layout.columns)


@dataclass(frozen=True)
class Extraction:
    files: tuple[CheckedFile, ...]  # in the layout's order, studies.csv first
    missing_study_ids: tuple[str, ...]  # included studies with no row in studies.csv

    @property
    def study_count(self) -> int:
        return len(self.files[0].rows)

    @property
    def row_count(self) -> int:
        return sum(len(f.rows) for f in self.files)


def match_files(files: Collection[str | Path], expected: Layout) -> dict[str, Path]:
    """Each given path by the protocol file it is (by its name); every protocol file must be given."""
    names = [f.name for f in expected.files]
    found: dict[str, Path] = {}
    for given in map(Path, files):
        if given.name not in names:
            raise CartsleError(
                f"not a file of the protocol: it declares {', '.join(names)}", file=given, field="file name"
            )
        if given.name in found:
            raise CartsleError(f"{given.name} is given twice", file=given)
        found[given.name] = given
    missing = [name for name in names if name not in found]
    if missing:
        raise CartsleError(
            f"the protocol also needs {', '.join(missing)} (`cartsle extract template` writes it)"
        )
    return found


def validate_extraction(
    protocol: Protocol, files: Collection[str | Path], included_study_ids: Collection[str] | None
) -> Extraction:
    """Read and check every file; raise CartsleError at the first problem.

    ``included_study_ids`` are the ids studies.csv may use (None: any id is accepted).
    """
    expected = layout(protocol)
    paths = match_files(files, expected)
    studies_table = read_csv(paths[expected.studies.name])
    study_rows = _study_rows(studies_table, expected, included_study_ids)
    by_id = {values["study_id"]: values for _, values in study_rows}
    checked = [CheckedFile(expected.studies, studies_table, tuple(study_rows))]
    for file_layout in expected.files[1:]:
        table = read_csv(paths[file_layout.name])
        if file_layout.kind == "arms":
            rows = _arm_rows(table, file_layout, by_id, expected.arms)
        else:
            rows = _patient_rows(table, file_layout, by_id, expected.participants)
        checked.append(CheckedFile(file_layout, table, tuple(rows)))
    missing = tuple(sorted(set(included_study_ids or ()) - set(by_id)))
    return Extraction(tuple(checked), missing)


def _study_rows(
    table: CsvTable, expected: Layout, included: Collection[str] | None
) -> list[tuple[int, Values]]:
    file_layout = expected.studies
    check_header(
        table, file_layout.columns, lambda name, known: f"unknown column {name!r}{_suggestion(name, known)}"
    )
    if not table.rows:
        raise CartsleError("no study rows: fill in one row per included study", file=table.path)
    first_line: dict[str, int] = {}
    rows = []
    for row in table.rows:
        values = _parse_row(table, row, file_layout.columns)
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
        _check_counts(table, row, values, file_layout, expected.participants)
        rows.append((row.line, values))
    return rows


def _check_counts(
    table: CsvTable, row: CsvRow, values: Values, file_layout: FileLayout, participants: str
) -> None:
    n = values.get(participants)
    for name in file_layout.participants_at_most:
        if values.get(name) is not None and n is not None and values[name] > n:
            raise _error(table, row, name, f"{name} is {values[name]} but {participants} is {n}")
    for rule in file_layout.grades:
        given = [name for name in rule.grades if values.get(name) is not None]
        if not given:
            continue
        if values.get(rule.total) is None:
            raise _error(table, row, given[0], f"grades are given but {rule.total} is blank")
        # Once one grade is filled, a blank grade means no patient had it.
        for name in rule.grades:
            values[name] = values.get(name) or 0
        total = sum(values[name] for name in rule.grades)
        if total != values[rule.total]:
            added = " + ".join(str(values[name]) for name in rule.grades)
            raise _error(
                table,
                row,
                rule.total,
                f"{rule.total} is {values[rule.total]} but its grades add up to {total} ({added})",
            )
    _check_rules(table, row, values, file_layout)


def _check_rules(table: CsvTable, row: CsvRow, values: Values, file_layout: FileLayout) -> None:
    for rule in file_layout.together:
        sets = (rule.columns, *rule.alternatives)
        given = [name for name in (c for s in sets for c in s) if values.get(name) is not None]
        if given and not any(all(values.get(name) is not None for name in s) for s in sets):
            first = next(name for name in rule.columns if values.get(name) is None)
            raise _error(
                table,
                row,
                first,
                f"{first} is blank but {given[0]} is given: give {', '.join(rule.columns)} together",
            )
    for limit in file_layout.at_most:
        part, whole = values.get(limit.part), values.get(limit.whole)
        if part is None:
            continue
        if whole is None:
            if limit.strict:
                raise _error(
                    table,
                    row,
                    limit.part,
                    f"{limit.part} is given but {limit.whole}, the count it is part of, is blank",
                )
            continue
        if part > whole:
            raise _error(table, row, limit.part, f"{limit.part} is {part} but {limit.whole} is only {whole}")


def _arm_rows(
    table: CsvTable, file_layout: FileLayout, studies: Mapping[str, Values], arms: tuple[str, ...]
) -> list[tuple[int, Values]]:
    check_header(
        table, file_layout.columns, lambda name, known: f"unknown column {name!r}{_suggestion(name, known)}"
    )
    first_line: dict[tuple[str, str], int] = {}
    rows = []
    for row in table.rows:
        values = _parse_row(table, row, file_layout.columns)
        study_id, arm = values["study_id"], values["arm"]
        if study_id not in studies:
            raise _error(table, row, "study_id", f"study {study_id!r} has no row in the studies file")
        if (study_id, arm) in first_line:
            raise _error(
                table,
                row,
                "arm",
                f"arm {arm!r} of {study_id!r} already has a row on line {first_line[study_id, arm]}",
            )
        first_line[study_id, arm] = row.line
        _check_rules(table, row, values, file_layout)
        rows.append((row.line, values))
    _check_every_arm(table, file_layout, rows, arms)
    return rows


def _check_every_arm(
    table: CsvTable, file_layout: FileLayout, rows: list[tuple[int, Values]], arms: tuple[str, ...]
) -> None:
    """A comparative outcome given for one arm of a study must be given for all of its arms."""
    for rule in file_layout.together:
        reported: dict[str, dict[str, int]] = {}
        for line, values in rows:
            if any(values.get(name) is not None for s in (rule.columns, *rule.alternatives) for name in s):
                reported.setdefault(values["study_id"], {})[values["arm"]] = line
        for study_id, found in reported.items():
            missing = [arm for arm in arms if arm not in found]
            if missing:
                line = max(found.values())
                raise CartsleError(
                    f"{rule.outcome} of {study_id!r} is given for {', '.join(found)} but not for arm {missing[0]!r}",
                    file=table.path,
                    line=line,
                    field=rule.columns[0],
                )


def _patient_rows(
    table: CsvTable, file_layout: FileLayout, studies: Mapping[str, Values], participants: str
) -> list[tuple[int, Values]]:
    check_header(
        table, file_layout.columns, lambda name, known: f"unknown column {name!r}{_suggestion(name, known)}"
    )
    _, patient_column, time_column = file_layout.keys
    first_line: dict[tuple[str, str, float], int] = {}
    patients_of: dict[str, set[str]] = {study_id: set() for study_id in studies}
    rows = []
    for row in table.rows:
        values = _parse_row(table, row, file_layout.columns)
        study_id, patient, time = values["study_id"], values[patient_column], values[time_column]
        if study_id not in studies:
            raise _error(table, row, "study_id", f"study {study_id!r} has no row in the studies file")
        key = (study_id, patient, time)
        if key in first_line:
            raise _error(
                table,
                row,
                time_column,
                f"patient {patient!r} of {study_id!r} already has {time_column} {time:g} on line {first_line[key]}",
            )
        first_line[key] = row.line
        patients_of[study_id].add(patient)
        n = studies[study_id].get(participants) if participants else None
        if n is not None and len(patients_of[study_id]) > n:
            raise _error(
                table,
                row,
                patient_column,
                f"{study_id!r} treated {n} patients but this is its patient number {n + 1}",
            )
        rows.append((row.line, values))
    return rows


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
