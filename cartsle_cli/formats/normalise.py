"""Field normalisers shared by every reader: DOI, PMID, year, pages, whitespace."""

from __future__ import annotations

import re
from urllib.parse import unquote

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")


def clean_doi(value: str | None) -> str | None:
    """A DOI in lower case without URL, ``doi:`` prefix, ``[doi]`` suffix or URL encoding.

    >>> clean_doi("https://dx.doi.org/10.1016/J.JAUT.2020.102%2F1 [doi]")
    '10.1016/j.jaut.2020.102/1'
    """
    if not value:
        return None
    text = unquote(value.strip())
    match = _DOI.search(text)
    if not match:
        return None
    doi = match.group(0).rstrip(".,;)]")
    return doi.lower()


def clean_pmid(value: str | None) -> str | None:
    """The digits of a PMID written as ``38407106``, ``PUBMED 38407106`` or ``MEDLINE:38407106``."""
    if not value:
        return None
    match = re.search(r"\d{1,9}", value)
    return match.group(0).lstrip("0") or None if match else None


def year_of(value: str | None) -> int | None:
    """The first plausible four-digit year in a date such as ``2017 Nov 15`` or ``2020//``."""
    if not value:
        return None
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def squash(value: str | None) -> str | None:
    """Collapse runs of white space (NBSP and thin spaces included); empty becomes None."""
    if value is None:
        return None
    text = " ".join(value.split())
    return text or None
