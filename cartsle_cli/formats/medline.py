"""Reader: PubMed's MEDLINE / .nbib text ("PubMed format" export).

Layout (NLM, "MEDLINE/PubMed Data Element (Field) Descriptions"): a tag padded to four
characters and "- " (``PMID- ``, ``AU  - ``), values continued on lines indented by six spaces,
records separated by an empty line and no end tag. Every record starts with ``PMID-``, so a new
``PMID-`` line starts a new record; the file may start with an empty line and may lack a final
newline, and neither changes the count.
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

NAME = "medline"
DATABASE = "PubMed"

_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,2}-(?: |$)")
_START = re.compile(r"\A\s*PMID- *\d")


def _split_tag(line: str) -> tuple[str, str] | None:
    match = _TAG_LINE.match(line)
    if match is None or line[4:5] != "-":  # the tag column is always four characters wide
        return None
    return match.group(1), line[6:].strip()


def _continuation(line: str) -> str | None:
    return line.strip() if line.startswith(" ") else None


RULES = TagRules(split_tag=_split_tag, continuation=_continuation, closed_tags=frozenset({"PMID"}))


def sniff(text: str) -> bool:
    """MEDLINE text starts (after empty lines) with a ``PMID-`` line."""
    return _START.match(text) is not None


@without_cyclic_gc
def read(text: str, path: str | Path) -> ParsedFile:
    """All records of a MEDLINE file, or a one-line error naming the file and line."""
    text = without_stray_boms(text)
    records = [_record(block, start, path) for start, block in _blocks(lines(text), path)]
    return ParsedFile(format=NAME, records=records, database=DATABASE)


def _blocks(file_lines: list[str], path: str | Path) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of each record: from one ``PMID-`` line to the next."""
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(file_lines, 1):
        if line.startswith("PMID-"):
            blocks.append((number, [line]))
        elif blocks:
            blocks[-1][1].append(line)
        elif line.strip():
            raise CartsleError("text before the first PMID- line", file=path, line=number)
    return blocks


def _record(block: list[str], start: int, path: str | Path) -> Record:
    while block and not block[-1].strip():
        block.pop()
    fields = collect_fields(block, start, RULES, path)
    pmid = clean_pmid(first(fields, "PMID"))
    if pmid is None:
        raise CartsleError("PMID- line without a PMID", file=path, line=start)
    return Record(
        line=start,
        raw="\n".join(block),
        fields=fields,
        title=tidy(first(fields, "TI", "BTI")),
        abstract=tidy(first(fields, "AB")),
        # FAU ("Wu, Dan") is the name as PubMed holds it; old records have only AU ("Wu D")
        authors=every(fields, "FAU") or every(fields, "AU") or every(fields, "CN"),
        year=year_of(first(fields, "DP", "DEP")),
        journal=tidy(first(fields, "JT", "TA")),
        volume=first(fields, "VI"),
        issue=first(fields, "IP"),
        pages=pages_of(first(fields, "PG")),
        doi=_doi(fields),
        pmid=pmid,
        accession=pmid,  # the PMID is PubMed's own accession number
        language=first(fields, "LA"),
        publication_type="; ".join(every(fields, "PT")) or None,
        keywords=every(fields, "MH", "OT"),
    )


def _doi(fields: dict[str, list[str]]) -> str | None:
    """The identifier marked ``[doi]`` in LID or AID (beside ``[pii]`` ones, which are not DOIs)."""
    for value in every(fields, "LID", "AID"):
        if value.endswith("[doi]") and (doi := clean_doi(value[:-5])):
            return doi
    return None
