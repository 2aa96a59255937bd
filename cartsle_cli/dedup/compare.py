"""Compare: the verdict on one candidate pair, with its reason.

Rules in order, each cheap before it is fuzzy:

1. Different kinds never merge: an erratum, retraction notice, comment or reply is not the article;
   a conference abstract or preprint with a close title and an agreeing first author is linked as
   another report of the study (verdict ``report``), unless it is the same printed item that one
   database did not mark as an abstract (:func:`same_printing`: year, volume and pages, or for
   meeting abstracts, which often have no pages, year, journal, volume and supplement with the
   very same title and first author).
2. Conflicting strong evidence keeps apart: different DOIs (sent to a person when everything else
   is identical: a wrong DOI in one database), different PMIDs, different part numbers, years two
   or more apart, non-overlapping plain page ranges in the same volume (unless the DOI is one).
3. A shared DOI or PMID merges only with a close title, or with the same authors, volume and pages
   (a translated title); conference abstracts printed in one supplement share its DOI but not
   their titles or pages, so a DOI alone never merges.
4. The same first author, year, volume and identical page range of two pages or more are one
   printed item whatever the titles say (:func:`same_locator`).
5. Otherwise titles are compared with rapidfuzz's normalised Indel similarity (``fuzz.ratio``) and
   the decision weighs first author, journal (ISSN, abbreviations, acronyms), volume, issue, first
   page and year. A journal name that does not match counts against a pair only when volume and
   first page do not both agree, an issue only when nothing else agrees. The same title and
   authors in another journal and volume is a co-publication or an abstract printed elsewhere:
   linked (``report``), not merged.

``same`` pairs are merged automatically, ``review`` pairs (the grey band) go to a person.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

from cartsle_cli.dedup.kinds import REPORT_KINDS, Kind
from cartsle_cli.dedup.normalise import Prepared, issues_agree, name_words, span

SAME = "same"
REVIEW = "review"
REPORT = "report"

# A shorter title that starts the longer one is a truncated copy only when this long (characters
# of the folded title without spaces): short titles ("Stroke") start many others.
MIN_TRUNCATED = 40
# A title shorter than this (folded, with spaces) says too little on its own.
MIN_SPECIFIC = 25
# Title similarity (rapidfuzz's normalised Indel ratio) for "the same title" (case, punctuation,
# a typo or two apart) and for "a close title" (a word changed, a subtitle reworded). Round
# numbers, not fitted; benchmarks/dedup_bench.py checks that fitting them to one labelled set
# would not help on the other.
SAME_TITLE = 0.95
CLOSE_TITLE = 0.85


class Verdict(NamedTuple):
    """A named tuple, not a frozen dataclass: a million-record review makes some 700,000, and a
    frozen dataclass's ``__init__`` (one ``object.__setattr__`` a field) takes twice as long."""

    verdict: str  # SAME, REVIEW or REPORT
    score: float  # 0..1, for ordering merges and the review queue
    reason: str


def compare(a: Prepared, b: Prepared) -> Verdict | None:
    """The verdict on a pair, or None when they are different records."""
    # A record without a title matches only by its identifiers.
    title = fuzz.ratio(a.title, b.title) / 100 if a.title and b.title else 0.0
    # Whether one title is cut short is asked only where it is read: many candidate pairs are
    # settled before it is read (a conflict, a shared identifier with a close title).
    if a.kind != b.kind:
        return _other_report(a, b, title, _truncated(a.title_key, b.title_key))
    conflict = hard_conflict(a, b)
    if conflict:
        if conflict == "different DOIs" and _identical_but_doi(a, b, title):
            # A wrong DOI in one database, or a journal's old and new DOI prefix: a person decides.
            return Verdict(REVIEW, round(title, 3), "different DOIs, everything else identical")
        return None
    same_id = (a.doi is not None and a.doi == b.doi) or (a.pmid is not None and a.pmid == b.pmid)
    if same_id:
        if title >= 0.9 or _truncated(a.title_key, b.title_key):
            return Verdict(SAME, 1.0, "same DOI or PMID and title")
        if _first_author(a, b) and a.volume and a.volume == b.volume and same_locator(a, b):
            # A title translated or rewritten by one database. Abstracts sharing a supplement's
            # DOI have other authors or other pages, though one author's may share a page or
            # overlap: only the identical range of two pages or more tells.
            return Verdict(SAME, 0.9, "same DOI or PMID, authors, volume and page range; titles differ")
        if title >= 0.7:
            return Verdict(REVIEW, title, "same DOI or PMID, titles differ")
        return None
    return _by_fields(a, b, title, _truncated(a.title_key, b.title_key))


