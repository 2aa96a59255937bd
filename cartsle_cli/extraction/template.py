"""The extraction template: studies.csv with a row per included study, and patients.csv.

Each file opens with ``#`` comment lines describing every column (type, whether required, limits
and meaning, from columns.py); the loader skips them, so the reviewer fills in the file as it is.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.columns import GRADED_OUTCOMES, PATIENT_COLUMNS, STUDY_COLUMNS, SUBCOUNTS, Column
from cartsle_cli.safe_output import for_spreadsheet
from cartsle_cli.screening import included_studies

STUDIES_FILE = "studies.csv"
PATIENTS_FILE = "patients.csv"
_TYPE_WORDS = {"text": "text", "int": "whole number", "float": "number"}


class IncludedStudy(Protocol):
    study_id: str
    first_author: str | None
    year: int | None


@dataclass(frozen=True)
class Template:
    studies: Path
    patients: Path
    study_count: int

    def to_dict(self) -> dict:
        return {"studies": str(self.studies), "patients": str(self.patients), "study_count": self.study_count}


def write_template(conn: sqlite3.Connection, out_dir: str | Path, *, overwrite: bool = False) -> Template:
    """Write both files for the review's included studies into ``out_dir``."""
    return write_template_files(out_dir, included_studies(conn), overwrite=overwrite)


def write_template_files(
    out_dir: str | Path, studies: Iterable[IncludedStudy], *, overwrite: bool = False
) -> Template:
    """Write studies.csv (study_id, first_author and year filled in) and patients.csv (header only).

    Existing files are kept unless ``overwrite``: they may hold a reviewer's extraction.
    """
    out_dir = Path(out_dir)
    paths = out_dir / STUDIES_FILE, out_dir / PATIENTS_FILE
    for path in paths:
        if path.exists() and not overwrite:
            raise CartsleError(
                "already exists (it may hold extracted data): give --force to overwrite it", file=path
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [_study_row(study) for study in studies]
    _write(paths[0], _studies_notes(), STUDY_COLUMNS, rows)
    _write(
        paths[1],
        ["One row per patient and month (long format); month 0 is the baseline."],
        PATIENT_COLUMNS,
        [],
    )
    return Template(paths[0], paths[1], len(rows))


def _study_row(study: IncludedStudy) -> dict[str, object]:
    return {"study_id": study.study_id, "first_author": study.first_author or "", "year": study.year or ""}


def _studies_notes() -> list[str]:
    graded = "; ".join(f"{name}: {', '.join(grades)}" for name, grades in GRADED_OUTCOMES.items())
    parts = ", ".join(f"{part} <= {whole}" for part, whole in SUBCOUNTS.items())
    return [
        "One row per included study. Counts are patients, not events; blank = not reported.",
        f"Grades ({graded}): leave all blank when not reported; once one is filled, blanks count as 0",
        "and the grades must add up to the any-grade count.",
        f"No count may exceed n_treated; sub-counts: {parts}.",
    ]


def describe(column: Column) -> str:
    """The column as one comment line: name (type, required, limits): description."""
    kind = _TYPE_WORDS.get(column.type) or "one of " + " / ".join(
        column.type.removeprefix("choice:").split("|")
    )
    facts = [kind, "required" if column.required else "optional"]
    if column.type in ("int", "float"):
        upper = f"{column.maximum:g}" if column.maximum is not None else ""
        facts.append(f"{column.minimum:g}-{upper}" if upper else f">= {column.minimum:g}")
    return f"{column.name} ({', '.join(facts)}): {column.description}"


def _write(
    path: Path, notes: Sequence[str], columns: tuple[Column, ...], rows: Sequence[dict[str, object]]
) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(f"# {path.name}. Lines starting with # are ignored by `cartsle extract load`.\n")
        for line in [*notes, *map(describe, columns)]:
            handle.write(f"# {line}\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([for_spreadsheet(column.name) for column in columns])
        for row in rows:
            writer.writerow([for_spreadsheet(row.get(column.name)) for column in columns])
