"""Turning an export's bytes into text (encodings, byte-order marks, binary and empty files), and
the line and tag handling that the tagged formats (RIS, MEDLINE, Ovid, Web of Science) share."""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.errors import CartsleError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, path: str | Path) -> str:
    """Decode an export: UTF-8 with or without BOM, UTF-16/32 (BOM or not), else Windows-1252.

    Windows-1252 covers latin-1 (its bytes left undefined are read as latin-1). Binary files (NUL
    bytes outside a UTF-16/32 file) and files with no text are refused. The BOM is never part of
    the text (reading a BOM file as plain UTF-8 is what makes rispy 0.10 lose the first record).
    """
    if not data.strip():
        raise CartsleError("the file is empty", file=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise CartsleError(
                    f"not valid {encoding} text: {error.reason}", file=path, line=_line_of(data, error.start)
                ) from error
            if "\x00" in text:  # a BOM does not make binary text: it would be stored, then exported
                line = text.count("\n", 0, text.index("\x00")) + 1
                raise CartsleError(
                    "a binary file (a NUL character), not a search export", file=path, line=line
                )
            return text
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise CartsleError(
                "a binary file, not a search export", file=path, line=_line_of(data, data.index(b"\x00"))
            )
        return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Not UTF-8: a Windows export (EndNote, Reference Manager), i.e. Windows-1252, of which
    # latin-1 is the printable subset. Guessing among code pages is a coin toss on files that
    # are 99% ASCII: charset-normalizer read "É" as Mac Roman "…" and "è" as cp1250 "č".
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the five bytes cp1252 leaves undefined; latin-1 maps all


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, or a one-line CartsleError if it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CartsleError(f"cannot read: {error.strerror}", file=path) from error


def read_text_file(path: str | Path) -> str:
    """A file's text as :func:`decode` reads it, or a one-line CartsleError if it cannot be read."""
    return decode(read_bytes(path), path)


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


# --- tagged exports (RIS, MEDLINE, Ovid, Web of Science): lines into tag -> values ---


def without_stray_boms(text: str) -> str:
    """The text without byte-order marks inside it: files joined with ``cat`` keep each file's
    BOM at the start of a line, where it would hide a ``TY``/``PMID-``/``PT`` tag."""
    return text.replace("\ufeff", "") if "\ufeff" in text else text


def unify_line_breaks(text: str) -> str:
    """The text with CRLF and bare CR turned into LF, so records can be cut with plain string
    operations; ``lines`` and this agree on where every line ends."""
    if "\r" not in text:
        return text
    text = text.replace("\r\n", "\n")
    return text.replace("\r", "\n") if "\r" in text else text  # one copy, not two, for CRLF


@dataclass(frozen=True)
class TagRules:
    """How one tagged format writes a value that runs over more than one line.

    ``split_tag(line)`` gives ``(tag, value)`` for a tag line, else None. ``continuation(line)``
    gives the text a continuation line adds, or None when the line cannot continue a value
    (garbage inside a record). Continuation text becomes a new value of the tags in
    ``list_tags`` (one author or keyword per line) and is joined with a space to the value of
    any other tag. ``closed_tags`` take no continuation (``TY``, ``PMID``...).
    """

    split_tag: Callable[[str], tuple[str, str] | None]
    continuation: Callable[[str], str | None]
    list_tags: frozenset[str] = frozenset()
    closed_tags: frozenset[str] = frozenset()


def collect_fields(
    record_lines: Sequence[str], first_line: int, rules: TagRules, path: str | Path
) -> dict[str, list[str]]:
    """Every tag of one record with all its values in file order (unknown tags included).

    Blank lines are skipped; a line that is neither a tag nor a continuation raises a one-line
    :class:`CartsleError` naming the file and the line.
    """
    fields: dict[str, list[str]] = {}
    values: list[str] | None = None
    tag = ""
    for offset, line in enumerate(record_lines):
        tagged = rules.split_tag(line)
        if tagged is not None:
            tag, value = tagged
            values = fields.get(tag)
            if values is None:
                values = fields[sys.intern(tag)] = []  # one "AU" string for all records
            values.append(value)
            continue
        if not line.strip():
            continue
        more = rules.continuation(line)
        if more is None or values is None or tag in rules.closed_tags:
            message = f"neither a tag line nor a continuation of one: {line.strip()[:60]!r}"
            raise CartsleError(message, file=path, line=first_line + offset)
        if not values[-1]:
            values[-1] = more
        elif tag in rules.list_tags:
            values.append(more)
        else:
            values[-1] = f"{values[-1]} {more}"
    return fields


def first(fields: dict[str, list[str]], *tags: str) -> str | None:
    """The first non-empty value of the first of ``tags`` that has one."""
    for tag in tags:
        values = fields.get(tag)
        if values:
            if values[0]:  # nearly always: the loop below is for a blank first value
                return values[0]
            for value in values:
                if value:
                    return value
    return None


def every(fields: dict[str, list[str]], *tags: str) -> list[str]:
    """All non-empty values of ``tags``, tag by tag."""
    found: list[str] = []
    for tag in tags:
        values = fields.get(tag)
        if values:
            # nearly always every value is filled: all() and += are C loops, a comprehension is not
            found += values if all(values) else [value for value in values if value]
    return found


def stream_encoding(path: str | Path) -> str | None:
    """The encoding to read ``path`` as a stream with, when :func:`decode` would read it so:
    UTF-8 with or without its BOM. None for UTF-16/32, binary, empty or non-UTF-8 files, which
    are decoded whole (they are small: such exports come from desktop reference managers).

    Checks the whole file as UTF-8 a block at a time, so the stream never fails half way.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(1 << 16)
            if not head.strip() or any(head.startswith(bom) for bom, _ in _BOMS[1:]) or b"\x00" in head:
                return None
            block = head
            while block:
                if b"\x00" in block:
                    return None
                decoder.decode(block)
                block = handle.read(1 << 20)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    except OSError as error:
        raise CartsleError(f"cannot read: {error.strerror}", file=path) from error
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
