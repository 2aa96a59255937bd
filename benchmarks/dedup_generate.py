"""Generated records with planted duplicates and traps, for benchmarks/dedup_bench.py.

Nothing here is copied from a labelled set: words, names and journals are random syllables, and
each copy or trap imitates one export habit or one kind of publication a reviewer knows.
"""

from __future__ import annotations

import csv
import random
import string
from pathlib import Path

from cartsle_cli.formats.record import Record

# The traps: records that look like another but are a different publication (their own cluster).
TRAPS = (
    "erratum",  # "Erratum: <title>", same journal and volume
    "update",  # the same title two or more years later (an updated review, an annual report)
    "reply",  # "Reply to: <title>" by the first article's authors, on the same pages
    "two meetings",  # the same abstract printed for two meetings (other journal, volume, year)
    "co-publication",  # the same title and authors in another journal and volume
    "later article",  # a meeting abstract's later full article
    "supplement neighbour",  # one author's other abstract in the same supplement, sharing its DOI
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


class Vocabulary:
    def __init__(self, rng: random.Random) -> None:
        self.words = [_word(rng) for _ in range(20_000)]
        self.surnames = [_word(rng).capitalize() for _ in range(30_000)]
        self.journals = [
            " ".join(rng.choice(self.words).capitalize() for _ in range(rng.randint(2, 4)))
            for _ in range(3_000)
        ]


def generate(count: int, seed: int = 4, trap_rate: float = 0.04) -> tuple[list[Record], list[int], list[str]]:
    """``count`` records, about a quarter of them copies of another with the differences exports
    show, and a share ``trap_rate`` of traps; returns the records, each one's true cluster and
    each one's role ("original", "copy" or the trap's name)."""
    rng = random.Random(seed)
    vocabulary = Vocabulary(rng)
    records: list[Record] = []
    truth: list[int] = []
    roles: list[str] = []
    while len(records) < count:
        original = _original(rng, vocabulary, len(records))
        cluster = len(records)
        records.append(original)
        truth.append(cluster)
        roles.append("original")
        copies = rng.choice((0, 0, 0, 0, 0, 1, 1, 2, 3)) if len(records) + 3 < count else 0
        for _ in range(copies):
            records.append(_copy(rng, original))
            truth.append(cluster)
            roles.append("copy")
        if rng.random() < trap_rate:
            kind = rng.choice(TRAPS)
            records.append(_trap(rng, vocabulary, original, kind))
            truth.append(len(records) - 1)
            roles.append(kind)
    return records[:count], truth[:count], roles[:count]


def _original(rng: random.Random, vocabulary: Vocabulary, number: int) -> Record:
    first = rng.randint(1, 2000)
    abstract = rng.random() < 0.1  # a meeting abstract: "Journal. Conference: ...", often no pages
    journal = rng.choice(vocabulary.journals)
    return Record(
        line=number + 1,
        raw="",
        source_id=f"r{number}",
        title=" ".join(rng.choice(vocabulary.words) for _ in range(rng.randint(6, 16))).capitalize(),
        authors=[
            f"{rng.choice(vocabulary.surnames)}, {rng.choice(string.ascii_uppercase)} {rng.choice(string.ascii_uppercase)}"
            for _ in range(rng.randint(1, 8))
        ],
        year=rng.randint(1990, 2024),
        journal=f"{journal}. Conference: {rng.choice(vocabulary.words).capitalize()} Meeting"
        if abstract
        else journal,
        volume=str(rng.randint(1, 300)),
        issue=f"Suppl {rng.randint(1, 3)}" if abstract else str(rng.randint(1, 12)),
        pages=None if abstract and rng.random() < 0.7 else f"{first}-{first + rng.randint(1, 20)}",
        doi=f"10.{rng.randint(1000, 9999)}/{rng.randint(0, 10**9)}" if rng.random() < 0.6 else None,
        publication_type="Conference Abstract" if abstract else None,
    )


def _copy(rng: random.Random, original: Record) -> Record:
    """The same record as another database writes it."""
    title = original.title
    change = rng.random()
    if change < 0.3:
        title = title.upper()
    elif change < 0.45:
        position = rng.randrange(len(title))
        title = title[:position] + rng.choice(string.ascii_lowercase) + title[position + 1 :]
    elif change < 0.55 and len(title) > 60:
        title = title[:55]
    elif change < 0.7:
        title = f"{title}."
    journal = original.journal
    if rng.random() < 0.3:
        journal = " ".join(word[:4] for word in journal.split(". Conference:")[0].split())
    elif ". Conference:" in journal and rng.random() < 0.5:
        journal = journal.split(". Conference:")[0]  # MEDLINE or WoS: the journal alone
    issue = original.issue if rng.random() < 0.8 else None
    if issue and issue.startswith("Suppl") and rng.random() < 0.5:
        issue = f"S{issue.split()[-1]}"
    return Record(
        line=original.line,
        raw="",
        source_id=f"{original.source_id}-{rng.randint(0, 10**6)}",
        title=title,
        authors=[
            author.replace(" ", ". ") + "." if rng.random() < 0.5 else author for author in original.authors
        ],
        year=original.year,
        journal=journal,
        volume=original.volume,
        issue=issue,
        pages=original.pages if rng.random() < 0.85 else None,
        doi=original.doi if rng.random() < 0.7 else None,
        publication_type=original.publication_type if rng.random() < 0.5 else None,
    )


def _trap(rng: random.Random, vocabulary: Vocabulary, original: Record, kind: str) -> Record:
    first = rng.randint(1, 2000)
    pages = f"{first}-{first + 1}"
    base = dict(
        line=original.line,
        raw="",
        source_id=f"{original.source_id}-{kind}",
        title=original.title,
        authors=list(original.authors),
        year=original.year,
        journal=original.journal,
        volume=original.volume,
        issue=None,
        pages=pages,
        doi=None,
    )
    other_journal = rng.choice(vocabulary.journals)
    if kind == "erratum":
        base.update(title=f"Erratum: {original.title}")
    elif kind == "update":
        base.update(year=original.year + rng.randint(2, 6), volume=str(int(original.volume) + 3))
    elif kind == "reply":
        base.update(title=f"Reply to: {original.title}", pages=original.pages or pages)
    elif kind == "two meetings":
        base.update(
            journal=f"{other_journal}. Conference: {rng.choice(vocabulary.words).capitalize()} Congress",
            volume=str(rng.randint(1, 300)),
            year=original.year + 1,
            pages=None,
            issue="Suppl 1",
            publication_type="Conference Abstract",
        )
    elif kind == "co-publication":
        base.update(journal=other_journal, volume=str(rng.randint(301, 600)))
    elif kind == "later article":
        base.update(
            year=original.year + 1,
            journal=original.journal.split(". Conference:")[0],
            volume=str(int(original.volume) + 1),
            publication_type="Journal Article",
        )
        if original.publication_type is None:  # the original is an article: make it the abstract
            base.update(publication_type="Conference Abstract", year=original.year - 1, pages=None)
    elif kind == "supplement neighbour":
        title = " ".join(rng.choice(vocabulary.words) for _ in range(rng.randint(6, 12))).capitalize()
        base.update(title=title, authors=original.authors[:1], doi=original.doi, issue=original.issue)
    return Record(**base)


def write_bibdedupe_csv(records: list[Record], path: Path) -> None:
    """The records as bib-dedupe's benchmark CSV (ID, title, year, author, pages, volume, number,
    ENTRYTYPE, journal), which cartsle imports too; IDs are the 1-based positions."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["ID", "title", "year", "author", "pages", "volume", "number", "ENTRYTYPE", "journal"]
        )
        for position, record in enumerate(records, 1):
            writer.writerow(
                [
                    position,
                    record.title,
                    record.year,
                    " and ".join(record.authors),
                    record.pages or "",
                    record.volume or "",
                    record.issue or "",
                    "inproceedings" if record.publication_type == "Conference Abstract" else "article",
                    record.journal or "",
                ]
            )
