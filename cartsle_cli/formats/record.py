"""The one shape every reader returns: a normalised record beside the text it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from cartsle_cli.formats.normalise import issns_in

# The fields of a :class:`Record` that describe the publication, in the order the store's
# ``records`` table and the merged records keep them (dedup merges exactly these).
BIBLIOGRAPHIC_FIELDS = (
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "accession",
    "language",
    "publication_type",
)

# The tags and columns in which the readers' formats give a journal's ISSNs: RIS and WoS SN and EI,
# MEDLINE and Ovid IS (in RIS IS is the issue, and in some exports an ISSN: the check digit tells
# which), CSV ISSN, BibTeX issn, EndNote XML isbn.
ISSN_TAGS = ("SN", "EI", "IS", "ISSN", "issn", "isbn")


@dataclass
class Record:
    """One bibliographic record, normalised, with its source text kept verbatim.

    ``fields`` holds every tag or column the file gave, unknown ones included, each with all of its
    values in file order; ``raw`` is the record's own text, so a later normaliser can be re-run.
    """

    line: int  # 1-based line of the file where the record starts (for CSV: the row's line)
    raw: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    title: str | None = None
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    accession: str | None = None  # the database's own id: Embase id, Scopus EID, CN-, WoS UT
    language: str | None = None
    publication_type: str | None = None
    keywords: list[str] = field(default_factory=list)
    source_id: str | None = None  # the file's own id for the record (an ID column, a number)

    @property
    def issn(self) -> str | None:
        """The journal's ISSNs the record carries, print and electronic ("03064530 18733360")."""
        return issns_of_fields(self.fields)


def issns_of_fields(fields: dict[str, list[str]]) -> str | None:
    """The ISSNs in a record's :data:`ISSN_TAGS`, normalised and space-separated; None if none."""
    issns = issns_in(" ".join(value for tag in ISSN_TAGS for value in fields.get(tag, ())))
    return " ".join(issns) or None


@dataclass
class ParsedFile:
    """What a reader made of one file."""

    format: str  # reader name, e.g. "ris", "medline", "scopus-csv"
    records: list[Record]
    database: str | None = None  # database recognised from the content, if any
