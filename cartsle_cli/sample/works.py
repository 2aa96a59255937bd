"""Invented publications ("works") and their copies in the databases that return them.

A :class:`Work` is one publication; a :class:`Copy` is one record of it in one export file, with
the differences a database brings (planted ``variants``). Ground truth: copies of one work are
duplicates; different works never are, however alike (the traps).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cartsle_cli.sample.draw import Draw
from cartsle_cli.sample.vocabulary import (
    BACKGROUND,
    CONCLUSIONS,
    FAMILY_NAMES,
    GIVEN_NAMES,
    JOURNALS,
    METHODS,
    RESULTS,
    SLOTS,
    TOPICS,
    Journal,
)

DATABASES = ("pubmed", "embase", "scopus", "central")


@dataclass
class Work:
    """One publication as its publisher printed it."""

    key: str
    kind: str  # article, review, editorial, letter, conference, erratum, registry
    title: str
    abstract: str | None
    authors: list[tuple[str, str]]  # (family, given)
    year: int
    month: int
    journal: Journal | None
    volume: str | None = None
    issue: str | None = None
    first_page: int | None = None
    last_page: int | None = None
    doi: str | None = None
    pmid: str | None = None
    language: str = "English"
    original_title: str | None = None
    keywords: tuple[str, ...] = ()
    conference: str | None = None  # meeting name for conference abstracts
    nct: str | None = None  # registry number for trial registry records
    study: str | None = None  # the included study this work reports, if any
    trap: str | None = None  # why a look-alike work is NOT a duplicate (for the truth file)
    ids: dict[str, str] = field(default_factory=dict)  # database -> its own accession id


@dataclass
class Copy:
    """One record of a work in one export file."""

    work: Work
    database: str
    variants: frozenset[str] = frozenset()
    repeat: int = 0  # 0: the database's first copy; 1: a second record of the same work


def people(draw: Draw, low: int = 2, high: int = 9) -> list[tuple[str, str]]:
    return [(draw.pick(FAMILY_NAMES), draw.pick(GIVEN_NAMES)) for _ in range(draw.between(low, high))]


def fill(template: str, draw: Draw) -> str:
    """A title template with every {slot} filled from :data:`SLOTS`."""
    text = template
    while "{" in text:
        start = text.index("{")
        name = text[start + 1 : text.index("}", start)]
        text = text.replace("{" + name + "}", draw.pick(SLOTS[name]), 1)
    return text[0].upper() + text[1:]


def abstract_for(title: str, draw: Draw, *, sentences: int = 5) -> str:
    """A short structured abstract assembled from sentence templates, numbers drawn at random."""
    topic = title.split(":")[0].lower()
    numbers = {
        "topic": topic,
        "n": draw.between(12, 480),
        "centres": draw.between(2, 24),
        "months": draw.between(3, 36),
        "pct": draw.between(8, 92),
        "pct2": draw.between(5, 60),
        "p": f"0.0{draw.between(1, 4)}",
    }
    parts = [
        "BACKGROUND: " + draw.pick(BACKGROUND),
        "METHODS: " + draw.pick(METHODS),
        "RESULTS: " + " ".join(draw.sample(RESULTS, max(1, sentences - 3))),
        "CONCLUSIONS: " + draw.pick(CONCLUSIONS),
    ]
    text = " ".join(parts).format(**numbers)
    return text[0].upper() + text[1:]


def journal_for(field_name: str, draw: Draw) -> Journal:
    matching = [j for j in JOURNALS if j.field == field_name]
    return draw.pick(matching) if draw.chance(0.8) else draw.pick(JOURNALS)


class Numbers:
    """Identifiers outside every range the real databases have issued, handed out in order."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.count

    def pmid(self) -> str:
        return str(90_100_000 + 37 * self.next())

    def doi(self, journal: Journal | None, year: int) -> str:
        code = journal.code if journal else "conf"
        return f"10.5555/{code}.{year}.{10_000 + 7 * self.next()}"


def topical_work(
    key: str, draw: Draw, numbers: Numbers, *, kind: str = "article", year: int | None = None
) -> Work:
    """A background work on one of the review's neighbouring topics."""
    families = list(TOPICS)
    name = draw.weighted(families, [TOPICS[f][0] for f in families])
    _, field_name, templates, keywords = TOPICS[name]
    if name == "review":
        kind = "review"
    title = fill(draw.pick(templates), draw)
    if kind == "editorial":
        title = (
            title.split(":")[0]
            + ": "
            + draw.pick(("time for a change?", "a new era", "where do we stand?", "hope and hype"))
        )
    journal = journal_for(field_name, draw)
    year = year or draw.between(2015, 2025)
    first = draw.between(1, 2400)
    work = Work(
        key=key,
        kind=kind,
        title=title,
        abstract=None if kind in ("editorial", "letter") or draw.chance(0.05) else abstract_for(title, draw),
        authors=people(draw, 1, 3) if kind in ("editorial", "letter") else people(draw),
        year=year,
        month=draw.between(1, 12),
        journal=journal,
        volume=str(year - 1940 + draw.between(0, 30)),
        issue=str(draw.between(1, 12)),
        first_page=first,
        last_page=first + (draw.between(1, 3) if kind in ("editorial", "letter") else draw.between(5, 14)),
        keywords=keywords,
    )
    work.doi = numbers.doi(journal, year) if draw.chance(0.95) else None
    return work


def conference_abstract(
    key: str, draw: Draw, numbers: Numbers, *, title: str | None = None, year: int | None = None
) -> Work:
    """An abstract printed in a journal supplement: no PMID, no pages, often no DOI of its own."""
    year = year or draw.between(2016, 2025)
    journal = draw.pick(
        [j for j in JOURNALS if j.code in ("ard", "art", "blood", "lsm", "jco", "tct", "haema")]
    )
    meeting = {
        "ard": "EULAR European Congress of Rheumatology",
        "art": "ACR Convergence",
        "lsm": "LUPUS & KCR Congress",
        "blood": "ASH Annual Meeting",
        "jco": "ASCO Annual Meeting",
        "tct": "Tandem Meetings",
        "haema": "EHA Congress",
    }[journal.code]
    title = title or fill(draw.pick(TOPICS[draw.pick(list(TOPICS))][2]), draw)
    return Work(
        key=key,
        kind="conference",
        title=title,
        abstract=abstract_for(title, draw, sentences=4),
        authors=people(draw, 3, 12),
        year=year,
        month=draw.between(5, 11),
        journal=journal,
        volume=str(year - 1940),
        issue="Supplement " + str(draw.between(1, 2)),
        first_page=draw.between(100, 2400),
        conference=f"{meeting} {year}",
        keywords=("conference abstract",),
    )
