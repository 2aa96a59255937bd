"""Reader: RIS as PubMed (through EndNote or Zotero), embase.com, Ovid, Scopus, the Cochrane
Library and Web of Science write it.

cartsle cuts the records itself and uses rispy only for its table of list tags. rispy 0.10
silently drops a last record that has no ``ER`` and merges two records when an ``ER`` between
them is missing (shared notes, export-formats.md §R3), never reports a line, and at about
2 s per 10,000 records is too slow for 100,000 records in 10 s. Here every ``TY`` must be closed
by an ``ER`` before the next ``TY``, or the file is refused with the line of the open ``TY``.

Which database wrote the file decides where the PMID and the accession number sit, so the
database is recognised first (:func:`recognise`) and the fields are read by its rules.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import NamedTuple, TextIO

from rispy.config import LIST_TYPE_TAGS

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.normalise import clean_doi, clean_pmid, pages_of, tidy, year_of
from cartsle_cli.formats.record import ParsedFile, Record
from cartsle_cli.formats.text import (
    TagRules,
    collect_fields,
    every,
    first,
    unify_line_breaks,
    without_stray_boms,
)
from cartsle_cli.gc_pause import cyclic_gc_paused, without_cyclic_gc

NAME = "ris"

# "TY  - JOUR", "TY  -  JOUR" (Cochrane), "ER  -" (nothing after the dash)
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9])  -(?: |$)")
_BOUNDARY = re.compile(r"^(TY|ER)  -(?: [^\n]*)?$", re.MULTILINE)
_CR_ONLY_BOUNDARY = re.compile(r"(?:\A|\r)(TY|ER)  -(?: |\r|\Z)")
_NEXT_BOUNDARY = re.compile(r"\n(TY|ER)  -(?: [^\n]*)?(?=\n|\Z)")
# the same lines as _TAG_LINE, with the value stripped of spaces by the pattern itself
_PAIR = re.compile(r"^([A-Z][A-Z0-9])  -(?: +(.*[^ \n]))? *$", re.MULTILINE)
_OVID_COUNTER = re.compile(r"^(\d+)\.\s*$")
_COCHRANE_COUNTER = re.compile(r"^Record #(\d+) of \d+\s*$")
_INITIALS_LIST = re.compile(r"^[^,]+ [A-Z]{1,4}(?:, [^,]+ [A-Z]{1,4})+$")
_DOI_START = re.compile(r"^\s*10\.\d{4,9}/")
_BATCH = 1000  # records whose tag lines are found in one pass


def _split_tag(line: str) -> tuple[str, str] | None:
    match = _TAG_LINE.match(line)
    if match is None:
        return None
    return match.group(1), line[match.end() :].strip(" ")


def _continuation(line: str) -> str:
    # EndNote, Scopus and WoS RIS continue values on untagged lines, indented or not
    return line.strip()


RULES = TagRules(
    split_tag=_split_tag,
    continuation=_continuation,
    list_tags=frozenset(LIST_TYPE_TAGS),
    closed_tags=frozenset({"TY"}),
)


class _Cut(NamedTuple):
    """One record cut from the file, before the database's rules are applied."""

    line: int
    raw: str
    fields: dict[str, list[str]]
    counter: str | None  # Ovid's "12. " before the record


def sniff(text: str) -> bool:
    """A RIS file has a ``TY  -`` line before any ``ER  -`` line (lines may end in a bare CR)."""
    match = _BOUNDARY.match(text) or _NEXT_BOUNDARY.search(text)
    if match is None and "\n" not in text:
        match = _CR_ONLY_BOUNDARY.search(text)  # classic Mac line ends; slower, so only then
    return match is not None and match.group(1) == "TY"


