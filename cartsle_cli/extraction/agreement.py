"""Two (or more) extractors: the cells where their current loads differ, and the agreed values.

Double data extraction (Cochrane Handbook, chapter 5.5.9) has two people extract every study and
settle each disagreement. Each extractor's latest load counts; a cell is agreed when every
extractor gave the same value (a blank and a missing row agree), or when ``extract resolve``
recorded the agreed value for it (the latest resolution of a cell wins). Pooling reads only agreed
cells, and refuses to run while a difference is unresolved, since either value could be wrong.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.cells import CellError, parse_cell
from cartsle_cli.extraction.layout import Layout
from cartsle_cli.extraction.store import CellKey, ExtractionLoad, current_loads, frame_of, load_cells
from cartsle_cli.store import transaction

_MISSING = object()


@dataclass(frozen=True)
class Difference:
    file: str
    study_id: str
    arm: str
    patient: str
    timepoint: str
    field: str
    outcome: str
    values: dict[str, object]  # extractor -> value (None: blank or no row)
    resolved: object = None
    is_resolved: bool = False

    def to_dict(self) -> dict:
        return vars(self).copy()


@dataclass(frozen=True)
class AgreedExtraction:
    """The extraction pooling reads: frames by file name, with the loads they come from."""

    loads: tuple[ExtractionLoad, ...]
    frames: dict[str, pd.DataFrame]
    lines: dict[str, tuple[int, ...]]
    resolved_cells: int


def _resolutions(conn: sqlite3.Connection) -> dict[CellKey, object]:
    rows = conn.execute(
        "SELECT file, study_id, arm, patient, timepoint, field, value FROM extract_resolutions"
        " ORDER BY resolved_at, id"  # the latest by time wins, not the last merged (issue 19)
    )
    return {tuple(row[:6]): row[6] for row in rows}


def _compared(conn: sqlite3.Connection) -> tuple[list[ExtractionLoad], dict, list[Difference]]:
    loads = current_loads(conn)
    cells = {load.extractor: load_cells(conn, load.id) for load in loads}
    resolutions = _resolutions(conn)
    merged: dict[CellKey, tuple[object, int, str]] = {}
    differences = []
    keys = sorted({key for found in cells.values() for key in found})
    for key in keys:
        found = {name: cells[name].get(key, (None, 0, "")) for name in cells}
        values = {name: value for name, (value, _, _) in found.items()}
        first = next(item for item in found.values() if item[1])
        resolved = resolutions.get(key, _MISSING)
        if len({_same(value) for value in values.values()}) == 1:
            # agreed by the extractors, unless a reviewer recorded another value for the cell
            merged[key] = first if resolved is _MISSING else (resolved, first[1], first[2])
            continue
        differences.append(
            Difference(
                *key[:5],
                key[5],
                first[2],
                values,
                None if resolved is _MISSING else resolved,
                resolved is not _MISSING,
            )  # fmt: skip
        )
        if resolved is not _MISSING:
            merged[key] = (resolved, first[1], first[2])
    return loads, merged, differences


def _same(value: object) -> object:
    """Values as compared: 3 and 3.0 are the same number."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def differences(conn: sqlite3.Connection) -> list[Difference]:
    """Every cell where the extractors' current loads differ, resolved or not."""
    return _compared(conn)[2]


def agreed_extraction(conn: sqlite3.Connection, layout: Layout) -> AgreedExtraction:
    """The agreed cells as frames of ``layout``'s files; an unresolved difference is an error."""
    loads, merged, found = _compared(conn)
    open_ones = [d for d in found if not d.is_resolved]
    if open_ones:
        first = open_ones[0]
        raise CartsleError(
            f"{len(open_ones)} cells differ between extractors and are not resolved, e.g. {first.field} of"
            f" {first.study_id!r}: `cartsle extract compare` lists them, `cartsle extract resolve` settles them"
        )
    frames, lines = {}, {}
    for file_layout in layout.files:
        frames[file_layout.name], lines[file_layout.name] = frame_of(file_layout, merged)
    return AgreedExtraction(tuple(loads), frames, lines, sum(1 for d in found if d.is_resolved))


@dataclass(frozen=True)
class Resolution:
    file: str
    study_id: str
    field: str
    value: object
    arm: str = ""
    patient: str = ""
    timepoint: str = ""


def resolve_cell(
    conn: sqlite3.Connection,
    layout: Layout,
    resolution: Resolution,
    *,
    reviewer: str = "",
    note: str = "",
) -> Difference:
    """Record the agreed value of a cell (usually one where the extractors differ; it then wins
    over what every extractor gave)."""
    file_layout = layout.file(resolution.file)
    column = file_layout.column(resolution.field) if file_layout else None
    if column is None:
        raise CartsleError(f"no column {resolution.field!r} in {resolution.file}", field="--field")
    try:
        value = parse_cell(column, str(resolution.value)) if resolution.value is not None else None
    except CellError as problem:
        raise CartsleError(str(problem), field=resolution.field) from None
    key = (resolution.file, resolution.study_id, resolution.arm, resolution.patient, resolution.timepoint,
           resolution.field)  # fmt: skip
    found = next(
        (d for d in differences(conn) if (d.file, d.study_id, d.arm, d.patient, d.timepoint, d.field) == key),
        None,
    )
    if found is None and not any(key in load_cells(conn, load.id) for load in current_loads(conn)):
        raise CartsleError(
            f"no cell {resolution.field} of {resolution.study_id!r} in {resolution.file}"
            " (`cartsle extract compare` lists the cells that differ)",
            field="--column",
        )
    with transaction(conn):
        conn.execute(
            "INSERT INTO extract_resolutions (resolved_at, file, study_id, arm, patient, timepoint, field, value,"
            " reviewer, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (datetime.now(timezone.utc).isoformat(timespec="seconds"), *key, value, reviewer, note),
        )
    return Difference(
        *key[:5], key[5], found.outcome if found else "", found.values if found else {}, value, True
    )
