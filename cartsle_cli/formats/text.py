"""Turning an export's bytes into text: encodings, byte-order marks, binary and empty files."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from cartsle_cli.errors import CartsleError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, path: str | Path) -> str:
    """Decode an export: UTF-8 with or without BOM, UTF-16/32 with BOM, else a detected charset.

    Windows-1252 and latin-1 files are recognised by charset-normalizer. Binary files (NUL bytes
    outside a UTF-16/32 file) and files with no text are refused. The BOM is never part of the
    text (reading a BOM file as plain UTF-8 is what makes rispy 0.10 lose the first record).
    """
    if not data.strip():
        raise CartsleError("the file is empty", file=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise CartsleError(f"not valid {encoding} text: {error.reason}", file=path, line=_line_of(data, error.start)) from error
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise CartsleError("a binary file, not a search export", file=path, line=_line_of(data, data.index(b"\x00")))
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "utf_8", "cp1250", "mac_roman"]).best()
    if best is None:
        raise CartsleError("not a text file in a known encoding", file=path)
    return str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without a BOM shows NULs at every other byte of ASCII text."""
    if len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for encoding, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros.count(0) > 0.9 * len(zeros):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def lines(text: str) -> list[str]:
    """Split on CR, LF and CRLF alike (Web of Science RIS separates some tags with a bare CR).

    Unlike ``str.splitlines`` this leaves U+2028, form feeds and the like inside their line.
    """
    parts = _LINE_BREAK.split(text)
    if parts and parts[-1] == "":
        parts.pop()
    return parts


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
