"""The column layouts of the CSV and tab-delimited exports, recognised from the header row.

Each layout names, for every normalised field, the header columns that carry it (tried in order).
Column names are compared by :func:`column_key` (lower case, punctuation and spaces folded), so
"PubMed ID", "pubmedID" and "pubmed_id" are one key. The layouts follow the files the databases
write (see ``notes/export-formats.md`` in the shared folder): Scopus CSV §3b, PubMed CSV §1b,
embase.com CSV §2b, Cochrane CENTRAL CSV §4b, Web of Science tab-delimited §5c (and WoS's
Excel export saved as CSV, whose columns carry full names such as "UT (Unique WOS ID)").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cartsle_cli.formats.normalise import split_authors

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def column_key(name: str) -> str:
    """A header name folded for matching: "Author(s) ID" -> "author s id", "record_id" -> "record id"."""
    return _NOT_ALNUM.sub(" ", name.lower()).strip()


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(column_key(name) for name in names)


@dataclass(frozen=True)
class Layout:
    """How one export lays out its columns.

    ``columns`` maps a field of :class:`~cartsle_cli.formats.record.Record` (plus the helpers
    ``first_page``, ``last_page`` and ``article_number``) to the column keys that carry it;
    ``keywords`` lists every column whose terms go into the keyword list. ``required`` are the
    column keys whose presence identifies the layout.
    """

    format: str
    database: str | None
    required: frozenset[str]
    columns: dict[str, tuple[str, ...]]
    keywords: tuple[str, ...] = ()
    authors: Callable[[str | None], list[str]] = split_authors
    tab_unquoted: bool = False  # WoS writes tab-delimited text with no quoting at all
    keywords_by_comma: bool = False  # terms joined by ", " when the cell has no ";"
    citation: str | None = None  # a PubMed "Citation" column holding volume(issue):pages

    def matches(self, header: set[str]) -> bool:
        return self.required <= header


def _pubmed_authors(text: str | None) -> list[str]:
    # PubMed ends the list with a period ("..., O'Connor RE."), which is not part of the name
    return split_authors(text.rstrip(". ") if text else text)


SCOPUS = Layout(
    format="scopus-csv",
    database="Scopus",
    required=frozenset(_keys("Title", "Source title", "EID")),
    columns={
        "title": _keys("Title"),
        "authors": _keys("Authors"),
        "year": _keys("Year"),
        "journal": _keys("Source title"),
        "volume": _keys("Volume"),
        "issue": _keys("Issue"),
        "first_page": _keys("Page start"),
        "last_page": _keys("Page end"),
        "article_number": _keys("Art. No."),
        "doi": _keys("DOI"),
        "pmid": _keys("PubMed ID"),
        "abstract": _keys("Abstract"),
        "language": _keys("Language of Original Document"),
        "publication_type": _keys("Document Type"),
        "accession": _keys("EID"),
        "source_id": _keys("EID"),
    },
    keywords=_keys("Author Keywords", "Index Keywords"),
)

PUBMED = Layout(
    format="pubmed-csv",
    database="PubMed",
    required=frozenset(_keys("PMID", "Title", "Citation", "Journal/Book")),
    columns={
        "title": _keys("Title"),
        "authors": _keys("Authors"),
        "year": _keys("Publication Year"),
        "journal": _keys("Journal/Book"),
        "doi": _keys("DOI"),
        "pmid": _keys("PMID"),
        "source_id": _keys("PMID"),
    },
    authors=_pubmed_authors,
    citation=column_key("Citation"),
)

COCHRANE = Layout(
    format="cochrane-csv",
    database="CENTRAL",
    required=frozenset(_keys("CENTRAL ID", "Title")),
    columns={
        "title": _keys("Title"),
        "authors": _keys("Author(s)"),
        "year": _keys("Year"),
        "journal": _keys("Source"),
        "volume": _keys("Volume"),
        "issue": _keys("Issue"),
        "first_page": _keys("Pages"),
        "doi": _keys("DOI"),
        "pmid": _keys("PubMed ID"),
        "abstract": _keys("Abstract"),
        "publication_type": _keys("Publication Type"),
        "accession": _keys("CENTRAL ID"),
        "source_id": _keys("CENTRAL ID"),
    },
    keywords=_keys("Keywords"),
)

EMBASE = Layout(
    format="embase-csv",
    database="Embase",
    required=frozenset(_keys("Title", "Author Names", "Embase Accession ID")),
    columns={
        "title": _keys("Title"),
        "authors": _keys("Author Names"),
        "year": _keys("Publication Year"),
        "journal": _keys("Source title", "Source"),
        "volume": _keys("Volume"),
        "issue": _keys("Issue"),
        "first_page": _keys("First Page"),
        "last_page": _keys("Last Page"),
        "doi": _keys("DOI"),
        "pmid": _keys("Medline PMID"),
        "abstract": _keys("Abstract"),
        "language": _keys("Article Language"),
        "publication_type": _keys("Publication Type"),
        # the RIS export of the same search carries the PUI (U2 "L2029880245"), and the CSV's
        # "Embase Accession ID" is often empty, so the PUI is the id both files agree on
        "accession": _keys("PUI", "Embase Accession ID"),
        "source_id": _keys("PUI", "Embase Accession ID"),
    },
    keywords=_keys("Author Keywords", "Emtree Drug Index Terms", "Emtree Medical Index Terms"),
    keywords_by_comma=True,
)

WOS_TAB = Layout(
    format="wos-tab",
    database="Web of Science",
    required=frozenset(_keys("PT", "AU", "TI", "UT")),
    columns={
        "title": _keys("TI"),
        "authors": _keys("AU", "AF"),
        "year": _keys("PY"),
        "journal": _keys("SO"),
        "volume": _keys("VL"),
        "issue": _keys("IS"),
        "first_page": _keys("BP"),
        "last_page": _keys("EP"),
        "article_number": _keys("AR"),
        "doi": _keys("DI"),
        "pmid": _keys("PM"),
        "abstract": _keys("AB"),
        "language": _keys("LA"),
        "publication_type": _keys("DT"),
        "accession": _keys("UT"),
        "source_id": _keys("UT"),
    },
    keywords=_keys("DE", "ID"),
    tab_unquoted=True,
)

# The same records saved from WoS's Excel export as CSV: full column names instead of tags.
WOS_NAMED = Layout(
    format="wos-csv",
    database="Web of Science",
    required=frozenset(_keys("Article Title", "UT (Unique WOS ID)")),
    columns={
        "title": _keys("Article Title"),
        "authors": _keys("Authors", "Author Full Names"),
        "year": _keys("Publication Year"),
        "journal": _keys("Source Title"),
        "volume": _keys("Volume"),
        "issue": _keys("Issue"),
        "first_page": _keys("Start Page"),
        "last_page": _keys("End Page"),
        "article_number": _keys("Article Number"),
        "doi": _keys("DOI"),
        "pmid": _keys("Pubmed Id"),
        "abstract": _keys("Abstract"),
        "language": _keys("Language"),
        "publication_type": _keys("Document Type"),
        "accession": _keys("UT (Unique WOS ID)"),
        "source_id": _keys("UT (Unique WOS ID)"),
    },
    keywords=_keys("Author Keywords", "Keywords Plus"),
)

# Hand-collected records (a conference archive, a spreadsheet) and research data sets such as the
# labelled deduplication and screening sets: the common names of each column.
PLAIN = Layout(
    format="csv",
    database=None,
    required=frozenset(),
    columns={
        "title": _keys("title", "article title", "document title", "primary title", "paper title", "ti"),
        "authors": _keys("authors", "author", "author(s)", "author names", "author list", "creators", "au"),
        "year": _keys(
            "year", "publication year", "pub year", "py", "year published", "date", "publication date"
        ),
        "journal": _keys(
            "journal",
            "journal title",
            "journal name",
            "source title",
            "journal/book",
            "publication title",
            "secondary title",
            "source",
            "venue",
            "conference",
            "meeting",
            "so",
            "t2",
        ),
        "volume": _keys("volume", "vol", "vl"),
        "issue": _keys("issue", "number", "no", "is"),
        "first_page": _keys(
            "pages", "page", "page range", "pp", "start page", "page start", "first page", "sp"
        ),
        "last_page": _keys("end page", "page end", "last page", "ep"),
        "doi": _keys("doi", "di"),
        "pmid": _keys("pmid", "pubmed id", "pubmedid", "pubmed"),
        "abstract": _keys("abstract", "abstract text", "summary", "ab"),
        "language": _keys("language", "lang", "la"),
        "publication_type": _keys("publication type", "document type", "type", "entrytype", "pt"),
        "source_id": _keys("id", "record id", "key", "label", "abstract number", "abstract id"),
    },
    keywords=_keys("keywords", "keyword", "author keywords", "kw", "mesh", "mesh terms"),
)

# Most specific first: a plain CSV is whatever none of the databases' layouts claims.
LAYOUTS: Sequence[Layout] = (SCOPUS, PUBMED, COCHRANE, EMBASE, WOS_TAB, WOS_NAMED)


def layout_for(header: Sequence[str]) -> Layout:
    """The layout whose identifying columns are all in this header; :data:`PLAIN` otherwise."""
    keys = {column_key(name) for name in header}
    for layout in LAYOUTS:
        if layout.matches(keys):
            return layout
    return PLAIN


_CITATION = re.compile(
    r";\s*(?P<volume>[^:;()]*?)\s*(?:\((?P<issue>[^)]*)\))?\s*:\s*(?P<pages>[^\s;]+?)\.?(?:\s|$)"
)


def citation_parts(citation: str | None) -> tuple[str | None, str | None, str | None]:
    """Volume, issue and pages from a PubMed citation, "Eur J Med Genet. 2020 Feb;63(2):103640. doi: …".

    PubMed's CSV has no volume, issue or page columns: they exist only inside ``Citation``.
    """
    if not citation:
        return None, None, None
    match = _CITATION.search(citation)
    if not match:
        return None, None, None
    return match.group("volume") or None, match.group("issue") or None, match.group("pages") or None
