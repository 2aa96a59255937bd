"""Reading decision files: cartsle's own CSV, ASReview LAB exports (CSV, RIS), Rayyan exports.

Each reader turns a file into :class:`DecisionRow` s that name their record by cartsle record id
or by DOI / PMID / title; matching them to records is ``bulk``'s job.

- cartsle CSV: ``record_id`` (or ``doi`` / ``pmid`` / ``title``), ``reviewer``, ``stage``,
  ``decision``, ``reason``, ``note``, optional ``study`` and ``resolution`` (yes/no).
- ASReview LAB CSV: ``asreview_label`` 1 (relevant) / 0 (irrelevant) / empty (not seen, skipped),
  ``asreview_note``, ``asreview_user_name``; its ``record_id`` is ASReview's own and is ignored.
  ASReview RIS: ``N1  - ASReview_relevant`` / ``ASReview_irrelevant`` / ``ASReview_not_seen``.
- Rayyan (CSV ``notes`` column, or RIS notes): ``RAYYAN-INCLUSION: {"Kofi"=>"Included",
  "Ama"=>"Maybe"} | RAYYAN-EXCLUSION-REASONS: wrong population``; one row per reviewer.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from cartsle_cli.csv_input import csv_cell_rows
from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.record import Record
from cartsle_cli.formats.text import read_text_file


# slots: a million-row file makes a million of these; not frozen: a frozen dataclass sets each of
# its twelve fields through object.__setattr__, a third of the time it takes to read a row.
@dataclass(slots=True)
class DecisionRow:
    where: str  # "row 12" or "record 3", for errors
    reviewer: str | None
    stage: str | None
    decision: str
    record_id: int | None = None
    doi: str | None = None
    pmid: str | None = None
    title: str | None = None
    reason: str | None = None
    note: str | None = None
    study: str | None = None
    resolution: bool = False


@dataclass(frozen=True)
class DecisionFile:
    format: str  # "cartsle-csv", "asreview-csv", "asreview-ris", "rayyan-csv", "rayyan-ris"
    rows: list[DecisionRow]


@dataclass(frozen=True)
class StreamedDecisionFile:
    """A decision file whose rows are read as they are used (:func:`stream_decision_file`)."""

    format: str
    rows: Iterator[DecisionRow]


_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{(.*?)\}", re.S)
_RAYYAN_VOTE = re.compile(r'"([^"]+)"\s*=>\s*"([^"]+)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_RAYYAN_DECISIONS = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_ASREVIEW_LABELS = {"1": "include", "1.0": "include", "0": "exclude", "0.0": "exclude"}
_ASREVIEW_RIS = {"asreview_relevant": "include", "asreview_irrelevant": "exclude"}


def read_decision_file(path: str | Path) -> DecisionFile:
    """Read a decision file of any supported kind, or raise a one-line CartsleError."""
    streamed = stream_decision_file(path)
    return DecisionFile(streamed.format, list(streamed.rows))


def stream_decision_file(path: str | Path) -> StreamedDecisionFile:
    """As :func:`read_decision_file`, but a cartsle CSV's rows are made one at a time as they are
    used, so a million-row file never holds a million rows (its errors come as they are reached)."""
    path = Path(path)
    try:
        found = _read_any(path)
    except csv.Error as error:
        raise CartsleError(f"not a readable CSV file: {error}", file=path) from error
    return StreamedDecisionFile(found.format, _reading(iter(found.rows), path))


def _reading(rows: Iterator[DecisionRow], path: Path) -> Iterator[DecisionRow]:
    try:
        yield from rows
    except CartsleError as error:
        error.file = error.file or str(path)
        raise
    except csv.Error as error:
        raise CartsleError(f"not a readable CSV file: {error}", file=path) from error


def _read_any(path: Path) -> StreamedDecisionFile | DecisionFile:
    text = read_text_file(path)
    header = text.lstrip().split("\n", 1)[0]
    try:
        if any(separator in header for separator in ",\t;") and not re.match(
            r"^[A-Z][A-Z0-9]\s{1,2}-", header
        ):
            return _read_csv(text, path)
        return _read_ris(text, path)
    except CartsleError as error:
        error.file = error.file or str(path)
        raise
    except csv.Error as error:
        raise CartsleError(f"not a readable CSV file: {error}", file=path) from error


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the header line has most of (a comma on a tie)."""
    header = text.lstrip().split("\n", 1)[0]
    return max(",\t;", key=header.count)