@without_cyclic_gc
def read(text: str, path: str | Path) -> ParsedFile:
    """All records of a RIS file, or a one-line error naming the file and line of a bad record."""
    text = without_stray_boms(text)
    cuts, wrappers = _cut_records(unify_line_breaks(text), path)
    dialect = recognise([cut.fields for cut in cuts[:50]], wrappers)
    return ParsedFile(format=NAME, records=[_record(cut, dialect) for cut in cuts], database=dialect.database)


CHUNK = 4 << 20  # characters of a streamed file read at a time


def read_stream(handle: TextIO, path: str | Path) -> tuple[str | None, Iterator[Record]]:
    """The database and the records of a RIS file read from ``handle`` a few MB at a time.

    ``handle`` is a text stream with universal newlines (so CR and CRLF arrive as LF). The file
    is cut after the last ``ER`` line of each chunk, so every piece holds whole records and the
    checks of :func:`read` apply to it unchanged, lines numbered from where the piece starts. The
    database is recognised from the first piece (its first 50 records and wrapper lines). Only one
    piece's records are in memory at a time.
    """
    pieces = _pieces(handle)
    text, first_line = next(pieces, ("", 1))
    with cyclic_gc_paused():
        cuts, wrappers = _cut_records(text, path, first_line)
    dialect = recognise([cut.fields for cut in cuts[:50]], wrappers)

    def records() -> Iterator[Record]:
        batch: list[_Cut] | None = cuts
        while batch is not None:
            with cyclic_gc_paused():
                made = [_record(cut, dialect) for cut in batch]
            yield from made
            del made
            piece = next(pieces, None)
            if piece is None:
                return
            with cyclic_gc_paused():
                batch = _cut_records(piece[0], path, piece[1])[0]

    return dialect.database, records()


def _pieces(handle: TextIO) -> Iterator[tuple[str, int]]:
    """The text in pieces that end just after an ER line (the last one the file has), each with
    the line number it starts at."""
    rest, line = "", 1
    while True:
        more = handle.read(CHUNK)
        text = without_stray_boms(rest + more) if more else rest
        end = _after_last_er(text) if more else len(text)
        if end == 0 and more:
            rest = text  # no ER yet: a record longer than a chunk
            continue
        piece = text[:end]
        if not more or (piece and not piece.isspace()):  # isspace: no stripped copy of the piece
            yield piece, line
        line += text.count("\n", 0, end)
        rest = text[end:]
        if not more:
            return


def _after_last_er(text: str) -> int:
    """The offset just past the last ``ER  -`` boundary line that ends inside ``text`` (0: none)."""
    position = len(text)
    while (position := text.rfind("\nER  -", 0, position)) >= 0:
        line_end = text.find("\n", position + 1)
        if line_end < 0:
            continue  # its line may go on in the next chunk
        if _NEXT_BOUNDARY.match(text, position, line_end) is not None:
            return line_end + 1
    return 0


def _cut_records(text: str, path: str | Path, first_line: int = 1) -> tuple[list[_Cut], Wrappers]:
    """Records between ``TY`` and ``ER`` (checked: no record may be left open), and what the
    lines between records (Ovid counters and links, Cochrane headers) say about the file.

    Most exports are plain (every ``TY`` closed by its ``ER``, nothing but wrapper lines between
    records): :func:`_cut_plain` cuts them with string operations. Whatever it does not take as
    plain, or finds wrong, is cut again by :func:`_cut_checked`, which gives every error its
    message and line; both give the same records.
    """
    try:
        plain = _cut_plain(text, path, first_line)
    except CartsleError:
        plain = None  # the checked cut finds the same error, or the first one of several
    return plain if plain is not None else _cut_checked(text, path, first_line)


_TY_LINE, _ER_LINE = "TY  -", "ER  -"
_NEXT_ER = "\n" + _ER_LINE
_NEXT_TY = "\n" + _TY_LINE