def hard_conflict(a: Prepared, b: Prepared) -> str | None:
    """Why two records can never be one (also checked when clusters join), or None."""
    if a.kind != b.kind and not (_report_and_article(a, b) and same_printing(a, b)):
        return f"{a.kind.value} and {b.kind.value}"
    if a.doi and b.doi and a.doi != b.doi:
        return "different DOIs"
    if a.pmid and b.pmid and a.pmid != b.pmid:
        return "different PMIDs"
    if a.part != b.part:
        return "different parts"
    if a.year and b.year and abs(a.year - b.year) >= 2 and not (a.doi and a.doi == b.doi):
        return "years two or more apart"  # one DOI is one article, online early or in print
    if a.volume and a.volume == b.volume and pages_agree(a, b) is False and not (a.doi and a.doi == b.doi):
        # With one DOI, "8" against "101234" is a page count against an article number.
        return "different pages in the same volume"
    return None


def _by_fields(a: Prepared, b: Prepared, title: float, truncated: bool) -> Verdict | None:
    first_author = _first_author(a, b)
    if first_author is False and title < 0.97:
        return None
    journal = same_journal(a, b)
    volume = _equal(a.volume, b.volume)
    page = pages_agree(a, b)
    issue = issues_agree(a.issue, b.issue)
    year_gap = abs(a.year - b.year) if a.year and b.year else None
    if (
        a.title
        and b.title
        and first_author
        and year_gap == 0
        and volume
        and same_locator(a, b)
        and (journal is not False or title >= 0.5)
    ):
        # One printed item: a translated title, a section prefix, a reworded subtitle.
        score = round(0.6 * title + 0.4, 3)
        return Verdict(SAME, score, "same first author, year, volume and page range")
    support = sum(1 for agree in (journal, volume, page, issue) if agree)
    # Journal names come in many forms (ISO abbreviations, transliterations, translations): one
    # that does not match counts against only when volume and first page do not both agree.
    # Issue numbers are often wrong in exports: they count against only when nothing else agrees.
    exact_page = page and a.first_page is not None and a.first_page == b.first_page
    against = (
        sum(1 for agree in (volume, page) if agree is False)
        + (journal is False and not (volume and exact_page))
        + (issue is False and not (volume or page or journal))
    )
    numbers_differ = a.numbers != b.numbers and not truncated
    score = round(0.6 * max(title, 0.95 if truncated else 0) + 0.1 * support + 0.1 * bool(first_author), 3)
    if numbers_differ and title >= SAME_TITLE and first_author and year_gap == 0 and volume and page:
        return Verdict(SAME, score, "same authors, year, volume and pages; titles differ in a garbled number")
    if numbers_differ:
        return Verdict(REVIEW, score, "titles differ in a number") if title >= 0.9 and first_author else None
    certain = first_author is not False and against == 0 and year_gap in (0, None)
    if certain and min(len(a.title), len(b.title)) < MIN_SPECIFIC and not (volume and page):
        # "Editorial", "Introduction", "Letter to the editor": many in one journal and year.
        return (
            Verdict(REVIEW, score, "short title without volume and pages to tell")
            if title >= SAME_TITLE
            else None
        )
    if certain and title >= SAME_TITLE and (support >= 1 or (title >= 0.99 and first_author)):
        return Verdict(SAME, score, "same title, authors and source")
    if certain and first_author and title >= CLOSE_TITLE and page and (volume or journal):
        return Verdict(SAME, score, "close title, same authors, volume and pages")
    if truncated and first_author and year_gap == 0 and against == 0 and (page or (journal and volume)):
        return Verdict(SAME, score, "truncated title, same authors and year, same pages or journal volume")
    if certain and first_author and journal and volume and page and _subtitle_dropped(a.title, b.title):
        return Verdict(SAME, score, "title without its subtitle, same authors, journal, volume and pages")
    if year_gap == 1 and title >= 0.97 and first_author and volume and journal and page is not False:
        return Verdict(
            SAME, score, "same title, authors, journal and volume, year off by one (online and print)"
        )
    if title >= CLOSE_TITLE and first_author and journal is False and (volume is False or page is False):
        # Another journal, volume or pages: a co-publication or an abstract printed elsewhere.
        return Verdict(
            REPORT, score, "close title and authors in another journal: possibly reports of one study"
        )
    if title >= CLOSE_TITLE and (first_author or support >= 2):
        return Verdict(REVIEW, score, _review_reason(year_gap, against, truncated))
    if truncated and (first_author or support >= 2):
        return Verdict(REVIEW, score, "truncated title")
    if title >= 0.6 and first_author and page and volume and year_gap == 0:
        return Verdict(REVIEW, score, "same authors, volume and pages, titles differ")
    return None


