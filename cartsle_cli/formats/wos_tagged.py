"""Reader: Web of Science plain text and "EndNote Desktop" ``.ciw`` (tagged) exports.

Layout (Clarivate, "Web of Science Core Collection field tags"): ``FN``/``VR`` header, each
record from ``PT`` to ``ER``, two-character tags followed by a space, continuation lines indented
by three spaces (AU, AF, CR and C1 carry one value per line; other values wrap, even inside a
keyword), and ``EF`` at the end, often without a final newline. Tags rispy's WokParser does not
know (Z8, ZB, C3, Zoological Record's AN, AW ...) are kept like any other.
"""

from __future__ import annotations

import re
from pathlib import Path

from rispy.config import WOK_LIST_TYPE_TAGS

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.normalise import clean_doi, clean_pmid, pages_of, tidy, year_of
from cartsle_cli.formats.record import ParsedFile, Record
from cartsle_cli.formats.text import (
    TagRules,
    collect_fields,
    every,
    first,
    lines,
    without_stray_boms,
)
from cartsle_cli.gc_pause import without_cyclic_gc

NAME = "wos_tagged"
DATABASE = "Web of Science"

_TAG_LINE = re.compile(r"([A-Z][A-Z0-9])(?: |$)")
_START = re.compile(r"\A\s*(?:FN [^\r\n]*[\r\n]+VR |PT [A-Z] *[\r\n]+[A-Z][A-Z0-9] )")


def _split_tag(line: str) -> tuple[str, str] | None:
    match = _TAG_LINE.match(line)
    if match is None:
        return None
    return match.group(1), line[3:].strip()


def _continuation(line: str) -> str | None:
    return line.strip() if line.startswith(" ") else None


RULES = TagRules(
    split_tag=_split_tag,
    continuation=_continuation,
    list_tags=frozenset(WOK_LIST_TYPE_TAGS) | {"C1"},
    closed_tags=frozenset({"PT"}),
)


def sniff(text: str) -> bool:
    """WoS text starts with its ``FN``/``VR`` header, or straight with ``PT J`` and tags."""
    return _START.match(text) is not None


@without_cyclic_gc
def read(text: str, path: str | Path) -> ParsedFile:
    """All records of a WoS file; a record without ``ER`` is refused with the line of its ``PT``."""
    text = without_stray_boms(text)
    records: list[Record] = []
    opened: int | None = None  # line number of the open record's PT
    file_lines = lines(text)
    for number, line in enumerate(file_lines, 1):
        if opened is None:
            if line.startswith("PT "):
                opened = number
            # EF ends one export; WoS hands out 500 records a file, and reviewers join the files
            elif line.strip() and not line.startswith(("FN ", "VR ")) and line.rstrip() != "EF":
                raise CartsleError(
                    f"expected PT to start a record, found {line.strip()[:60]!r}", file=path, line=number
                )
        elif line.rstrip() == "ER":
            records.append(_record(file_lines[opened - 1 : number], opened, path))
            opened = None
        elif line.startswith("PT ") or line.rstrip() == "EF":
            raise CartsleError(f"this record has no ER before line {number}", file=path, line=opened)
    if opened is not None:
        raise CartsleError(
            "the file ends inside this record: PT with no ER (a cut-off download?)", file=path, line=opened
        )
    return ParsedFile(format=NAME, records=records, database=DATABASE)


def _record(record_lines: list[str], start: int, path: str | Path) -> Record:
    fields = collect_fields(record_lines[:-1], start, RULES, path)  # without the ER line
    return Record(
        line=start,
        raw="\n".join(record_lines),
        fields=fields,
        title=tidy(first(fields, "TI")),
        abstract=tidy(first(fields, "AB")),
        authors=every(fields, "AF") or every(fields, "AU") or every(fields, "CA", "GP"),
        year=year_of(first(fields, "PY", "EY", "PD")),
        journal=tidy(first(fields, "SO")),
        volume=first(fields, "VL"),
        issue=first(fields, "IS"),
        # Zoological Record writes the whole span in PS ("134-141", "i-iv, 1-74")
        pages=pages_of(first(fields, "BP"), first(fields, "EP")) or pages_of(first(fields, "PS")),
        doi=clean_doi(first(fields, "DI")),
        pmid=clean_pmid(first(fields, "PM")),
        accession=first(fields, "UT"),
        language=first(fields, "LA"),
        publication_type=first(fields, "DT", "PT"),
        keywords=_keywords(fields),
    )


def _keywords(fields: dict[str, list[str]]) -> list[str]:
    """Author keywords (DE) then Keywords Plus (ID), each a "; "-separated list."""
    return [word.strip() for value in every(fields, "DE", "ID") for word in value.split(";") if word.strip()]
