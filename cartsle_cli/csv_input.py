"""Every CSV file cartsle reads is read here, strictly, so a broken file stops at its line.

Python's csv module, left to itself, lets an unterminated quote swallow every later row into one
cell and carries on: a decisions file then imports with exit status 0 and most of its rows gone.
Here a row is read in strict mode, the file line each row starts on is kept, a quote still open at
the end of the file is an error at the line it opened, and a quoted field that spans lines is an
error where the format has no multi-line cells (decision and pair files: one decision a line).

Cells written by cartsle went through ``safe_output.for_spreadsheet``; ``from_spreadsheet`` takes
its quote off again, so what cartsle writes it reads back as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.safe_output import from_spreadsheet


@dataclass(frozen=True)
class CsvLine:
    line: int  # the file line the row starts on (1-based, comments and blank lines counted)
    cells: list[str]


# Where str.splitlines breaks a line besides \n, \r and \r\n (which io.StringIO also breaks at).
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_ANY_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _split_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as ``text.splitlines(keepends=True)`` gives them, one at a time (a
    million-line file is not made a million strings at once)."""
    if not _OTHER_BREAKS.search(text):
        return iter(io.StringIO(text, newline=""))  # the same breaks, split in C
    return _split_on_every_break(text)


def _split_on_every_break(text: str) -> Iterator[str]:
    start = 0
    for match in _ANY_BREAK.finditer(text):
        yield text[start : match.end()]
        start = match.end()
    if start < len(text):
        yield text[start:]


class _Lines:
    """Feeds csv.reader one line at a time, leaving out comment lines between rows and
    remembering the line each row started on (the files with comments: extraction files)."""

    def __init__(self, text: str) -> None:
        self._lines = enumerate(_split_lines(text), 1)
        self.row_start = 0
        self.current = 0
        self.between_rows = True

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        for number, line in self._lines:
            if self.between_rows and line.lstrip().startswith("#"):
                continue
            if self.between_rows:
                self.row_start = number
                self.between_rows = False
            self.current = number
            return line
        raise StopIteration


def _rows_with_lines(text: str, delimiter: str, skip_comments: bool) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each row; csv.Error carries the first line as its ``line``."""
    if skip_comments:
        lines = _Lines(text)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        while True:
            lines.between_rows = True
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                error.line = lines.row_start  # type: ignore[attr-defined]
                raise
            yield lines.row_start, lines.current, cells
    # Without comments every line belongs to a row (a blank line is an empty row), so a row starts
    # on the line after the one the last row ended on: csv.reader counts them, in C.
    reader = csv.reader(_split_lines(text), delimiter=delimiter, strict=True)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            error.line = end + 1  # type: ignore[attr-defined]
            raise
        start, end = end + 1, reader.line_num
        yield start, end, cells


def csv_lines(
    text: str,
    path: str | Path,
    *,
    delimiter: str = ",",
    multiline: bool = False,
    skip_comments: bool = False,
) -> Iterator[CsvLine]:
    """Each row of ``text`` with its first line; blank rows skipped, cells unquoted (``from_spreadsheet``).

    Raises CartsleError at the row's line for an unterminated quote, a stray quote inside an
    unquoted field, or (unless ``multiline``) a quoted field that runs over more than one line.
    """
    rows = _rows_with_lines(text, delimiter, skip_comments)
    while True:
        try:
            start, end, cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            message = str(error)
            if "unexpected end of data" in message or "EOF" in message:
                message = "a quote opened here is never closed (unterminated quote)"
            raise CartsleError(f"not a readable CSV: {message}", file=path, line=error.line) from None  # type: ignore[attr-defined]
        if end > start and not multiline:
            raise CartsleError(
                f"a quoted field runs over lines {start}-{end}; this file has one row a line"
                " (an unterminated quote?)",
                file=path,
                line=start,
            )
        if not any(cells) or not "".join(cells).strip():
            continue
        # only a cell that starts with a quote can carry for_spreadsheet's mark
        yield CsvLine(start, [from_spreadsheet(cell) if cell[:1] == "'" else cell for cell in cells])


def csv_cell_rows(
    text: str,
    path: str | Path,
    *,
    delimiter: str = ",",
    multiline: bool = False,
    short_rows: bool = True,
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and each row's line and cells, one cell per column (a short row padded with
    empty cells, unless ``short_rows`` is False: then it is an error; a cell past the header's
    columns that is not blank is always one). Made one at a time, as they are used."""
    rows = csv_lines(text, path, delimiter=delimiter, multiline=multiline)
    first = next(rows, None)
    if first is None:
        raise CartsleError("empty file: no header row", file=path)
    header = [cell.strip() for cell in first.cells]
    while header and not header[-1]:
        header.pop()

    def cells() -> Iterator[tuple[int, list[str]]]:
        width = len(header)
        for row in rows:
            found = len(row.cells)
            if found == width:
                yield row.line, row.cells
                continue
            if found > width and "".join(row.cells[width:]).strip():
                raise CartsleError(
                    f"{found} cells but the header has {width} columns", file=path, line=row.line
                )
            if not short_rows and found < width:
                raise CartsleError(f"{found} fields for {width} columns", file=path, line=row.line)
            yield row.line, row.cells[:width] + [""] * (width - found)

    return header, cells()


def csv_dict_rows(
    text: str,
    path: str | Path,
    *,
    delimiter: str = ",",
    multiline: bool = False,
    short_rows: bool = True,
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """As :func:`csv_dicts`, the rows made one at a time as they are used (their errors too), so
    a million-row file never holds a million dicts."""
    header, rows = csv_cell_rows(text, path, delimiter=delimiter, multiline=multiline, short_rows=short_rows)
    return header, ((line, dict(zip(header, cells))) for line, cells in rows)


def csv_dicts(
    text: str,
    path: str | Path,
    *,
    delimiter: str = ",",
    multiline: bool = False,
    short_rows: bool = True,
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """:func:`csv_dict_rows` with every row read at once."""
    header, rows = csv_dict_rows(text, path, delimiter=delimiter, multiline=multiline, short_rows=short_rows)
    return header, list(rows)
