"""What kind of publication a record is, for the traps a reviewer knows.

An erratum, corrigendum, retraction notice, comment or reply shares its title with the article it
is about but is a different publication; a conference abstract and a preprint are other reports of
the same study as the journal article, not copies of it. The matcher never merges two records of
different kinds (see :mod:`cartsle_cli.dedup.compare`).
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache


class Kind(str, Enum):
    ARTICLE = "article"
    CONFERENCE = "conference abstract"
    PREPRINT = "preprint"
    ERRATUM = "erratum"
    RETRACTION = "retraction notice"
    COMMENT = "comment"
    REPLY = "reply"


# Kinds that are another report of the same study, not a notice about it.
REPORT_KINDS = {Kind.CONFERENCE, Kind.PREPRINT}

_ERRATUM_TITLE = re.compile(
    r"^\W*(erratum|errata|corrigend(um|a)|correction|published erratum)\b\s*([:.\-\[(]|$|to\b|in\b|regarding\b)",
    re.IGNORECASE,
)
_RETRACTION_TITLE = re.compile(
    r"^\W*(retraction|notice of retraction|retraction notice|expression of concern)\b", re.IGNORECASE
)
# "Response to thrombolysis in ..." is an article: a response is a reply only when it answers someone.
_REPLY_TITLE = re.compile(
    r"^\W*((in )?reply|authors?'? (reply|response)|the authors? reply)\b\s*([:.\-]|$|to\b|from\b)"
    r"|^\W*response\s*([:.]|$|to (the )?(letter|comment|commentary|editor|correspondence|dr|drs|prof|mr|ms)\b)",
    re.IGNORECASE,
)
_COMMENT_TITLE = re.compile(
    r"^\W*(re|comment|comments|commentary)\b\s*(:|on\b|to\b|regarding\b)", re.IGNORECASE
)
# Words databases use, and the RIS types CONF, ABST and CPAPER when no other type is given.
_CONFERENCE_TYPE = re.compile(
    r"conference|congress|meeting|proceedings|abstract|\b(conf|abst|cpaper)\b", re.IGNORECASE
)
# Not "abstracts": "Dissertation Abstracts International" prints theses.
_CONFERENCE_JOURNAL = re.compile(r"\b(congress|conference|meeting|symposium)\b", re.IGNORECASE)
_PREPRINT_JOURNAL = re.compile(
    r"\b(medrxiv|biorxiv|arxiv|chemrxiv|psyarxiv|ssrn|research square|preprints?|authorea)\b", re.IGNORECASE
)
# bioRxiv/medRxiv, Research Square, SSRN, arXiv, Preprints.org, PsyArXiv, Authorea.
_PREPRINT_DOI = re.compile(
    r"^10\.(1101/(\d{4}\.\d{2}\.\d{2}\.)?\d{6,}|21203/rs\.|2139/ssrn\.|48550/arxiv\.|20944/preprints|31234/osf\.io|22541/au\.)"
)
# The first words of every notice pattern above, for a quick test.
_NOTICE_START = re.compile(
    r"\W*(erratum|errata|corrigend|correction|published|retraction|notice|expression|in reply|reply"
    r"|author|the author|response|re\b|comment)",
    re.IGNORECASE,
)
_PART = re.compile(r"\bpart (\d+|[ivx]+|one|two|three|four|five|[a-d])\b")
_PART_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
}


def kind_of(
    title: str | None,
    publication_type: str | None,
    journal: str | None,
    doi: str | None,
    issue: str | None = None,
) -> Kind:
    """The kind of publication, from the title's first words, the type the database gave, the
    journal and the DOI prefix. Anything not recognised is an article."""
    title = title or ""
    # Most titles start with none of the words a notice starts with: one search rules them out,
    # and then the kind follows from the type and journal (known once for each pair of them) and
    # the DOI.
    if _NOTICE_START.match(title) is None:
        kind = _kind_by_source(publication_type, journal)
        if kind in _PREPRINT_BY_DOI and _preprint_doi(doi):
            return Kind.PREPRINT
        return kind
    types = (publication_type or "").lower()
    if "erratum" in types or "correction" in types or _ERRATUM_TITLE.search(title):
        return Kind.ERRATUM
    if (
        "retraction of publication" in types
        or "retraction notice" in types
        or _RETRACTION_TITLE.search(title)
    ):
        return Kind.RETRACTION
    if _REPLY_TITLE.search(title):
        return Kind.REPLY
    if "comment" in types or _COMMENT_TITLE.search(title):
        return Kind.COMMENT
    return _report_kind(types, journal, doi)


@lru_cache(maxsize=20_000)
def _kind_by_source(publication_type: str | None, journal: str | None) -> Kind:
    """The kind a record without a notice's title has, its DOI aside (:data:`_PREPRINT_BY_DOI`)."""
    types = (publication_type or "").lower()
    if "erratum" in types or "correction" in types:
        return Kind.ERRATUM
    if "retraction of publication" in types or "retraction notice" in types:
        return Kind.RETRACTION
    if "comment" in types:
        return Kind.COMMENT
    return _report_kind(types, journal, None)


# The kinds a preprint server's DOI overrules (a notice's type comes first).
_PREPRINT_BY_DOI = frozenset({Kind.CONFERENCE, Kind.ARTICLE})


def _report_kind(types: str, journal: str | None, doi: str | None) -> Kind:
    """Preprint, conference abstract or article, from the (lower-case) types, journal and DOI."""
    journal_kind = _journal_kind(journal or "")
    if "preprint" in types or journal_kind is Kind.PREPRINT or _preprint_doi(doi):
        return Kind.PREPRINT
    if journal_kind is Kind.CONFERENCE or _conference_type(types):
        return Kind.CONFERENCE
    return Kind.ARTICLE


# The DOI prefixes :data:`_PREPRINT_DOI` knows, as the five characters after "10.": a quick test.
_PREPRINT_REGISTRANTS = frozenset({"1101/", "21203", "2139/", "48550", "20944", "31234", "22541"})


def _preprint_doi(doi: str | None) -> bool:
    if not doi:
        return False
    doi = doi.lower()
    return doi[3:8] in _PREPRINT_REGISTRANTS and _PREPRINT_DOI.search(doi) is not None


@lru_cache(maxsize=20_000)
def _journal_kind(journal: str) -> Kind | None:
    """What a journal name says (a preprint server, a meeting), once per journal."""
    if _PREPRINT_JOURNAL.search(journal):
        return Kind.PREPRINT
    if _CONFERENCE_JOURNAL.search(journal):
        return Kind.CONFERENCE
    return None


@lru_cache(maxsize=2_000)
def _conference_type(types: str) -> bool:
    return _CONFERENCE_TYPE.search(types) is not None


def part_of(folded_title: str) -> str | None:
    """The part number of a folded title ("part ii" -> "2"), or None."""
    match = _PART.search(folded_title)
    if not match:
        return None
    word = match.group(1)
    return _PART_WORDS.get(word, word)
