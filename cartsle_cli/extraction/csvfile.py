"""Reading an extraction CSV as a reviewer's spreadsheet saves it, keeping every row's file line.

Lines starting with ``#`` are comments (the template documents its columns that way) and blank
lines are skipped; line numbers still count them, so an error names the line the reviewer sees in
a text editor. Any encoding a spreadsheet writes is accepted (UTF-8 with or without BOM,
Windows-1252 ...), and a header with semicolons and no commas is read as semicolon-separated, as
spreadsheets in comma-decimal locales save CSV.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.csv_input import csv_lines
from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.text import decode, read_bytes


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    path: Path
    text: str
    sha256: str
    header_line: int
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]


def read_csv(path: str | Path) -> CsvTable:
    """Read ``path``: header (first non-comment line) and rows, each with its first file line.

    Spreadsheets write a cell with line breaks as one quoted field, so a field may span lines; an
    unterminated quote still stops the file at the line it opened (``csv_input``).
    """
    path = Path(path)
    data = read_bytes(path)
    text = decode(data, path)
    header_cells: list[str] | None = None
    header_line = 0
    rows: list[CsvRow] = []
    for row in csv_lines(text, path, delimiter=_delimiter(text), multiline=True, skip_comments=True):
        cells, line = row.cells, row.line
        if header_cells is None:
            header_cells, header_line = _header(cells), line
            continue
        # Spreadsheets pad rows with empty cells; only a filled cell beyond the header is lost data.
        if any(cell.strip() for cell in cells[len(header_cells) :]):
            raise CartsleError(
                f"{len(cells)} cells but the header has {len(header_cells)} columns", file=path, line=line
            )
        cells = cells[: len(header_cells)]
        padded = cells + [""] * (len(header_cells) - len(cells))
        rows.append(CsvRow(line, dict(zip(header_cells, padded))))
    if header_cells is None:
        raise CartsleError("no header row (every line is blank or a # comment)", file=path)
    return CsvTable(
        path, text, hashlib.sha256(data).hexdigest(), header_line, tuple(header_cells), tuple(rows)
    )


def check_header(table: CsvTable, columns: Iterable, unknown: Callable[[str, list[str]], str]) -> None:
    """The header names each of ``columns`` (objects with ``name`` and ``required``) at most once,
    every required one, and nothing else; ``unknown(name, known)`` words the error for a name that
    is not a column. Each error names the file, the header line and the column."""
    columns = list(columns)
    known = [column.name for column in columns]
    seen: set[str] = set()
    for name in table.header:
        if name in seen:
            raise CartsleError(
                f"column {name!r} appears twice", file=table.path, line=table.header_line, field=name
            )
        seen.add(name)
        if name not in known:
            raise CartsleError(unknown(name, known), file=table.path, line=table.header_line, field=name)
    for column in columns:
        if column.required and column.name not in seen:
            raise CartsleError(
                f"required column {column.name!r} is missing from the header",
                file=table.path,
                line=table.header_line,
                field=column.name,
            )


def _header(cells: list[str]) -> list[str]:
    """Column names, without the empty ones a spreadsheet leaves at the end of the header."""
    names = [cell.strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    return names


def _delimiter(text: str) -> str:
    header = next(
        (line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), ""
    )
    return ";" if ";" in header and "," not in header else ","
