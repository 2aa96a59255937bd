"""Normalise: each record reduced to the keys the matcher compares.

Titles are folded to ASCII with anyascii, lower-cased, stripped of HTML entities and tags, of the
square brackets Embase and MEDLINE put around translated titles and of trailing language tags
("[Chinese]"), so that the same title spelled by two databases gives the same string.

Export faults that would otherwise reject a pair silently are read as missing, not as evidence: a
page range whose end is below its start ("2297-2108"), a volume fragment with an unmatched
bracket ("1)"). Authors glued together without separators ("Chen R.Wang J.Li Q.") are split, a
family name cut in two at a separator is joined again, and a study group written as an author is
set aside so that the people are compared. Issues are kept as their numbers, so that a supplement
written "2", "S2", "Suppl 2" or "22 Suppl. 3" can be matched.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, overload

from anyascii import anyascii

from cartsle_cli.dedup.kinds import Kind, kind_of, part_of
from cartsle_cli.formats.normalise import issns_in
from cartsle_cli.store.json_columns import load_json

_TAGS = re.compile(r"</?[a-z][a-z0-9]*[^>]*>", re.IGNORECASE)
# "[Chinese]", "[Review] [33 refs]", "[Erratum appears in ...]", "(author's transl)" at the end.
_TRAILING_BRACKET = re.compile(r"\s*\.?\s*(\[[^\[\]]*\]|\([^()]{1,40}\))\s*\.?\s*$")
# Every ASCII character but letters and digits becomes a space (faster than a regex split); a
# table of bytes, since folded text is ASCII (str.translate with a dict costs twice as much).
_PUNCTUATION_TO_SPACE = bytes(code if chr(code).isalnum() else 32 for code in range(128)) + bytes(
    range(128, 256)
)
_DIGITS = re.compile(r"\d+")
# anyascii turns Greek letters into Latin ones ("a" for alpha); databases that spell them out
# write "alpha", so spell them out first.
_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "τ": "tau",
    "ω": "omega",
    "Α": "alpha",
    "Β": "beta",
    "Γ": "gamma",
    "Δ": "delta",
    "Κ": "kappa",
}
_GREEK_PATTERN = re.compile("|".join(_GREEK))
_TITLE_PREFIXES = re.compile(r"^(retracted( article)?|withdrawn)\s*[:.]\s*", re.IGNORECASE)
_JOURNAL_STOPWORDS = {"the", "of", "and", "for", "in", "on", "de", "la", "und", "fur", "a"}
MAX_AUTHORS = 12
_NAME_PARTICLES = {
    "van",
    "der",
    "den",
    "de",
    "del",
    "della",
    "di",
    "da",
    "von",
    "le",
    "la",
    "du",
    "dos",
    "das",
}
_PAGE = re.compile(r"[a-z]*\d+[a-z]*", re.IGNORECASE)
_PAGE_RANGE = re.compile(r"^\s*(\d+)\s*(?:[-\u2013]\s*(\d+))?\s*$")
# "Suppl 2", "Supplement 2", "S2", "2 Suppl", "Suppl. 1": the number of a supplement.
_SUPPLEMENT = re.compile(r"\b(suppl?e?m?e?n?t?\.?|sup\.?|s)\s*(\d+)|(\d+)\s*suppl|\bsuppl", re.IGNORECASE)
# A study group, consortium or committee written as an author: not a person's name.
_GROUP = re.compile(
    r"\b(group|groups|investigators|collaborat\w*|consortium|committee|network|trialists|"
    r"working party|task force|society|association|writing|study|trial)\b",
    re.IGNORECASE,
)
# "Chen R.Wang J.Li Q.": authors glued together without separators, each "Family I." or "Family IJ."
_ONE_GLUED = r"([A-Z][A-Za-z'\-]+(?: [A-Z][a-z'\-]+)*),? ([A-Z]\.(?:-?[A-Z]\.)*)"
_GLUED_AUTHOR = re.compile(_ONE_GLUED)
_GLUED_LIST = re.compile(rf"(?:{_ONE_GLUED}\s*){{2,}}")


@dataclass(slots=True)
class Prepared:
    """The matching view of one record: every text folded, every field reduced to its key."""

    id: int
    title: str  # folded title, words joined by single spaces
    numbers: str  # the digits of the title, in order ("part 2", "2019 report")
    authors: tuple[str, ...]  # folded family names, in order
    first_author: str | None  # the first person's whole name as given (:func:`name_words`)
    year: int | None
    journal: tuple[str, ...]  # folded journal words without stop words, subtitles or brackets
    journal_full: tuple[str, ...]  # the same with brackets and subtitles ("[Hong Kong medical journal]")
    volume: str | None
    issue: tuple[str, ...]  # the numbers of the issue (:func:`issue_key`)
    first_page: str | None
    page_span: int | None  # plain numeric pages only, last page expanded ("288-97"): :func:`span`
    issns: tuple[str, ...]  # the ISSNs the record carries ("03064530"), print and electronic
    group_author: bool  # a study group or consortium is among the authors
    doi: str | None
    pmid: str | None
    kind: Kind
    part: str | None

    @property
    def title_key(self) -> str:
        """The folded title without spaces (computed when needed: a million records are kept)."""
        return self.title.replace(" ", "")


def fold(text: str | None) -> str:
    """Text folded to ASCII, lower case, words of letters and digits joined by single spaces."""
    if not text:
        return ""
    if not text.isascii():  # most titles are ASCII already: skip the slower folding
        text = anyascii(_GREEK_PATTERN.sub(lambda match: f" {_GREEK[match.group(0)]} ", text))
    folded = text.encode("ascii").lower().replace(b"&", b" and ").translate(_PUNCTUATION_TO_SPACE)
    return " ".join(folded.decode("ascii").split())


def clean_title(title: str | None) -> str:
    """A title without HTML, translation brackets, trailing language tags or "RETRACTED:"."""
    if not title:
        return ""
    text = html.unescape(html.unescape(title)) if "&" in title else title
    text = _TAGS.sub(" ", text).strip() if "<" in text else text.strip()
    if text[:1] in "RrWw":
        text = _TITLE_PREFIXES.sub("", text)
    if text.startswith("[") and text.rstrip(".").endswith("]"):
        text = text.rstrip(".")[1:-1]  # MEDLINE/Embase: [translated title]
    if text.rstrip(" .")[-1:] not in ")]":
        return text  # most titles: nothing in brackets at the end
    while True:
        stripped = _TRAILING_BRACKET.sub("", text)
        if stripped == text or len(stripped) < 20:  # keep short titles such as "Reply (2)" whole
            return text
        text = stripped


def family_name(author: str) -> str:
    """Folded family name of "Family, Given" (or of "Given Family" when there is no comma)."""
    if "," in author:
        return _family_key(author.split(",", 1)[0])
    return _family_of_whole_name(author)


@lru_cache(maxsize=200_000)
def _family_of_whole_name(author: str) -> str:
    words = author.split()
    family = (
        words[0]
        if len(words) > 1 and all(len(w.strip(".")) <= 2 for w in words[1:])
        else (words[-1] if words else "")
    )
    return _family_key(family)


@lru_cache(maxsize=200_000)
def _family_key(family: str) -> str:
    words = fold(family).split()
    # "van der Graaf" is "Graaf" in some databases and "Van Graaf" in others.
    core = [word for word in words if word not in _NAME_PARTICLES] or words
    return sys.intern("".join(core))


_CONFERENCE_SUFFIX = re.compile(r"\.?\s*\b(conference|congress|meeting)\s*:.*$", re.IGNORECASE)
_JOURNAL_EXTRAS = re.compile(r"\s*(\([^()]*\)|\[[^\[\]]*\]|[:;=].*$)")


@lru_cache(maxsize=50_000)
def journal_words(journal: str | None, *, whole: bool = False) -> tuple[str, ...]:
    """The journal's folded words without stop words, bracketed parts ("(00392499)", "[Chinese
    acupuncture]") or subtitles after ":", ";" or "=" ("Stroke; a journal of cerebral circulation")."""
    if not whole and journal:
        journal = _CONFERENCE_SUFFIX.sub("", journal)  # "Circulation. Conference: AHA 2019" is Circulation
    main = journal if whole else _JOURNAL_EXTRAS.sub("", journal or "").strip() or journal
    return tuple(word for word in fold(main).split() if word not in _JOURNAL_STOPWORDS)


