"""Reader: EndNote XML (``<xml><records><record>``), as EndNote 20 and X9 export a library.

Most review teams keep their library in EndNote, and Covidence and the SRA tools read this file.
Layout (Clarivate, "EndNote XML Document Type Definition"): one ``<record>`` per reference with
``<rec-number>``, ``<ref-type name="Journal Article">``, ``<contributors><authors><author>``,
``<titles><title>`` and ``<secondary-title>``, ``<periodical><full-title>``, ``<pages>``,
``<volume>``, ``<number>`` (the issue), ``<dates><year>``, ``<isbn>`` (an ISSN for articles),
``<accession-num>``, ``<electronic-resource-num>`` (the DOI), ``<abstract>``, ``<work-type>`` (the
database's document type: "Conference Abstract", "Erratum"), ``<remote-database-name>`` (the
database the record came from) and ``<language>``. Text may sit in ``<style>`` elements or not,
and EndNote writes the whole file on one line or on many.

The records are read with :func:`xml.etree.ElementTree.iterparse` and each is dropped once read,
so no tree of the whole library is held. Every ``<record>`` becomes one record or the file is
refused with the line of the record at fault.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.normalise import clean_doi, clean_pmid, pages_of, squash, tidy, year_of
from cartsle_cli.formats.record import ParsedFile, Record

NAME = "endnote-xml"

_START = re.compile(r"\A\ufeff?\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?<xml>\s*<records>")
_RECORD_TAG = re.compile(r"<record[\s>]")
# Tags whose meaning depends on their parent ("author" of authors or of secondary-authors).
_QUALIFIED = {"author", "full-title", "abbr-1", "abbr-2", "abbr-3", "url", "date", "key"}
_ACCESSION_PREFIX = re.compile(r"^(WOS:|CN-|L\d|2-s2\.0-|EMBASE:)", re.IGNORECASE)


def sniff(text: str) -> bool:
    """EndNote XML starts (after an XML declaration) with ``<xml><records>``."""
    return _START.match(text[:500]) is not None


def read(text: str, path: str | Path) -> ParsedFile:
    """All records of an EndNote XML file, or a one-line error naming the file and line."""
    starts = _record_lines(text)
    records: list[Record] = []
    try:
        for element in _records(text):
            number = len(records)
            if number >= len(starts):  # a <record> the text scan did not see: cannot happen in XML
                raise CartsleError("record outside the records list", file=path)
            line, start, end = starts[number]
            records.append(_record(element, line, text[start:end], path))
            element.clear()
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        raise CartsleError(f"not well-formed EndNote XML: {error.msg}", file=path, line=line) from None
    if len(records) != len(starts):
        raise CartsleError(
            f"{len(starts)} <record> tags but {len(records)} records inside <records>", file=path
        )
    return ParsedFile(format=NAME, records=records, database=_file_database(records))


def _records(text: str):
    """Each ``<record>`` element once it is complete; the tree never grows past one record."""
    depth = 0
    holder: ET.Element | None = None  # the <records> element, emptied after each record
    for event, element in ET.iterparse(io.StringIO(text), events=("start", "end")):
        if element.tag == "records" and event == "start":
            holder = element
        if element.tag != "record":
            continue
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth == 0:
            yield element
            if holder is not None and len(holder):
                holder.remove(element)


def _record_lines(text: str) -> list[tuple[int, int, int]]:
    """(line, start, end) of each ``<record>`` in the text: where it starts and its own text.
    A literal ``<record`` can only be a tag in XML (text would escape it as ``&lt;``)."""
    spans = []
    line, counted = 1, 0
    for match in _RECORD_TAG.finditer(text):
        start = match.start()
        line += text.count("\n", counted, start)
        counted = start
        end = text.find("</record>", start)
        spans.append((line, start, len(text) if end < 0 else end + len("</record>")))
    return spans


def _fields(element: ET.Element) -> dict[str, list[str]]:
    """Every leaf value of a record, keyed by its tag (``authors/author`` where the parent
    tells what it is), in file order; ``<style>`` wrappers are read through."""
    fields: dict[str, list[str]] = {}

    def walk(node: ET.Element, parent: str) -> None:
        for child in node:
            if child.tag == "style":
                continue
            if len(child) and any(grand.tag != "style" for grand in child):
                walk(child, child.tag)
                continue
            value = squash("".join(child.itertext()).replace("\r", "\n"))
            if child.tag == "ref-type" and "name" in child.attrib:
                fields.setdefault("ref-type/name", []).append(child.attrib["name"])
            if value:
                key = f"{parent}/{child.tag}" if child.tag in _QUALIFIED else child.tag
                fields.setdefault(key, []).append(value)

    walk(element, "record")
    return fields


def _first(fields: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        values = fields.get(key)
        if values:
            return values[0]
    return None


def _record(element: ET.Element, line: int, raw: str, path: str | Path) -> Record:
    fields = _fields(element)
    number = _first(fields, "rec-number")
    if "ref-type/name" not in fields and "ref-type" not in fields:
        where = f" (EndNote record {number})" if number else ""
        raise CartsleError(f"record without a ref-type{where}", file=path, line=line, field="ref-type")
    database = database_name(
        _first(fields, "remote-database-name"), _first(fields, "remote-database-provider")
    )
    accession = _first(fields, "accession-num")
    pmid = _pmid(accession, database)
    types = [value for value in (_first(fields, "work-type"), _first(fields, "ref-type/name")) if value]
    return Record(
        line=line,
        raw=raw,
        fields=fields,
        title=tidy(_first(fields, "title")),
        abstract=tidy(_first(fields, "abstract")),
        authors=[author.rstrip(", ") for author in fields.get("authors/author", [])],
        year=year_of(_first(fields, "year", "pub-dates/date")),
        journal=tidy(
            _first(fields, "periodical/full-title", "secondary-title", "periodical/abbr-1", "alt-title")
        ),
        volume=_first(fields, "volume"),
        issue=_first(fields, "number"),
        pages=pages_of(_first(fields, "pages")),
        doi=_doi(fields),
        pmid=pmid,
        accession=None if pmid and accession and accession.isdigit() else accession,
        language=_first(fields, "language"),
        publication_type="; ".join(dict.fromkeys(types)) or None,
        keywords=fields.get("keyword", []),
        source_id=number,
    )


def _doi(fields: dict[str, list[str]]) -> str | None:
    for value in fields.get("electronic-resource-num", []):
        if doi := clean_doi(value):
            return doi
    for value in fields.get("related-urls/url", []):
        if "doi.org/10." in value and (doi := clean_doi(value)):
            return doi
    return None


def _pmid(accession: str | None, database: str | None) -> str | None:
    """An accession number is a PMID when it is all digits and the record came from PubMed or
    MEDLINE (or says nothing of where it came from); Embase's own numbers are digits too."""
    if not accession or _ACCESSION_PREFIX.match(accession) or not accession.isdigit():
        return None
    if database in (None, "PubMed", "MEDLINE (Ovid)"):
        return clean_pmid(accession)
    return None


def database_name(name: str | None, provider: str | None = None) -> str | None:
    """The canonical name of a database as EndNote records it ("Ovid MEDLINE(R)", "Embase",
    "Web of Science Core Collection"), or the name as written."""
    if not name:
        return None
    lower = name.lower()
    ovid = "ovid" in lower or "ovid" in (provider or "").lower()
    if "embase" in lower:
        return "Embase"
    if "medline" in lower or "pubmed" in lower:
        return "MEDLINE (Ovid)" if ovid else "PubMed"
    if "scopus" in lower:
        return "Scopus"
    if "web of science" in lower or lower.startswith("wos"):
        return "Web of Science"
    if "cochrane" in lower or "central" in lower:
        return "CENTRAL"
    if "psycinfo" in lower:
        return "PsycINFO"
    if "cinahl" in lower:
        return "CINAHL"
    return squash(name)


def _file_database(records: list[Record]) -> str | None:
    """The database of the file when every record that names one names the same; a library
    gathered from several databases names none (import asks for --source)."""
    names = Counter(
        database_name(
            _first(record.fields, "remote-database-name"), _first(record.fields, "remote-database-provider")
        )
        for record in records
    )
    names.pop(None, None)
    return next(iter(names)) if len(names) == 1 else None
