"""Reader for CSV and tab-delimited exports: Scopus, PubMed, embase.com, Cochrane CENTRAL, Web of
Science tab-delimited, and plain CSVs of hand-collected records.

The delimiter (comma, semicolon or tab) is judged from the header row, the layout from its column
names (:mod:`cartsle_cli.formats.delimited_layouts`). Rows are read with the :mod:`csv` module, one
pass, so a row keeps its exact text (``raw``) and the file line it starts on, even when a quoted
abstract runs over several lines. A row with the wrong number of fields, an unterminated quote or
a year that is not a year is an error naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import itertools
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.delimited_layouts import (
    EMBASE,
    PLAIN,
    SCOPUS,
    Layout,
    citation_parts,
    column_key,
    layout_for,
)
from cartsle_cli.formats.normalise import clean_doi, clean_pmid, pages_of, squash, year_of
from cartsle_cli.formats.record import ParsedFile, Record
from cartsle_cli.gc_pause import without_cyclic_gc

NAME = "delimited"

# Scopus "References" and embase.com index-term cells can pass csv's default 128 KiB field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_DELIMITERS = ("\t", ";", ",")
# First lines of the tagged formats and BibTeX, which also hold commas now and then.
_NOT_A_HEADER = re.compile(r"^(?:[A-Z][A-Z0-9]{1,3} {0,3}- |(?:FN|VR|PT) |\s*@\w+\s*[{(]|<\d+\. >)")
_EXCEL_SEPARATOR = re.compile(r"^sep=[,;\t]\s*$", re.IGNORECASE)
_EMBASE_PREAMBLE = re.compile(r'^"?SEARCH QUERY"?[,;\t]', re.IGNORECASE)
_RULE = re.compile(r'^[\s",;\-=]*$')  # the dashes and the empty line under embase.com's query
_KEYWORD_SEPARATOR = re.compile(r"\s*;\s*")
_COMMA = re.compile(r"\s*,\s*")
# R's write.csv writes NA for a missing value (bibliometrix's Scopus sample); Scopus writes
# placeholders where a record has no abstract or author.
_MISSING = frozenset({"NA", "[No abstract available]", "[No author name available]"})


def sniff(text: str) -> bool:
    """A header row with at least two columns, which is not a line of a tagged format."""
    lines = _LINE.findall(text[:65536])
    start = _header_index(lines)
    if start is None or _NOT_A_HEADER.match(lines[start]):
        return False
    return _delimiter(lines[start]) is not None


@without_cyclic_gc
def read(text: str, path: str | Path) -> ParsedFile:
    """Every row of the file as a :class:`Record`, in file order."""
    lines = _LINE.findall(text)
    start = _header_index(lines)
    delimiter = _delimiter(lines[start]) if start is not None else None
    if start is None or delimiter is None:
        raise CartsleError("no header row with delimited columns: not a CSV export", file=path, line=1)
    rows = _rows(lines, start, delimiter, path)
    header_row = next(rows, None)
    if header_row is None:  # a header of empty names, such as ";"
        raise CartsleError("the header row names no columns: not a CSV export", file=path, line=start + 1)
    header_line, header, _ = header_row
    layout = layout_for(header)
    if layout.tab_unquoted:
        # WoS tab-delimited text has no quoting: a lone '"' in a title is a character, not a quote
        rows = _rows(lines, start, delimiter, path, quoting=csv.QUOTE_NONE)
        next(rows)
    first = next(rows, None)
    body = itertools.chain([first] if first else [], rows)
    if layout is PLAIN and first and _source_column_says_scopus(header, first[1]):
        layout = SCOPUS
    if first and _embase_fields_by_row(header, first[1]):
        return _read_fields_by_row(itertools.chain([header_row], body), path)
    columns = _Columns(layout, header, path, header_line)
    records = [columns.record(row, line, raw) for line, row, raw in body]
    return ParsedFile(format=layout.format, records=records, database=layout.database)


def _source_column_says_scopus(header: list[str], row: list[str]) -> bool:
    """A Scopus export with fewer columns than the full layout still ends with Source = "Scopus"
    (the test synthesisr and revtools use)."""
    keys = [column_key(name) for name in header]
    if "source" not in keys or "source title" not in keys:
        return False
    source = keys.index("source")
    return len(row) > source and row[source].strip() == "Scopus"


def _embase_fields_by_row(header: list[str], second_row: list[str]) -> bool:
    """embase.com can also write one field per line ("TITLE","…" then "AUTHOR NAMES","…"), a
    record per block; read as a table, every line would become a record of garbage."""
    field_names = {key for keys in EMBASE.columns.values() for key in keys}
    return (
        header[0].strip() == "TITLE"
        and bool(second_row)
        and second_row[0].strip().isupper()
        and column_key(second_row[0]) in field_names
    )


def _read_fields_by_row(rows: Iterable[tuple[int, list[str], str]], path: str | Path) -> ParsedFile:
    """Records from blocks of ``"FIELD NAME","value"[,"value"…]`` lines, each opened by TITLE.

    Written from a description of the layout (no such file was at hand): several values on one
    line are joined with "; ", which the author and keyword splitters understand.
    """
    blocks: list[list[tuple[int, list[str], str]]] = []
    for row in rows:
        if row[1][0].strip() == "TITLE" or not blocks:
            blocks.append([])
        blocks[-1].append(row)
    records = []
    for block in blocks:
        names = [cells[0].strip() for _, cells, _ in block]
        values = ["; ".join(value for value in cells[1:] if value.strip()) for _, cells, _ in block]
        record = _Columns(EMBASE, names, path, block[0][0]).record(
            values, block[0][0], "\n".join(raw for _, _, raw in block)
        )
        record.fields = {}
        for _, cells, _ in block:
            record.fields.setdefault(cells[0].strip(), []).extend(
                value for value in cells[1:] if value.strip()
            )
        records.append(record)
    return ParsedFile(format="embase-csv", records=records, database=EMBASE.database)


def _header_index(lines: Sequence[str]) -> int | None:
    """Index of the header line: after leading blank lines, Excel's ``sep=;`` hint line and
    embase.com's search-query preamble (``"SEARCH QUERY","…"``, a line of dashes, an empty line)."""
    index = _skip_blank(lines, 0)
    if index < len(lines) and _EXCEL_SEPARATOR.match(lines[index]):
        index = _skip_blank(lines, index + 1)
    if index < len(lines) and _EMBASE_PREAMBLE.match(lines[index]):
        index += 1
        while index < len(lines) and _RULE.match(lines[index]):
            index += 1
    return index if index < len(lines) else None