def first_page(pages: str | None) -> str | None:
    """The first page, lower case: "288-97" -> "288", "S600-S601" -> "s600", "e1234" -> "e1234".
    A numeric range whose end is below its start ("2297-2108") is garbled: its first page is unknown."""
    return _page_parts(pages)[0] if pages else None


def page_range(pages: str | None) -> tuple[int, int] | None:
    """First and last page of a plain numeric range, the last expanded: "288-97" -> (288, 297).
    None for anything else ("S417-S429", "e12724", "Suppl-29"), which is compared by first page only."""
    return _page_parts(pages)[1] if pages else None


def _page_parts(pages: str) -> tuple[str | None, tuple[int, int] | None]:
    """:func:`first_page` and :func:`page_range` of a pages field, from one reading of it."""
    match = _PAGE_RANGE.match(pages)
    if match is None:
        token = _PAGE.search(pages)
        return (token.group(0).lower().lstrip("0") or None) if token else None, None
    first, last = match.group(1), match.group(2)
    if last is None:
        return first.lstrip("0") or None, (int(first), int(first))
    if len(last) >= len(first) and int(last) < int(first):
        return None, None  # "2297-2108": garbled, neither the first page nor the range is known
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    start, end = int(first), int(last)
    return first.lstrip("0") or None, ((start, end) if end >= start else None)