def _cut_plain(text: str, path: str | Path, first_line: int) -> tuple[list[_Cut], Wrappers] | None:
    """The records of a plain text, or None when it is not plain: a TY line that is not the first
    after an ER (a record left open), an ER with no TY, an ER line with text glued to its dash,
    a TY without a type. Splitting on "\nER  -" and finding the TY after it are C-level
    searches, where the checked cut matches a pattern at every line of the text."""
    if text.startswith(_ER_LINE):
        return None
    pieces = text.split(_NEXT_ER)
    cuts: list[_Cut] = []
    wrappers = Wrappers()
    rest, gap_line = pieces[0], first_line  # rest: the text after the last ER line, and its line
    for after in islice(pieces, 1, None):
        # after: the end of the ER line that closes the record in ``rest``, then what follows it
        end = after.find("\n")
        tail = after if end < 0 else after[:end]
        start = 0 if rest.startswith(_TY_LINE) else rest.find(_NEXT_TY) + 1
        if (tail and tail[0] != " ") or (start == 0 and not rest.startswith(_TY_LINE)):
            return None
        body = rest[start:]
        if body[5:6] not in ("", " ", "\n") or _NEXT_TY in body:
            return None
        gap = rest[:start]
        counter = None if gap.isspace() or not gap else _between_records(gap, gap_line, wrappers, path)
        line = gap_line + gap.count("\n")
        raw = f"{body}{_NEXT_ER}{tail}"
        gap_line = line + body.count("\n") + 1
        fields = _tag_lines(raw) or collect_fields(raw.split("\n"), line, RULES, path)
        if not fields["TY"][0]:
            return None
        cuts.append(_Cut(line, raw, fields, counter))
        rest = "" if end < 0 else after[end:]
    if rest.startswith(_TY_LINE) or _NEXT_TY in rest:
        return None  # the text ends inside a record
    _between_records(rest, gap_line, wrappers, path)
    return cuts, wrappers


# The start of a tag line up to its value: "\nAU  - ", "\nTY  -  " (Cochrane), "\nER  -" (no value)
_TAG_START = re.compile(r"\n([A-Z][A-Z0-9])  -(?: +|(?=\n)|\Z)")


def _tag_lines(raw: str) -> dict[str, list[str]] | None:
    """The fields of a record whose every line is a tag line, values stripped of spaces; None
    when some line is not (a continuation or a blank line: :func:`collect_fields` reads those).

    One split gives the tags and values; the values are gathered under their tags by C-level
    maps, with no Python statement per line (a record of 1.6 KB has about 35 lines)."""
    pieces = _TAG_START.split("\n" + raw)  # "", tag, value, tag, value ...
    if len(pieces) != 2 * raw.count("\n") + 3:
        return None
    pieces[-1] = pieces[-1].rstrip(" ")  # "ER  - " has no value
    values = pieces[2::2]
    if " \n" in raw:
        values = [value.rstrip(" ") for value in values]
    tags = list(map(sys.intern, pieces[1::2]))  # one "AU" string for all records, not one each
    fields: dict[str, list[str]] = {tag: [] for tag in tags}
    any(map(list.append, map(fields.__getitem__, tags), values))  # list.append gives None: all run
    return fields


def _cut_checked(text: str, path: str | Path, first_line: int = 1) -> tuple[list[_Cut], Wrappers]:
    """:func:`_cut_records` for any text, line by line, with an error naming the line of any
    record that is not closed, any tag line outside a record or any line that is not a tag."""
    spans, wrappers = _spans(text, path, first_line)
    cuts: list[_Cut] = []
    for batch in (spans[start : start + _BATCH] for start in range(0, len(spans), _BATCH)):
        # One C-level pass finds the batch's tag lines; a record whose lines are all tag lines
        # takes its fields straight from them, the others (continuation lines) are read line
        # by line. Batches keep the (tag, value) tuples of a 100,000-record file out of memory.
        pairs = _PAIR.findall(text, batch[0].start, batch[-1].end)
        index = 0
        for span in batch:
            lines = span.end_line - span.line + 1
            fields = _fields_of(pairs, index, index + lines)
            raw = text[span.start : span.end]
            if fields is None:  # continuation lines: fewer tag lines than lines
                index = _take_record(pairs, index)[1]
                fields = collect_fields(raw.split("\n"), span.line, RULES, path)
            else:
                index += lines
            if not fields["TY"][0]:
                raise CartsleError("TY without a reference type", file=path, line=span.line)
            cuts.append(_Cut(span.line, raw, fields, span.counter))
    return cuts, wrappers