_UNTIDY_SPACE = re.compile(r"\s{2,}|[^\S ]")


def _clean(value: object) -> str | None:
    """The value with runs of white space made one space, or None when empty."""
    if not value:
        return None
    text = str(value).strip()
    # rare: most cells need only the strip (printable text has no white space but the space)
    if not (text.isprintable() and "  " not in text) and _UNTIDY_SPACE.search(text):
        text = " ".join(text.split())
    return text or None


def _read_csv(text: str, path: Path) -> DecisionFile | StreamedDecisionFile:
    header, rows = csv_cell_rows(text, path, delimiter=_delimiter(text))
    keys = [name.lower() for name in header]
    if "decision" in keys and "asreview_label" not in keys and "notes" not in keys:
        # cartsle's own file, the one that runs to a million rows: cells by position, no dicts
        return StreamedDecisionFile("cartsle-csv", _cartsle_rows(keys, rows, path))
    # Rows are named by their file line (the header is line 1), as a spreadsheet numbers them.
    table: Iterable[tuple[str, dict]] = ((f"row {line}", dict(zip(keys, cells))) for line, cells in rows)
    if "notes" in keys:
        table = list(table)  # looked through twice: for Rayyan notes, then read
    if "asreview_label" in keys:
        return DecisionFile(
            "asreview-csv", [row for where, values in table if (row := _asreview_row(values, where))]
        )
    if "notes" in keys and any("RAYYAN-INCLUSION" in (values.get("notes") or "") for _, values in table):
        rayyan = [
            row
            for where, values in table
            for row in _rayyan_rows(values.get("notes"), _identity(values), where)
        ]
        return DecisionFile("rayyan-csv", rayyan)
    if "decision" in keys:
        return StreamedDecisionFile(
            "cartsle-csv",
            (
                _cartsle_row([values.get(k, "") for k in _CARTSLE_COLUMNS], where, path)
                for where, values in table
            ),
        )
    raise CartsleError(
        "not a decisions file: expected a decision column (cartsle), asreview_label (ASReview LAB) or Rayyan notes",
        file=path,
        line=1,
    )


_CARTSLE_COLUMNS = (
    "record_id", "decision", "stage", "reviewer", "doi", "pmid", "pubmed_id", "title", "primary_title",
    "reason", "note", "study", "resolution",
)  # fmt: skip


def _cartsle_rows(
    keys: list[str], rows: Iterator[tuple[int, list[str]]], path: Path
) -> Iterator[DecisionRow]:
    """:func:`_cartsle_row` of each row, its cells found by position (the last column of a name
    wins, as in a dict of the row)."""
    where_is = {key: position for position, key in enumerate(keys)}
    positions = [where_is.get(name) for name in _CARTSLE_COLUMNS]
    for line, cells in rows:
        yield _cartsle_row([cells[p] if p is not None else "" for p in positions], f"row {line}", path)


def _identity(values: dict) -> dict:
    return {
        "doi": _clean(values.get("doi")),
        "pmid": _clean(values.get("pmid") or values.get("pubmed_id")),
        "title": _clean(values.get("title") or values.get("primary_title")),
    }


def _cartsle_row(cells: list[str], where: str, path: Path) -> DecisionRow:
    """One row of cartsle's CSV, its cells in the order of :data:`_CARTSLE_COLUMNS`."""
    (
        record_id, decision, stage, reviewer, doi, pmid, pubmed_id, title, primary_title,
        reason, note, study, resolution,
    ) = [_clean(cell) if cell else None for cell in cells]  # fmt: skip
    if record_id is not None and not (record_id.isascii() and record_id.isdigit()):
        raise CartsleError(
            f"record_id must be a number, not {record_id!r}", file=path, line=where, field="record_id"
        )
    # the few reviewers, stages and decisions of a file as one string each, not one per row
    return DecisionRow(
        where,
        sys.intern(reviewer) if reviewer else None,
        sys.intern(stage.lower()) if stage else None,
        sys.intern(decision.lower()) if decision else "",
        int(record_id) if record_id else None,
        doi,
        pmid or pubmed_id,
        title or primary_title,
        reason,
        note,
        study,
        resolution is not None and resolution.lower() in ("yes", "true", "1"),
    )