def _other_report(a: Prepared, b: Prepared, ratio: float, truncated: bool) -> Verdict | None:
    if not _report_and_article(a, b):
        return None  # a notice about the article: a different publication
    first_author = _first_author(a, b)
    title = max(ratio, 1.0 if truncated else 0.0)
    if title < CLOSE_TITLE or first_author is False:
        return None
    printing = same_printing(a, b)
    if printing == WITHOUT_PAGES and (ratio < SAME_TITLE or not first_author):
        if truncated and first_author and not hard_conflict(a, b):
            # One title cut short in the same meeting supplement: one author's two abstracts there
            # may start alike, so a person decides, as for a truncated title of one kind.
            return Verdict(REVIEW, round(title, 3), "truncated title, same meeting supplement, no pages")
        printing = None  # without pages, only the very same title (not a start) and first author tell
    if printing and not hard_conflict(a, b):
        # One database did not mark the abstract as one: the same printing, not a later article.
        return Verdict(
            SAME, round(title, 3), "same title, year, volume and pages; one not marked as an abstract"
        )
    names = " and ".join(sorted(kind.value for kind in (a.kind, b.kind)))
    return Verdict(REPORT, round(title, 3), f"{names}: possibly reports of one study")


def _report_and_article(a: Prepared, b: Prepared) -> bool:
    kinds = {a.kind, b.kind}
    return bool(kinds & REPORT_KINDS) and kinds <= REPORT_KINDS | {Kind.ARTICLE}


WITH_PAGES = "same year, volume and pages"
WITHOUT_PAGES = "same year, journal, volume and issue, no pages"


def same_printing(a: Prepared, b: Prepared) -> str | None:
    """Whether two records are one printed item, whatever type each database gave it: same year,
    volume and pages, or (meeting abstracts often have no pages, or only an abstract number, in
    one database or both) the same year, journal and volume, no other issue and no pages on one
    side at least. Which of the two, or None."""
    if a.year != b.year or a.volume is None or a.volume != b.volume:
        return None
    pages = pages_agree(a, b)
    if pages:
        return WITH_PAGES
    if (
        pages is None
        and not (a.first_page and b.first_page)
        and issues_agree(a.issue, b.issue) is not False  # one database may give no issue
        and same_journal(a, b)
    ):
        return WITHOUT_PAGES
    return None


def same_locator(a: Prepared, b: Prepared) -> bool:
    """The identical plain page range of two pages or more (a single page is not enough: one
    author's supplement abstracts can share a page)."""
    pages = span(a.page_span)
    return pages is not None and a.page_span == b.page_span and pages[1] > pages[0]


def _identical_but_doi(a: Prepared, b: Prepared, title: float) -> bool:
    """Everything but the DOI the same: title, first author, year, volume, first page, journal."""
    return (
        title >= 0.97
        and a.kind == b.kind
        and a.part == b.part
        and bool(_first_author(a, b))
        and a.year is not None
        and a.year == b.year
        and a.volume is not None
        and a.volume == b.volume
        and a.first_page is not None
        and a.first_page == b.first_page
        and same_journal(a, b) is not False
    )


def same_journal(a: Prepared, b: Prepared) -> bool | None:
    """Whether two records are in one journal: by ISSN when they share one (print and electronic
    ISSNs differ, so two different ISSNs prove nothing), else by name."""
    if a.issns and b.issns and not set(a.issns).isdisjoint(b.issns):
        return True
    return _journals_agree(a.journal, b.journal) or _journals_agree(a.journal_full, b.journal_full)


