"""Reading an extraction CSV as a reviewer's spreadsheet saves it, keeping every row's file line.

Lines starting with ``#`` are comments (the template documents its columns that way) and blank
lines are skipped; line numbers still count them, so an error names the line the reviewer sees in
a text editor. Any encoding a spreadsheet writes is accepted (UTF-8 with or without BOM,
Windows-1252 ...), and a header with semicolons and no commas is read as semicolon-separated, as
spreadsheets in comma-decimal locales save CSV.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


class _Lines:
    """Feeds csv.reader the file's non-comment lines and remembers where each row started."""

    def __init__(self, text: str) -> None:
        self._lines = enumerate(text.splitlines(keepends=True), 1)
        self.row_start: int | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        for number, line in self._lines:
            if line.lstrip().startswith("#"):
                continue
            if self.row_start is None:
                self.row_start = number
            return line
        raise StopIteration


def read_csv(path: str | Path) -> CsvTable:
    """Read ``path``: header (first non-comment line) and rows, each with its first file line."""
    path = Path(path)
    data = read_bytes(path)
    text = decode(data, path)
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=_delimiter(text))
    header_cells: list[str] | None = None
    header_line = 0
    rows: list[CsvRow] = []
    try:
        for cells in reader:
            line, lines.row_start = lines.row_start or 0, None
            if not any(cell.strip() for cell in cells):
                continue
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
    except csv.Error as error:
        raise CartsleError(f"not a readable CSV: {error}", file=path, line=lines.row_start) from error
    if header_cells is None:
        raise CartsleError("no header row (every line is blank or a # comment)", file=path)
    return CsvTable(
        path, text, hashlib.sha256(data).hexdigest(), header_line, tuple(header_cells), tuple(rows)
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