class _Span(NamedTuple):
    """Where one record lies in the text (a tuple: made twice as fast as a frozen dataclass)."""

    start: int  # offset of the TY line
    line: int
    end: int  # offset just past the ER line
    end_line: int
    counter: str | None


def _spans(text: str, path: str | Path, first_line: int = 1) -> tuple[list[_Span], Wrappers]:
    """Where each record starts and ends; a TY with no ER before the next TY or the end of the
    file is an error naming the line of that TY (rispy would merge or drop such records)."""
    spans: list[_Span] = []
    wrappers = Wrappers()
    line_number, counted_to = first_line, 0
    open_at: tuple[int, int] | None = None  # (offset, line) of a TY without its ER yet
    gap_from, gap_line = 0, first_line
    counter: str | None = None
    for tag, start, end in _boundaries(text):
        line_number += text.count("\n", counted_to, start)
        counted_to = start
        if tag == "TY":
            if open_at is not None:
                message = f"this record has no ER: the next record starts at line {line_number}"
                raise CartsleError(message, file=path, line=open_at[1])
            counter = _between_records(text[gap_from:start], gap_line, wrappers, path)
            open_at = (start, line_number)
            continue
        if open_at is None:
            raise CartsleError("ER with no TY before it", file=path, line=line_number)
        spans.append(_Span(open_at[0], open_at[1], end, line_number, counter))
        open_at, gap_from, gap_line = None, end, line_number
    if open_at is not None:
        raise CartsleError(
            "the file ends inside this record: TY with no ER (a cut-off download?)",
            file=path,
            line=open_at[1],
        )
    _between_records(text[gap_from:], gap_line, wrappers, path)
    return spans, wrappers


def _boundaries(text: str) -> Iterator[tuple[str, int, int]]:
    """("TY" or "ER", start, end) of each boundary line. Searching for "\\nTY" is four times
    faster than a MULTILINE "^TY", which tests every position of the text."""
    first_line = _BOUNDARY.match(text)
    if first_line is not None:
        yield first_line.group(1), 0, first_line.end()
    for match in _NEXT_BOUNDARY.finditer(text):
        yield match.group(1), match.start() + 1, match.end()


def _fields_of(pairs: list[tuple[str, str]], start: int, end: int) -> dict[str, list[str]] | None:
    """The fields of a record whose every line is a tag line: ``pairs[start:end]``, TY to ER.

    None when the record has fewer tag lines than lines (then the slice runs into the next
    record, so it holds this record's ER and another pair after it: not one ER, at the end).
    """
    fields: dict[str, list[str]] = {}
    get, intern = fields.get, sys.intern
    for tag, value in pairs[start:end]:
        values = get(tag)
        if values is None:
            fields[intern(tag)] = [value]  # one "AU" string for all records, not one each
        else:
            values.append(value)
    if end > len(pairs) or pairs[end - 1][0] != "ER" or len(fields["ER"]) != 1:
        return None
    return fields


def _take_record(pairs: list[tuple[str, str]], index: int) -> tuple[dict[str, list[str]], int]:
    """The tag lines from ``pairs[index]`` (a TY) to its ER as fields, and the index after ER."""
    fields: dict[str, list[str]] = {}
    while True:
        tag, value = pairs[index]
        index += 1
        values = fields.get(tag)
        if values is None:
            fields[sys.intern(tag)] = [value]  # one "AU" string for all records, not one each
        else:
            values.append(value)
        if tag == "ER":
            return fields, index