def _asreview_row(values: dict, where: str) -> DecisionRow | None:
    label = _clean(values.get("asreview_label"))
    if label is None:
        return None  # not seen in ASReview
    if label not in _ASREVIEW_LABELS:
        raise CartsleError(
            f"asreview_label must be 1, 0 or empty, not {label!r}", line=where, field="asreview_label"
        )
    return DecisionRow(
        where=where,
        reviewer=_clean(values.get("asreview_user_name")),
        stage="ta",
        decision=_ASREVIEW_LABELS[label],
        **_identity(values),
        note=_clean(values.get("asreview_note")),
    )


def _rayyan_rows(notes: str | None, identity: dict, where: str) -> list[DecisionRow]:
    match = _RAYYAN_INCLUSION.search(notes or "")
    if not match:
        return []
    reasons = _RAYYAN_REASONS.search(notes or "")
    reason_list = [part.strip() for part in (reasons.group(1) if reasons else "").split(",") if part.strip()]
    rows = []
    for reviewer, verdict in _RAYYAN_VOTE.findall(match.group(1)):
        decision = _RAYYAN_DECISIONS.get(verdict.strip().lower())
        if decision is None:
            raise CartsleError(f"unknown Rayyan decision {verdict!r}", line=where, field="notes")
        excluded = decision == "exclude" and reason_list
        rows.append(
            DecisionRow(
                where=where,
                reviewer=reviewer.strip(),
                stage=None,
                decision=decision,
                **identity,
                reason=reason_list[0] if excluded else None,
                note=f"Rayyan reasons: {', '.join(reason_list)}"
                if excluded and len(reason_list) > 1
                else None,
            )
        )
    return rows


def _read_ris(text: str, path: Path) -> DecisionFile:
    from cartsle_cli.formats import read_text  # the record readers: only needed for RIS files

    try:
        records = read_text(text, path).records
    except NotImplementedError as error:
        raise CartsleError(
            "RIS decision files need the RIS reader, which this cartsle lacks", file=path
        ) from error
    asreview = [
        row
        for number, record in enumerate(records, 1)
        if (row := _asreview_ris_row(record, f"record {number}"))
    ]
    if asreview or any(_notes(record, "asreview_not_seen") for record in records):
        return DecisionFile("asreview-ris", asreview)
    rayyan = [
        row
        for number, record in enumerate(records, 1)
        for row in _rayyan_rows(
            _notes(record, "RAYYAN-INCLUSION"), _record_identity(record), f"record {number}"
        )
    ]
    if rayyan:
        return DecisionFile("rayyan-ris", rayyan)
    raise CartsleError("no decisions in this file: no ASReview labels or Rayyan notes", file=path)


def _notes(record: Record, marker: str) -> str | None:
    """The first field value holding ``marker`` (readers differ in which tag keeps notes)."""
    for values in record.fields.values():
        for value in values:
            if marker.lower() in value.lower():
                return value
    return None


def _record_identity(record: Record) -> dict:
    return {"doi": record.doi, "pmid": record.pmid, "title": _clean(record.title)}


def _asreview_ris_row(record: Record, where: str) -> DecisionRow | None:
    for marker, decision in _ASREVIEW_RIS.items():
        if _notes(record, marker):
            return DecisionRow(
                where=where, reviewer=None, stage="ta", decision=decision, **_record_identity(record)
            )
    return None


def with_defaults(
    rows: Iterable[DecisionRow], *, reviewer: str | None, stage: str | None
) -> list[DecisionRow]:
    """Fill a missing reviewer or stage from the command line (--reviewer, --stage; stage ta)."""
    return list(filled(rows, reviewer=reviewer, stage=stage))


def filled(rows: Iterable[DecisionRow], *, reviewer: str | None, stage: str | None) -> Iterator[DecisionRow]:
    """:func:`with_defaults` one row at a time."""
    for row in rows:
        if row.reviewer and row.stage:
            yield row
        else:
            yield replace(row, reviewer=row.reviewer or reviewer, stage=row.stage or stage or "ta")