def short_value(value: Any) -> str | None:
    """The first letters-and-digits token of a volume or issue: "108 (Pt 2)" -> "108".
    A fragment with an unmatched bracket ("1)", the end of "12(1)" cut by an export) is unknown."""
    if value is None:
        return None
    text = str(value)
    if text.isdigit():
        return text.lstrip("0") or None  # most volumes and issues: just a number
    if text.count("(") != text.count(")"):
        return None
    match = _PAGE.search(text)
    return match.group(0).lower().lstrip("0") or None if match else None


@lru_cache(maxsize=20_000)
def issue_key(value: Any) -> tuple[str, ...]:
    """The numbers of an issue, supplements written alike: "2", "S2", "Suppl 2", "2 Suppl" ->
    ("2",); "22 SUPPL. 3" (issue and supplement) -> ("22", "3"); "Suppl" -> ("suppl",). Two issues
    agree when they share a number (:func:`issues_agree`). One tuple for all records alike."""
    if value is None:
        return ()
    text = str(value)
    if text.isdigit():
        return (text.lstrip("0") or "0",)
    numbers = tuple(dict.fromkeys(number.lstrip("0") or "0" for number in _DIGITS.findall(text)))
    if numbers:
        return numbers
    return ("suppl",) if _SUPPLEMENT.search(text) else ()  # "Spring", "Special issue": nothing to compare


def issues_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool | None:
    """Whether two issues (:func:`issue_key`) share a number; None when either is missing."""
    if not a or not b:
        return None
    return not set(a).isdisjoint(b)


def split_glued(authors: list[str]) -> list[str]:
    """Authors as people: a string of several glued names ("Chen R.Wang J.Li Q.") split, and a
    family name cut in two at a ";" ("Garcia" then "Lopez, M") joined again ("Garcia Lopez, M")."""
    people: list[str] = []
    for author in authors:
        if author.count(".") >= 2 and _GLUED_LIST.fullmatch(author.strip()):
            people.extend(f"{family}, {initials}" for family, initials in _GLUED_AUTHOR.findall(author))
        elif people and _bare_family(people[-1]) and "," in author:
            people[-1] = f"{people[-1]} {author}"
        else:
            people.append(author)
    return people


def _bare_family(author: str) -> bool:
    """A single word with neither comma nor initials: half of a family name cut at a separator."""
    return "," not in author and " " not in author.strip() and len(author.strip()) > 2 and "." not in author