def _between_records(gap: str, first_line: int, wrappers: Wrappers, path: str | Path) -> str | None:
    """Read the lines between two records; return the counter that numbers the next record."""
    if not gap.strip():
        return None
    counter = None
    for offset, line in enumerate(gap.split("\n")):
        if (match := _OVID_COUNTER.match(line)) is not None:
            counter = match.group(1)
            wrappers.ovid_counters += 1
        elif _COCHRANE_COUNTER.match(line) is not None:
            # "Record #3 of 18" numbers the search's hits, not the record: its id is the CN- in AN
            wrappers.cochrane_headers += 1
        elif line.startswith("Link to the Ovid Full Text"):
            wrappers.ovid_links += 1
        elif _TAG_LINE.match(line):
            message = f"tag line outside a record (a missing TY?): {line.strip()[:60]!r}"
            raise CartsleError(message, file=path, line=first_line + offset)
    return counter


# Values that repeat across a file's records (a year, a journal, a document type) are
# normalised once each: an export of 100,000 records has a few thousand distinct ones.
_year_of = functools.lru_cache(maxsize=4096)(year_of)
_tidy_name = functools.lru_cache(maxsize=4096)(tidy)


def _record(cut: _Cut, dialect: Dialect) -> Record:
    fields = cut.fields
    return Record(
        line=cut.line,
        raw=cut.raw,
        fields=fields,
        title=tidy(first(fields, "TI", "T1", "BT")),
        abstract=tidy(first(fields, "AB", "N2")),
        authors=_authors(fields),
        year=_year_of(first(fields, "PY", "Y1", "DA", "Y2")),
        journal=_journal(fields, dialect),
        volume=first(fields, "VL"),
        issue=first(fields, "IS"),
        pages=pages_of(first(fields, "SP"), first(fields, "EP")),
        doi=_doi(fields),
        pmid=dialect.pmid(fields),
        accession=dialect.accession(fields),
        language=first(fields, "LA"),
        publication_type=_publication_type(fields),
        keywords=every(fields, "KW"),
        source_id=cut.counter or dialect.source_id(fields),
    )


def _authors(fields: dict[str, list[str]]) -> list[str]:
    authors = every(fields, "AU", "A1")
    if len(authors) == 1 and _INITIALS_LIST.match(authors[0]):
        # Ovid CENTRAL writes every author on one A1 line: "Wu E, El-Bassel N, Gilbert L"
        return authors[0].split(", ")
    return authors


_JOURNAL_TAGS = ("JF", "T2", "JO", "JA", "J2")
_OVID_JOURNAL_TAGS = ("JF", "JO", "JA", "J2")


def _journal(fields: dict[str, list[str]], dialect: Dialect) -> str | None:
    # Ovid's T2 is a trial's official title and its JA may be a registry URL, not a journal
    for tag in _OVID_JOURNAL_TAGS if dialect.ovid else _JOURNAL_TAGS:
        for value in fields.get(tag, ()):
            if value and "://" not in value:
                return _tidy_name(value)
    return None


def _doi(fields: dict[str, list[str]]) -> str | None:
    for tag in ("DO", "DI"):
        for value in fields.get(tag, ()):
            if doi := clean_doi(value):
                return doi
    # embase.com writes the DOI again as an L2 link; only doi.org links count, not a Cochrane
    # record's own .../central/doi/10.1002/central/CN-... page
    for value in every(fields, "L3", "L2", "UR"):
        if "doi.org/10." in value and (doi := clean_doi(value)):
            return doi
    return None


def _publication_type(fields: dict[str, list[str]]) -> str | None:
    # M3 is the document type, though EndNote may put a DOI there; TY is unreliable (Scopus
    # conference papers as JOUR, Ovid CENTRAL ELEC for everything)
    document_types = fields.get("M3")
    if document_types is None:
        return first(fields, "TY")
    if len(document_types) == 1:
        return _one_type(document_types[0]) or first(fields, "TY")
    types = [value for value in document_types if value and not _DOI_START.match(value)]
    return "; ".join(types) if types else first(fields, "TY")