def _review_reason(year_gap: int | None, against: int, truncated: bool) -> str:
    if year_gap == 1:
        return "close title, year off by one"
    if against:
        return "close title, volume, issue, pages or journal differ"
    if truncated:
        return "truncated title"
    return "close title"


def _subtitle_dropped(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 15 and long.startswith(short + " ")


def _truncated(a: str, b: str) -> bool:
    """Whether the shorter title is the start of the longer one, one typo allowed."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < MIN_TRUNCATED or len(short) == len(long):
        return False
    return long.startswith(short) or fuzz.ratio(short, long[: len(short)], score_cutoff=95) >= 95


def _first_author(a: Prepared, b: Prepared) -> bool | None:
    """Whether the authors agree: the same first author (allowing a typo or one part of a double
    family name), or, when one database swapped a name's order or listed a group first, most of
    the other authors the same. None when either has no authors."""
    if not a.authors or not b.authors:
        return None
    if _same_name(a.authors[0], b.authors[0]):
        return True
    if a.authors[0] in name_words(b.first_author) or b.authors[0] in name_words(a.first_author):
        return True  # "Wu, Ching-yi" written "Ching-yi, Wu"
    rest_a, rest_b = set(a.authors[1:10]), set(b.authors[1:10])
    shared = len(rest_a & rest_b)
    return shared >= 2 and shared >= 0.5 * min(len(rest_a), len(rest_b))


def _same_name(a: str, b: str) -> bool:
    if a == b or fuzz.ratio(a, b) >= 85:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and (long.endswith(short) or long.startswith(short))


def pages_agree(a: Prepared, b: Prepared) -> bool | None:
    """Same first page, or overlapping plain page ranges; False only when both are plain numeric
    ranges that do not overlap (exports garble supplement pages and e-locators: "Suppl-29", "t-20"),
    None when that cannot be told."""
    if a.first_page and a.first_page == b.first_page:
        return True
    if a.page_span is not None and b.page_span is not None:
        (first_a, last_a), (first_b, last_b) = span(a.page_span), span(b.page_span)
        if first_a <= last_b and first_b <= last_a:
            return True
        if str(last_a).endswith(str(last_b)) or str(last_b).endswith(str(last_a)):
            return None  # "125-128" garbled to "2-8"
        return False
    return None


def _equal(a: str | None, b: str | None) -> bool | None:
    if a is None or b is None:
        return None
    return a == b


def journals_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool | None:
    """Whether two folded journal names are the same journal, one maybe abbreviated
    ("j clin oncol" and "journal clinical oncology"); None when one is missing."""
    if not a or not b:
        return None
    if a == b:
        return True
    short, long = (a, b) if sum(map(len, a)) <= sum(map(len, b)) else (b, a)
    position = 0
    for word in short:
        while position < len(long) and not _abbreviates(word, long[position]):
            position += 1
        if position == len(long):
            break
        position += 1
    else:
        return True
    if "".join(long).startswith("".join(short)):
        return True  # "zhongguo zhenjiu" and "zhongguo zhen jiu"
    if _acronym(a[0], b) or _acronym(b[0], a):
        return True
    return fuzz.ratio(" ".join(a), " ".join(b)) >= 90


# :func:`journals_agree` once per pair of journal names: a review holds a few thousand journals,
# and a million records' candidate pairs ask about the same pairs of them again and again.
_journals_agree = lru_cache(maxsize=100_000)(journals_agree)


def _abbreviates(short: str, word: str) -> bool:
    """Whether ``short`` abbreviates ``word`` as ISO 4 does: the same first letter, then letters of
    the word in order ("jpn" for "japanese", "gynecol" for "gynecology", "clin" for "clinical")."""
    if word.startswith(short):
        return True
    if len(short) < 3 or short[0] != word[0] or len(short) >= len(word):
        return False  # "ca" is an acronym, not "clinical" abbreviated
    position = 1
    for letter in short[1:]:
        position = word.find(letter, position) + 1
        if position == 0:
            return False
    return True


def _acronym(word: str, words: tuple[str, ...]) -> bool:
    """ "bmj" for "british medical journal", "bjog" for "british journal obstetrics gynaecology"."""
    return 3 <= len(word) <= 6 and len(words) >= 3 and "".join(w[0] for w in words).startswith(word)
