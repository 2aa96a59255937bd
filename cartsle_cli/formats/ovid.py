"""Reader: Ovid tagged text, the "EndNote" (``.cgi``) and "Complete Reference"/Citavi (``.ovd``)
exports of Ovid MEDLINE, Ovid Embase and the other Ovid databases.

Layout (shared notes §2c; Zotero's "OVID Tagged" translator): each record starts with a counter
line ``<3001. >``, then ``VN  - Ovid Technologies``, ``DB  - Embase``, two-letter tags with
"  - ". Values continue on indented lines or, in structured abstracts of the EndNote layout, on
UNINDENTED untagged lines ("Method(s): ..."), so any untagged line continues the value above it.
There is no end tag; a search-strategy header may come before the first record.
"""

from __future__ import annotations

import re
from pathlib import Path

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

NAME = "ovid"

_COUNTER = re.compile(r"^<(\d+)\.?\s*>\s*$")
_START = re.compile(r"<\d+\.?\s*>[ \t]*(?:\r\n|\r|\n)[A-Z][A-Z0-9]  - ")
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9])  -(?: |$)")
# "Current Opinion in HIV & AIDS. 15(4):213-220, 2020" (MEDLINE), "ACSM's Journal 2010;14(1):56"
_SOURCE_MEDLINE = re.compile(
    r"^(?P<journal>.+?)[.;]? *(?:\d{4};)?(?P<volume>\d+)(?:\((?P<issue>[^)]+)\))?:(?P<pages>[^,; ]+)"
)
# "BMC Proceedings. 12 (Supplement 3) (no pagination), 2018" and "... 15 (4) (pp 213-220), 2020" (Embase)
_SOURCE_EMBASE = re.compile(
    r"^(?P<journal>[^.]+)\..*?(?P<volume>\d+) \((?P<issue>[^)]+)\) \((?:pp )?(?P<pages>[^)]+)\)"
)


def _split_tag(line: str) -> tuple[str, str] | None:
    match = _TAG_LINE.match(line)
    if match is None:
        return None
    return match.group(1), line[match.end() :].strip()


def _continuation(line: str) -> str:
    return line.strip()


RULES = TagRules(split_tag=_split_tag, continuation=_continuation)


def sniff(text: str) -> bool:
    """Ovid text has a ``<1. >`` counter line followed by a two-letter tag line."""
    head = text[:1_000_000]
    # The pattern starts with "<" only, so the search skips to each "<" instead of trying every
    # position (three times slower on the first MB of every file detect sees); the counter must
    # still start a line.
    for match in _START.finditer(head):
        if match.start() == 0 or head[match.start() - 1] in "\r\n":
            return True
    return False


@without_cyclic_gc
def read(text: str, path: str | Path) -> ParsedFile:
    """All records of an Ovid tagged-text file; the database comes from each file's DB lines."""
    text = without_stray_boms(text)
    file_lines = lines(text)
    starts = [
        (number, match.group(1))
        for number, line in enumerate(file_lines, 1)
        if (match := _COUNTER.match(line))
    ]
    records = []
    for index, (start, counter) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(file_lines)
        block = file_lines[start:end]
        while block and not block[-1].strip():
            block.pop()
        if not block:
            raise CartsleError(f"record <{counter}. > has no fields", file=path, line=start)
        fields = collect_fields(block, start + 1, RULES, path)
        records.append(_record(fields, file_lines[start - 1 : start + len(block)], start, counter))
    names = [value for record in records[:50] for value in record.fields.get("DB", ())]
    return ParsedFile(format=NAME, records=records, database=_database(names))


def _database(names: list[str]) -> str | None:
    """Ovid names its databases "Ovid MEDLINE(R) ALL", "Embase", "EBM Reviews - Cochrane Central
    Register of Controlled Trials"; a file holds one of them."""
    text = " ".join(names).lower()
    if "medline" in text:
        return "MEDLINE (Ovid)"
    if "embase" in text:
        return "Embase"
    if "central register" in text:
        return "CENTRAL"
    return None


def _record(fields: dict[str, list[str]], record_lines: list[str], start: int, counter: str) -> Record:
    source = _source(first(fields, "SO") or "")
    medline = "medline" in (first(fields, "DB") or "").lower()
    return Record(
        line=start,
        raw="\n".join(record_lines),
        fields=fields,
        title=tidy(first(fields, "TI")),
        abstract=tidy(first(fields, "AB")),
        authors=every(fields, "FA") or every(fields, "AU"),
        year=year_of(first(fields, "YR", "DP", "PY")),
        journal=tidy(first(fields, "JT", "JN", "JF")) or source.get("journal"),
        volume=first(fields, "VI", "VO") or source.get("volume"),
        issue=first(fields, "IP") or source.get("issue"),
        pages=pages_of(first(fields, "PG") or source.get("pages")),
        doi=clean_doi(first(fields, "DO", "DI")),
        # In Ovid MEDLINE the accession number UI is the PMID; Embase gives a PMID only in PM
        pmid=clean_pmid(first(fields, "UI") if medline else first(fields, "PM")),
        accession=first(fields, "UI", "AN"),
        language=first(fields, "LG", "LA"),
        publication_type="; ".join(every(fields, "PT")) or None,
        keywords=every(fields, "MH", "KW"),
        source_id=counter,
    )


def _source(source: str) -> dict[str, str]:
    """Journal, volume, issue and pages packed into Ovid's SO line, when it has that shape."""
    for pattern in (_SOURCE_EMBASE, _SOURCE_MEDLINE):
        if (match := pattern.match(source)) is not None:
            # "(no pagination)" is Embase's way of saying there are no pages
            return {
                key: value.strip()
                for key, value in match.groupdict().items()
                if value and "pagination" not in value
            }
    journal = source.split(". ", 1)[0].strip()
    return {"journal": journal} if journal else {}
