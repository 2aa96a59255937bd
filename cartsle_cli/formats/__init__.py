"""Readers for search exports: detection from the content, one module per format.

Each reader module has ``NAME``, ``sniff(text) -> bool`` (does this text look like my format?)
and ``read(text, path) -> ParsedFile``. :data:`READERS` is tried in order, most specific first,
so a ``.ris`` file that holds MEDLINE text is read as MEDLINE.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import bibtex, delimited, endnote_xml, medline, ovid, ris, wos_tagged
from cartsle_cli.formats.record import ParsedFile, Record
from cartsle_cli.formats.text import read_text_file

READERS: tuple[ModuleType, ...] = (endnote_xml, bibtex, medline, wos_tagged, ovid, ris, delimited)

__all__ = ["READERS", "ParsedFile", "Record", "detect", "read_file", "read_text"]


def detect(text: str, path: str | Path) -> ModuleType:
    """The reader for this text, judged by content alone (extensions lie)."""
    for reader in READERS:
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
