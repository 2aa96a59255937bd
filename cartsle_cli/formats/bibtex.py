"""Reader for BibTeX, as Scopus writes it (``@ARTICLE{Li2020, author={Li, W. and Dou, Z.}, …}``).

Parsed with bibtexparser 2 without its middlewares, so nothing is rewritten before cartsle sees
it. Two things bibtexparser treats as errors are ordinary in exports and are kept as records: a
field written twice in one entry (Scopus repeats ``funding_details``) and two entries with the
same key (two papers by "Li" in 2020 are both ``Li2020``). A block bibtexparser cannot parse (an
unclosed brace) is an error naming its line.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser import model
from pylatexenc.latex2text import LatexNodes2Text

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.normalise import clean_doi, clean_pmid, pages_of, split_authors, squash, year_of
from cartsle_cli.formats.record import ParsedFile, Record
from cartsle_cli.gc_pause import without_cyclic_gc

NAME = "bibtex"

# bibtexparser logs each failed block as a warning; cartsle reports it once, as a CartsleError.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False

_ENTRY_START = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_BRACES = re.compile(r"(?<!\\)[{}]")
_KEYWORD_SEPARATOR = re.compile(r"\s*;\s*")
_COMMA = re.compile(r"\s*,\s*")
_LATEX = LatexNodes2Text(math_mode="verbatim", keep_comments=True)


def sniff(text: str) -> bool:
    """The first line that is neither blank nor a ``%`` comment opens an ``@type{`` entry."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("%"):
            return bool(_ENTRY_START.match(stripped))
    return False


@without_cyclic_gc
def read(text: str, path: str | Path) -> ParsedFile:
    """Every entry as a :class:`Record`, in file order; ``@string``, ``@preamble`` and comments are skipped."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    records: list[Record] = []
    for block in library.blocks:
        if isinstance(block, model.ParsingFailedBlock) and not _kept_anyway(block):
            line = (block.start_line or 0) + 1
            raise CartsleError(f"malformed BibTeX entry: {_first_line(block.error)}", file=path, line=line)
        entry = _entry_of(block)
        if entry is not None:
            records.append(_record(entry, (block.start_line or 0) + 1, block.raw or "", path))
    scopus = any(_is_scopus(record) for record in records)
    return ParsedFile(format="bibtex", records=records, database="Scopus" if scopus else None)


def _kept_anyway(block: model.Block) -> bool:
    return isinstance(block, (model.DuplicateFieldKeyBlock, model.DuplicateBlockKeyBlock))


def _entry_of(block: model.Block) -> model.Entry | None:
    if isinstance(block, model.Entry):
        return block
    if _kept_anyway(block) and isinstance(block.ignore_error_block, model.Entry):  # type: ignore[attr-defined]
        return block.ignore_error_block  # type: ignore[attr-defined]
    return None


def _first_line(error: Exception | None) -> str:
    reason = getattr(error, "abort_reason", None) or str(error or "")
    lines = reason.strip().splitlines()
    return lines[0] if lines else "the entry cannot be parsed"


def _record(entry: model.Entry, line: int, raw: str, path: str | Path) -> Record:
    fields: dict[str, list[str]] = {}
    for item in entry.fields:
        fields.setdefault(item.key.lower(), []).append(_unwrap(item.value))

    def value(*names: str) -> str | None:
        for name in names:
            if fields.get(name):
                return squash(_plain_text(fields[name][0]))
        return None

    year_text = value("year")
    year = year_of(year_text)
    if year_text and year is None:
        raise CartsleError(f"{year_text!r} is not a year", file=path, line=line, field="year")
    url = value("url") or ""
    eid = value("eid") or (match.group(1) if (match := _EID.search(url)) else None)
    return Record(
        line=line,
        raw=raw,
        fields=fields,
        title=value("title"),
        abstract=value("abstract"),
        authors=split_authors(value("author")),
        year=year,
        journal=value("journal", "journaltitle", "booktitle"),
        volume=value("volume"),
        issue=value("number", "issue"),
        pages=pages_of(value("pages")) or value("art_number", "eid"),
        doi=clean_doi(value("doi")),
        pmid=clean_pmid(value("pmid", "pubmed")),
        accession=eid,
        language=value("language"),
        publication_type=value("document_type", "type") or entry.entry_type,
        keywords=_keywords(value("author_keywords"), value("keywords")),
        source_id=entry.key,
    )


def _unwrap(value: object) -> str:
    """The field's text without the one pair of braces or quotes that encloses it."""
    text = str(value).strip()
    if len(text) >= 2 and (text[0], text[-1]) in (("{", "}"), ('"', '"')):
        return text[1:-1]
    return text


def _plain_text(value: str) -> str:
    """LaTeX accents and commands as Unicode ({\\"u} -> ü), braces dropped.

    Scopus writes Unicode with bare "%" and "$" in abstracts, which LaTeX would read as a comment
    and as math, so only values with a backslash and no "$" go through pylatexenc, comments kept.
    """
    if "\\" in value and "$" not in value:
        value = _LATEX.latex_to_text(value)
    return _BRACES.sub("", value)


def _keywords(*cells: str | None) -> list[str]:
    keywords: list[str] = []
    for cell in cells:
        if cell:
            separator = _KEYWORD_SEPARATOR if ";" in cell else _COMMA
            keywords.extend(term for term in separator.split(cell) if term)
    return keywords


def _is_scopus(record: Record) -> bool:
    source = record.fields.get("source", [""])[0].lower()
    return source == "scopus" or bool(record.accession and record.accession.startswith("2-s2.0-"))
