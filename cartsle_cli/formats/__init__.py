"""Readers for search exports: detection from the content, one module per format.

Each reader module has ``NAME``, ``sniff(text) -> bool`` (does this text look like my format?)
and ``read(text, path) -> ParsedFile``. :data:`READERS` is tried in order, most specific first,
so a ``.ris`` file that holds MEDLINE text is read as MEDLINE.

The readers are imported on first use (PEP 562): screening and the reading commands import the
small shared modules of this package (``formats.record``, ``formats.normalise``), and importing
the package for them must not load every reader (rispy, bibtexparser, XML).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.record import ParsedFile, Record
from cartsle_cli.formats.text import read_text_file, stream_encoding

if TYPE_CHECKING:
    READERS: tuple[ModuleType, ...]

_READER_NAMES = ("endnote_xml", "bibtex", "medline", "wos_tagged", "ovid", "ris", "delimited")


@cache
def _readers() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in _READER_NAMES)


def __getattr__(name: str) -> Any:
    if name == "READERS":
        return _readers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "READERS",
    "ParsedFile",
    "Record",
    "StreamedFile",
    "detect",
    "read_file",
    "read_text",
    "stream_file",
]


def detect(text: str, path: str | Path) -> ModuleType:
    """The reader for this text, judged by content alone (extensions lie)."""
    for reader in _readers():
        if reader.sniff(text):
            return reader
    raise CartsleError(
        "not a search export cartsle can read (RIS, MEDLINE, Ovid, Web of Science, CSV, BibTeX, EndNote XML)",
        file=path,
        line=1,
    )


def read_text(text: str, path: str | Path) -> ParsedFile:
    parsed = detect(text, path).read(text, path)
    if not parsed.records:
        raise CartsleError("the file holds no records", file=path)
    return parsed


def read_file(path: str | Path) -> ParsedFile:
    """Read one export file into normalised records, or raise a one-line CartsleError."""
    return read_text(read_text_file(path), path)


@dataclass
class StreamedFile:
    """What :func:`stream_file` makes of a file: the records come as they are read."""

    format: str
    database: str | None
    records: Iterator[Record]


_HEAD = 1 << 20  # characters the readers' sniffers see of a streamed file


def stream_file(path: str | Path) -> StreamedFile:
    """Read one export file as :func:`read_file` does, with RIS (the format of the big exports:
    Embase, Scopus, Web of Science) streamed a few MB at a time so a 200 MB file never sits in
    memory whole; other formats, and files that are not UTF-8, are read whole.

    Errors are raised as the records are read: the caller stores them inside its transaction.
    """
    encoding = stream_encoding(path)
    if encoding is not None:
        handle = Path(path).open(encoding=encoding, newline=None)  # universal newlines: CR, CRLF -> LF
        head = handle.read(_HEAD)
        from cartsle_cli.formats import ris

        if detect(head, path) is ris:
            handle.seek(0)
            database, records = ris.read_stream(handle, path)
            return StreamedFile(ris.NAME, database, _closing(records, handle, path))
        handle.close()
    parsed = read_file(path)
    return StreamedFile(parsed.format, parsed.database, iter(parsed.records))


def _closing(records: Iterator[Record], handle, path: str | Path) -> Iterator[Record]:
    """The records, the file closed when they run out (or the reader stops); none is an error."""
    try:
        count = 0
        for record in records:
            count += 1
            yield record
        if not count:
            raise CartsleError("the file holds no records", file=path)
    finally:
        handle.close()