def _skip_blank(lines: Sequence[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _delimiter(header: str) -> str | None:
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])  # ties go to tab, then ';'
    return best if counts[best] else None


def _rows(
    lines: Sequence[str],
    start: int,
    delimiter: str,
    path: str | Path,
    quoting: Literal[0, 1, 2, 3] = csv.QUOTE_MINIMAL,
) -> Iterator[tuple[int, list[str], str]]:
    """(first line number, cells, verbatim text) for each non-blank row from ``lines[start]`` on."""
    reader = csv.reader(iter(lines[start:]), delimiter=delimiter, quoting=quoting, strict=True)
    consumed = start
    while True:
        first_line = consumed + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_error(error, path, first_line) from error
        end = start + reader.line_num
        raw = "".join(lines[consumed:end]).rstrip("\r\n")
        consumed = end
        if any(row) and not "".join(row).isspace():
            yield first_line, row, raw


def _csv_error(error: csv.Error, path: str | Path, line: int) -> CartsleError:
    message = str(error)
    if "unexpected end of data" in message:
        message = "a quoted field that opens on this line is never closed (unterminated quote)"
    else:
        message = f"malformed CSV row: {message}"
    return CartsleError(message, file=path, line=line)


class _Columns:
    """Where each normalised field sits in this file's header, and how a row becomes a Record."""

    def __init__(self, layout: Layout, header: list[str], path: str | Path, header_line: int) -> None:
        self.layout = layout
        self.header = [name.strip() for name in header]
        self.path = path
        self.unique_names = len(set(self.header)) == len(self.header)
        position: dict[str, int] = {}
        for index, name in enumerate(self.header):
            position.setdefault(column_key(name), index)
        self.index = {
            field: next((position[key] for key in keys if key in position), None)
            for field, keys in layout.columns.items()
        }
        self.present = [(field, index) for field, index in self.index.items() if index is not None]
        self.keyword_columns = [position[key] for key in layout.keywords if key in position]
        self.citation = position.get(layout.citation) if layout.citation else None
        if self.index.get("title") is None:
            raise CartsleError(
                f"no title column, so not a search export (columns: {', '.join(self.header[:12])})",
                file=path,
                line=header_line,
            )

    def record(self, row: list[str], line: int, raw: str) -> Record:
        row = self._fit(row, line)
        value = self._values(row).get
        volume, issue, pages = value("volume"), value("issue"), None
        if self.citation is not None:
            volume, issue, pages = citation_parts(row[self.citation])
        return Record(
            line=line,
            raw=raw,
            fields=self._fields(row),
            title=value("title"),
            abstract=value("abstract"),
            authors=self.layout.authors(value("authors")),
            year=self._year(value("year"), line),
            journal=value("journal"),
            volume=volume,
            issue=issue,
            pages=pages or pages_of(value("first_page"), value("last_page")) or value("article_number"),
            doi=clean_doi(value("doi")),
            pmid=clean_pmid(value("pmid")),
            accession=value("accession"),
            language=value("language"),
            publication_type=value("publication_type"),
            keywords=self._keywords(row),
            source_id=value("source_id"),
        )

    def _fit(self, row: list[str], line: int) -> list[str]:
        width = len(self.header)
        if len(row) == width:
            return row
        # WoS tab-delimited rows end with one more (empty) field than the header
        if len(row) > width and not any(cell.strip() for cell in row[width:]):
            return row[:width]
        where = self.header[len(row)] if len(row) < width else f"{width + 1} (past the last header column)"
        raise CartsleError(
            f"the row has {len(row)} fields but the header has {width}",
            file=self.path,
            line=line,
            field=where,
        )

    def _values(self, row: list[str]) -> dict[str, str]:
        """The non-empty normalised fields of a row, white space squashed."""
        values = {}
        for field, index in self.present:
            text = " ".join(row[index].split())
            if text and text not in _MISSING:
                values[field] = text
        return values

    def _year(self, text: str | None, line: int) -> int | None:
        year = year_of(text)
        if text and year is None:
            column = self.header[self.index["year"]]  # type: ignore[index]
            raise CartsleError(f"{text!r} is not a year", file=self.path, line=line, field=column)
        return year

    def _fields(self, row: list[str]) -> dict[str, list[str]]:
        # every non-empty cell under its own column name (a repeated name keeps every value)
        if self.unique_names:
            return {name: [cell] for name, cell in zip(self.header, row) if cell and not cell.isspace()}
        fields: dict[str, list[str]] = {}
        for name, cell in zip(self.header, row):
            if cell and not cell.isspace():
                fields.setdefault(name, []).append(cell)
        return fields

    def _keywords(self, row: list[str]) -> list[str]:
        keywords: list[str] = []
        for index in self.keyword_columns:
            cell = squash(row[index])
            if cell:
                by_comma = self.layout.keywords_by_comma and ";" not in cell
                keywords.extend(
                    term for term in (_COMMA if by_comma else _KEYWORD_SEPARATOR).split(cell) if term
                )
        return keywords