def is_group(author: str) -> bool:
    """Whether an author is a study group, consortium or committee rather than a person."""
    return _GROUP.search(author) is not None


# The words of :data:`_GROUP` as plain text: an ASCII author list holding none of them, in lower
# case, holds no group, and that is told several times faster than by the case-blind regex.
_GROUP_WORDS = (
    "group",
    "investigators",
    "collaborat",
    "consortium",
    "committee",
    "network",
    "trialists",
    "working party",
    "task force",
    "society",
    "association",
    "writing",
    "study",
    "trial",
)


def _may_hold_group(authors: str) -> bool:
    """Whether a group may be among the authors (the JSON text of the list): a quick test before
    :data:`_GROUP` (a non-ASCII text, which case-blind matching folds otherwise, goes to it)."""
    if authors.isascii():
        lowered = authors.lower()
        for word in _GROUP_WORDS:
            if word in lowered:
                return _GROUP.search(authors) is not None
        return False
    return _GROUP.search(authors) is not None


# Checked on the JSON text of the author list, once per record, before any name is looked at:
# a name glued to the next ("R.Wang"), a bare one-word piece ("Garcia"), a group.
_GLUED_HINT = re.compile(r'[a-z]\.[A-Z]|\.[A-Z][a-z]|"[^",. ]{3,}"')
# Its parts that begin with one character, which the regex engine finds quickly: the hint holds
# when a bare piece is there, or when a dot before a capital is and the whole hint holds.
_BARE_HINT = re.compile(r'"[^",. ]{3,}"')
_DOT_CAPITAL = re.compile(r"\.[A-Z]")


def _glued_hint(authors: str) -> bool:
    """Whether :data:`_GLUED_HINT` is in the text, told quickly."""
    return _BARE_HINT.search(authors) is not None or (
        _DOT_CAPITAL.search(authors) is not None and _GLUED_HINT.search(authors) is not None
    )


def _shared(value: str | None) -> str | None:
    """One string object for all the records with this volume, issue or page (a million records
    hold only a few thousand different ones)."""
    return sys.intern(value) if value is not None else None


# The columns :func:`prepare_values` takes, in order (``issn``: the record's ISSNs, ``records.issn``).
COLUMNS = (
    "id",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "publication_type",
    "issn",
)


def prepare(row: Mapping[str, Any]) -> Prepared:
    """The matching view of one ``active_records`` row (a mapping with the :data:`COLUMNS`;
    ``issn`` may be missing)."""
    keys = row.keys()
    return prepare_values(tuple(row[name] if name in keys else None for name in COLUMNS))


def prepare_values(values: tuple) -> Prepared:
    """The matching view of one record given as the values of :data:`COLUMNS`."""
    return prepare_rows([values])[0]


def prepare_rows(rows: Sequence[tuple]) -> list[Prepared]:
    """The matching views of records given as the values of :data:`COLUMNS` (plain rows: read by
    position, several times faster than ``sqlite3.Row`` by name)."""
    return list(map(Prepared, *prepared_columns(rows)))


def prepared_columns(rows: Sequence[tuple]) -> tuple[list[Any], ...]:
    """The fields of :func:`prepare_rows`'s records, a list per field of :class:`Prepared`, in
    order (lists of plain values cost a worker process little to send, :class:`Prepared` objects
    twice the normalising). A field whose values repeat (year, journal, volume, issue, pages,
    ISSN) is normalised once per different value of the rows, not once per record."""
    if not rows:
        return tuple([] for _ in _FIELDS)
    ids, raw_titles, authors_raw, years, journals, volumes, issues, pages, dois, pmids, types, issns = zip(
        *rows
    )
    titles = [fold(clean_title(title)) for title in raw_titles]
    people, groups = zip(*map(_people, authors_raw))
    page_keys = _each(pages, _page_keys)
    return (
        list(ids),
        titles,
        ["".join(_DIGITS.findall(title)) if _HAS_DIGIT.search(title) else "" for title in titles],
        list(map(_family_names, people)),
        [names[0] if names else None for names in people],
        _each(years, _year),
        _each(journals, journal_words),
        _each(journals, _whole_journal_words),
        _each(volumes, _volume_key),
        _each(issues, issue_key),
        [first for first, _ in page_keys],
        [packed for _, packed in page_keys],
        _each(issns, _issns_key),
        list(groups),
        [(doi or "").strip().lower() or None for doi in dois],
        [(str(pmid).strip() or None) if pmid else None for pmid in pmids],
        list(map(kind_of, raw_titles, types, journals, dois, issues)),
        [part_of(fold(title)) if title and "part" in title.lower() else None for title in raw_titles],
    )