@functools.lru_cache(maxsize=1024)
def _one_type(value: str) -> str | None:
    return value if value and not _DOI_START.match(value) else None


# --- which database wrote the file, and where it puts the PMID and its own accession number ---

Fields = dict[str, list[str]]
_OVID_DATABASE = re.compile(r"[?&]D=([A-Za-z0-9]+)")
_OVID_AN = re.compile(r"[?&]AN=([A-Za-z0-9-]+)")
_SCOPUS_EID = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
_COCHRANE_PUBMED = re.compile(r"PUBMED\s*:?\s*(\d+)", re.IGNORECASE)


@dataclass
class Wrappers:
    """Lines a database writes between RIS records; they tell who wrote the file."""

    ovid_counters: int = 0
    ovid_links: int = 0
    cochrane_headers: int = 0


@dataclass(frozen=True)
class Dialect:
    """One database's RIS: its canonical name and where its PMID and accession number sit."""

    name: str
    database: str | None
    pmid: Callable[[Fields], str | None] = lambda fields: None
    accession: Callable[[Fields], str | None] = lambda fields: None
    source_id: Callable[[Fields], str | None] = field(default=lambda fields: first(fields, "ID"))
    ovid: bool = False  # Ovid's own RIS, whose T2 and JA are not the journal


def _in_tag(tag: str) -> Callable[[Fields], str | None]:
    return lambda fields: clean_pmid(first(fields, tag))


def _url_part(fields: Fields, pattern: re.Pattern[str], *tags: str) -> str | None:
    for tag in tags:
        for value in fields.get(tag, ()):
            if (match := pattern.search(value)) is not None:
                return match.group(1)
    return None


def _cochrane_pmid(fields: Fields) -> str | None:
    for value in every(fields, "C3"):  # "PUBMED 38407106,EMBASE 643589775"
        if (match := _COCHRANE_PUBMED.search(value)) is not None:
            return clean_pmid(match.group(1))
    return _an_pmid(fields)


def _an_pmid(fields: Fields) -> str | None:
    """The PMID in AN, record by record: EndNote writes PubMed's PMID there, but a library
    gathered from several databases also has CN- and WOS: accessions in AN, which are not PMIDs."""
    value = (first(fields, "AN") or "").strip()
    return clean_pmid(value) if value.isdigit() else None


def _an_kind(value: str) -> str:
    value = value.strip()
    if value.isdigit():
        return "pmid"
    return value.split(":", 1)[0] if ":" in value else value[:3]


def _ovid_database(code: str | None, names: list[str]) -> str | None:
    """Ovid's database from the segment code in its links (D=medp) or its DB line."""
    code = (code or "").lower()
    text = " ".join(names).lower()
    if code.startswith(("med", "prem", "mesz", "mesx", "ppez")) or "medline" in text:
        return "MEDLINE (Ovid)"
    if code.startswith(("emed", "emez", "oemez", "emba", "emcr")) or "embase" in text:
        return "Embase"
    if code == "cctr" or "central register" in text:
        return "CENTRAL"
    return None


def _ovid(database: str | None, *, native: bool) -> Dialect:
    """Ovid RIS, as Ovid writes it (``native``: counters, links, T2 a trial's title) or as a
    reference manager re-exports it. ID is a PMID only in MEDLINE records: each record's own
    link (``D=medp``) says which database it came from, else the file's database does."""

    def medline(fields: Fields) -> bool:
        code = _url_part(fields, _OVID_DATABASE, "L2", "UR")
        return (_ovid_database(code, []) if code else database) == "MEDLINE (Ovid)"

    def pmid(fields: Fields) -> str | None:
        if not medline(fields):
            return None
        ovid_id = first(fields, "ID")
        return clean_pmid(
            ovid_id if ovid_id and ovid_id.isdigit() else _url_part(fields, _OVID_AN, "L2", "UR")
        )

    def accession(fields: Fields) -> str | None:
        return first(fields, "ID") or _url_part(fields, _OVID_AN, "L2", "UR")

    return Dialect("ovid", database, pmid, accession, source_id=lambda fields: None, ovid=native)


