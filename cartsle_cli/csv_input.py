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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.safe_output import from_spreadsheet


@dataclass(frozen=True)
class CsvLine:
    line: int  # the file line the row starts on (1-based, comments and blank lines counted)
    cells: list[str]


class _Lines:
    """Feeds csv.reader one line at a time, remembering the line each row started on."""

    def __init__(self, text: str, skip_comments: bool) -> None:
        self._lines = enumerate(text.splitlines(keepends=True), 1)
        self._skip_comments = skip_comments
        self.row_start = 0
        self.current = 0
        self.between_rows = True

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        for number, line in self._lines:
            if self.between_rows and self._skip_comments and line.lstrip().startswith("#"):
                continue
            if self.between_rows:
                self.row_start = number
                self.between_rows = False
            self.current = number
            return line
        raise StopIteration


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
    lines = _Lines(text, skip_comments)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = str(error)
            if "unexpected end of data" in message or "EOF" in message:
                message = "a quote opened here is never closed (unterminated quote)"
            raise CartsleError(f"not a readable CSV: {message}", file=path, line=lines.row_start) from None
        start, end = lines.row_start, lines.current
        lines.between_rows = True
        if end > start and not multiline:
            raise CartsleError(
                f"a quoted field runs over lines {start}-{end}; this file has one row a line"
                " (an unterminated quote?)",
                file=path,
                line=start,
            )
        if not any(cell.strip() for cell in cells):
            continue
        yield CsvLine(start, [from_spreadsheet(cell) for cell in cells])


def csv_dict_rows(
    text: str,
    path: str | Path,
    *,
    delimiter: str = ",",
    multiline: bool = False,
    short_rows: bool = True,
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header (names stripped) and, read as they are used, each later row as a dict with the
    line it starts on: a file of a million rows never holds all its cells at once.

    A row with a filled cell beyond the header is refused: that cell would be lost. A row with
    fewer cells than the header is read with the missing cells empty, unless ``short_rows`` is
    False (files where every row must carry every column).
    """
    rows = csv_lines(text, path, delimiter=delimiter, multiline=multiline)
    first = next(rows, None)
    if first is None:
        raise CartsleError("empty file: no header row", file=path)
    header = [cell.strip() for cell in first.cells]
    while header and not header[-1]:
        header.pop()

    def dicts() -> Iterator[tuple[int, dict[str, str]]]:
        for row in rows:
            if any(cell.strip() for cell in row.cells[len(header) :]):
                raise CartsleError(
                    f"{len(row.cells)} cells but the header has {len(header)} columns",
                    file=path,
                    line=row.line,
                )
            if not short_rows and len(row.cells) < len(header):
                raise CartsleError(
                    f"{len(row.cells)} fields for {len(header)} columns", file=path, line=row.line
                )
            cells = row.cells[: len(header)] + [""] * (len(header) - len(row.cells))
            yield row.line, dict(zip(header, cells))

    return header, dicts()


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