_FIELDS = Prepared.__dataclass_fields__


def _each(values: Sequence[Any], key: Any) -> list[Any]:
    """``key`` of each value, computed once per different value."""
    keys = {value: key(value) for value in set(values)}
    return list(map(keys.__getitem__, values))


def _people(authors_raw: Any) -> tuple[list[str], bool]:
    """The people among the authors (the JSON text of the list, or the list), and whether a group
    was among them."""
    if isinstance(authors_raw, str):
        authors = load_json(authors_raw)
    else:
        authors, authors_raw = list(authors_raw or []), json.dumps(list(authors_raw or []))
    if _glued_hint(authors_raw):
        authors = split_glued(authors)
    # A group written as an author ("BASILAR Trial Investigators", or cut at a comma as if it were
    # "Family, Given": "Group, ABC Study") is not a person. One search of the whole list first.
    groups = (
        [author for author in authors[:MAX_AUTHORS] if is_group(author)]
        if _may_hold_group(authors_raw)
        else []
    )
    return ([author for author in authors if author not in groups] if groups else authors), bool(groups)


def _family_names(people: list[str]) -> tuple[str, ...]:
    """The folded family names of the first :data:`MAX_AUTHORS` people (only they are compared:
    long consortium lists would cost without helping); :func:`family_name` written out, since a
    million records hold some five million names (one partition finds and cuts at the comma)."""
    names: list[str] = []
    for author in people[:MAX_AUTHORS]:
        family, comma, _ = author.partition(",")
        name = _family_key(family) if comma else _family_of_whole_name(author)
        if name:
            names.append(name)
    return tuple(names)


def _year(year: Any) -> Any:
    return _YEARS.setdefault(year, year)


def _whole_journal_words(journal: str | None) -> tuple[str, ...]:
    return journal_words(journal, whole=True)


def _volume_key(volume: Any) -> str | None:
    return _shared(short_value(volume))


def _issns_key(issn: str | None) -> tuple[str, ...]:
    return issns_in(issn) if issn else ()


_NO_PAGES = (None, None)


@lru_cache(maxsize=100_000)
def _page_keys(pages: str | None) -> tuple[str | None, int | None]:
    """First page and packed range of a pages field, once per different field (page ranges repeat:
    one supplement's abstracts, one journal's articles)."""
    if not pages:
        return _NO_PAGES
    first, plain = _page_parts(pages)
    return _shared(first), _packed(plain)


_HAS_DIGIT = re.compile(r"\d")
_YEARS: dict[int | None, int | None] = {}  # one int object per year for a million records
_SPAN_SHIFT = 32


def _packed(pages: tuple[int, int] | None) -> int | None:
    """A page range as one number (32 bytes, where a tuple of two numbers takes over 100)."""
    return None if pages is None else (pages[0] << _SPAN_SHIFT) | pages[1]


@overload
def span(packed: int) -> tuple[int, int]: ...
@overload
def span(packed: None) -> None: ...
@overload
def span(packed: int | None) -> tuple[int, int] | None: ...


def span(packed: int | None) -> tuple[int, int] | None:
    """First and last page of a record's ``page_span``."""
    return None if packed is None else (packed >> _SPAN_SHIFT, packed & ((1 << _SPAN_SHIFT) - 1))


@lru_cache(maxsize=200_000)
def name_words(author: str | None) -> tuple[str, ...]:
    """Every folded word of an author's whole name. Asked by the comparison only when two first
    authors' family names differ (a name written in the other order), so not made for every record."""
    return tuple(fold(author).split())
