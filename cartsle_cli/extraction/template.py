"""The extraction template: the files the review's protocol implies, ready to fill in.

Each file opens with ``#`` comment lines describing every column (type, whether required, limits
and meaning, from the protocol's layout) and its rules; the loader skips them, so the reviewer fills
in the file as it is. studies.csv has a row per included study (study id, first author and year
filled in from screening), arms.csv a row per study and arm, a patient-level file only its header.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol as Shape

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.layout import Column, FileLayout, Layout, layout
from cartsle_cli.protocol.model import Protocol
from cartsle_cli.protocol.store import stored_protocol
from cartsle_cli.safe_output import for_spreadsheet
from cartsle_cli.screening import included_studies

_TYPE_WORDS = {"text": "text", "int": "whole number", "float": "number", "date": "date YYYY-MM-DD"}


class IncludedStudy(Shape):
    """What a template row needs of a study (read-only, as screening's frozen studies are)."""

    @property
    def study_id(self) -> str: ...
    @property
    def first_author(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...


@dataclass(frozen=True)
class Template:
    files: tuple[Path, ...]
    study_count: int

    def to_dict(self) -> dict:
        return {"files": [str(path) for path in self.files], "study_count": self.study_count}


def write_template(conn: sqlite3.Connection, out_dir: str | Path, *, overwrite: bool = False) -> Template:
    """Write the current protocol's files for the review's included studies into ``out_dir``."""
    protocol = stored_protocol(conn).protocol
    return write_template_files(protocol, out_dir, included_studies(conn), overwrite=overwrite)


def write_template_files(
    protocol: Protocol, out_dir: str | Path, studies: Iterable[IncludedStudy], *, overwrite: bool = False
) -> Template:
    """Write every file of ``protocol``'s layout. Existing files are kept unless ``overwrite``:
    they may hold a reviewer's extraction."""
    out_dir = Path(out_dir)
    files = layout(protocol)
    paths = tuple(out_dir / f.name for f in files.files)
    for path in paths:
        if path.exists() and not overwrite:
            raise CartsleError(
                "already exists (it may hold extracted data): give --force to overwrite it", file=path
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    studies = list(studies)
    for path, file_layout in zip(paths, files.files):
        rows: list[dict[str, object]] = []
        if file_layout.kind == "studies":
            names = {column.name for column in file_layout.columns}
            rows = [{k: v for k, v in _study_row(study).items() if k in names} for study in studies]
        elif file_layout.kind == "arms":
            rows = [{"study_id": study.study_id, "arm": arm} for study in studies for arm in files.arms]
        _write(path, notes(protocol, files, file_layout), file_layout.columns, rows)
    return Template(paths, len(studies))


def _study_row(study: IncludedStudy) -> dict[str, object]:
    """What screening knows of a study; first_author and year only where the protocol declares them."""
    return {"study_id": study.study_id, "first_author": study.first_author or "", "year": study.year or ""}


def notes(protocol: Protocol, files: Layout, file_layout: FileLayout) -> list[str]:
    """The rules of a file in a few comment lines."""
    if file_layout.kind == "patients":
        outcome = protocol.outcome(file_layout.outcome)
        assert outcome is not None  # a patient-level file is laid out from an outcome of the protocol
        time = file_layout.keys[2]
        return [f"One row per patient and {time} (long format); {time} {outcome.baseline:g} is the baseline."]
    lines = []
    if file_layout.kind == "arms":
        lines.append(f"One row per study and arm ({', '.join(files.arms)}); blank = not reported.")
        lines.append("An outcome given for one arm of a study must be given for every arm.")
    else:
        lines.append("One row per included study. Counts are patients, not events; blank = not reported.")
    if file_layout.grades:
        graded = "; ".join(f"{rule.total}: {', '.join(rule.grades)}" for rule in file_layout.grades)
        lines.append(
            f"Grades ({graded}): leave all blank when not reported; once one is filled, blanks count as 0"
        )
        lines.append("and the grades must add up to the any-grade count.")
    rules = []
    if file_layout.participants_at_most:
        rules.append(f"No count may exceed {files.participants}")
    if file_layout.at_most:
        rules.append("at most: " + ", ".join(f"{rule.part} <= {rule.whole}" for rule in file_layout.at_most))
    if rules:
        lines.append("; ".join(rules) + ".")
    if file_layout.together:
        lines.append(
            "Given together: " + "; ".join(" + ".join(rule.columns) for rule in file_layout.together) + "."
        )
    return lines


def describe(column: Column) -> str:
    """The column as one comment line: name (type, required, limits): description."""
    kind = _TYPE_WORDS.get(column.type) or "one of " + " / ".join(
        column.type.removeprefix("choice:").split("|")
    )
    facts = [kind, "required" if column.required else "optional"]
    if column.type in ("int", "float"):
        lower = f"{column.minimum:g}" if column.minimum is not None else ""
        upper = f"{column.maximum:g}" if column.maximum is not None else ""
        if column.positive:
            facts.append("> 0")
        elif lower and upper:
            facts.append(f"{lower}-{upper}")
        elif lower:
            facts.append(f">= {lower}")
        elif upper:
            facts.append(f"<= {upper}")
    return f"{column.name} ({', '.join(facts)}): {column.description}"


def _write(
    path: Path, lines: Sequence[str], columns: tuple[Column, ...], rows: Sequence[dict[str, object]]
) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(f"# {path.name}. Lines starting with # are ignored by `cartsle extract load`.\n")
        for line in [*lines, *map(describe, columns)]:
            handle.write(f"# {line}\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([for_spreadsheet(column.name) for column in columns])
        for row in rows:
            writer.writerow([for_spreadsheet(row.get(column.name)) for column in columns])