COCHRANE = Dialect("cochrane", "CENTRAL", _cochrane_pmid, lambda fields: first(fields, "AN"))
# An EndNote library exported as RIS whose records came from several databases: AN holds a PMID
# for some and a CN- or WOS: accession for others. It names no one database (import asks).
ENDNOTE_MIXED = Dialect("endnote-mixed", None, _an_pmid, lambda fields: first(fields, "AN"))
EMBASE = Dialect("embase.com", "Embase", _in_tag("C5"), lambda fields: first(fields, "U2"))
SCOPUS = Dialect("scopus", "Scopus", _in_tag("C2"), lambda fields: _url_part(fields, _SCOPUS_EID, "UR"))
WEB_OF_SCIENCE = Dialect("wos", "Web of Science", _an_pmid, lambda fields: first(fields, "AN"))
ENDNOTE_PUBMED = Dialect("endnote-pubmed", "PubMed", _an_pmid, lambda fields: first(fields, "AN"))
PUBMED = Dialect("pubmed", "PubMed")
# cartsle's own export (`cartsle export --format ris`): DP names it, AN is the PMID, C1 the
# accession of the source database. It names no one database: a re-import takes --source.
CARTSLE = Dialect("cartsle", None, _in_tag("AN"), lambda fields: first(fields, "C1"))
UNKNOWN = Dialect("ris", None)


CARTSLE_PROVIDER = "cartsle"


def recognise(sample: list[Fields], wrappers: Wrappers) -> Dialect:
    """The database that wrote a RIS file, from its wrapper lines and the tags of its first
    records (DB, DP, UR/L2 hosts, accession prefixes), checked from most to least specific."""

    def seen(tag: str, test: Callable[[str], bool]) -> bool:
        return any(test(value) for fields in sample for value in fields.get(tag, ()))

    names = [value for fields in sample for value in fields.get("DB", ())]
    if seen("DP", lambda v: v == CARTSLE_PROVIDER):
        return CARTSLE
    native_ovid = bool(wrappers.ovid_counters or wrappers.ovid_links)
    if native_ovid or seen("L2", lambda v: "ovid.com" in v) or any("ovid" in n.lower() for n in names):
        codes = (_url_part(fields, _OVID_DATABASE, "L2", "UR") for fields in sample)
        code = next((code for code in codes if code), None)
        return _ovid(_ovid_database(code, names), native=native_ovid)
    accession_kinds = {
        _an_kind(value) for fields in sample for value in fields.get("AN", ()) if value.strip()
    }
    if not wrappers.cochrane_headers and "pmid" in accession_kinds and accession_kinds & {"CN-", "WOS"}:
        return ENDNOTE_MIXED
    if (
        wrappers.cochrane_headers
        or seen("AN", lambda v: v.startswith("CN-"))
        or seen("UR", lambda v: "cochranelibrary.com" in v)
    ):
        return COCHRANE
    if "Embase" in names or seen("UR", lambda v: "embase.com" in v):
        return EMBASE
    if "Scopus" in names or seen("UR", lambda v: "scopus.com" in v):
        return SCOPUS
    if (
        seen("AN", lambda v: v.startswith("WOS:"))
        or seen("WE", bool)
        or seen("N1", lambda v: "Web of Science" in v)
    ):
        return WEB_OF_SCIENCE
    if seen("DP", lambda v: v == "NLM"):
        return ENDNOTE_PUBMED  # EndNote's PubMed import: AN is the PMID, ID EndNote's number
    if any(name in ("PubMed", "MEDLINE") for name in names) or seen("DP", lambda v: v.startswith("PubMed")):
        return PUBMED
    return UNKNOWN
