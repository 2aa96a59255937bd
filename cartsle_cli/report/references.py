"""Records out to a reference manager, chosen by screening decision: RIS and CSV.

`cartsle export --stage ta|ft --decision ...` (or ``--included``) picks unique records by where
they stand at a stage, and writes each as its cluster's merged record with what a reviewer needs
when fetching full texts in EndNote or Zotero: every keyword (``KW``), the full page range (PubMed
writes 164-78 for pages 164-178: ``SP 164``, ``EP 178``), the databases that found it (``DB``), the
screening decisions and reasons (``N1`` notes, which both EndNote and Zotero import as notes), and
where its full text is (``L1`` a PDF's path, ``UR`` a URL).

Decisions, as ``screening.outcomes`` settles them: ``include`` and ``exclude`` are final outcomes
(at title/abstract "maybe" counts as include); ``maybe`` are records with a current "maybe" vote
and no final outcome yet at full text, or any "maybe" vote at title/abstract; ``conflict``
records whose votes disagree, unresolved; ``undecided`` records fewer reviewers voted on than
required. ``--included`` is the reports included at full text.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from cartsle_cli.dedup.export import unique_merged
from cartsle_cli.dedup.kinds import Kind, kind_of
from cartsle_cli.dedup.merge import MergedRecord
from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.ris import CARTSLE_PROVIDER
from cartsle_cli.safe_output import for_spreadsheet, for_terminal
from cartsle_cli.screening.fulltext import FILE, URL, FullText, fulltext_status
from cartsle_cli.screening.outcomes import (
    CONFLICT,
    FINAL,
    PENDING,
    STAGE_NAMES,
    STAGES,
    Outcome,
    stage_outcomes,
)
from cartsle_cli.screening.retractions import retracted_units

EXPORT_DECISIONS = ("include", "exclude", "maybe", "conflict", "undecided")


@dataclass(frozen=True)
class ReferenceRecord:
    """A unique record as it goes out: merged fields plus what screening knows of it."""

    record: MergedRecord
    keywords: list[str]
    databases: list[str]
    outcomes: dict[str, Outcome]  # by stage reached
    fulltext: FullText | None
    retracted: str | None  # why it is flagged as retracted, if it is

    @property
    def pages(self) -> tuple[str | None, str | None]:
        return full_page_range(self.record.pages)

    def notes(self) -> list[str]:
        """One note per stage reached: the outcome, its reason, and every reviewer's vote."""
        notes = []
        for stage, outcome in self.outcomes.items():
            votes = "; ".join(
                f"{name}: {vote.decision}" + (f" ({vote.reason})" if vote.reason else "")
                for name, vote in sorted(outcome.votes.items())
            )
            result = describe_outcome(outcome)
            if outcome.resolution is not None:
                result += f", resolved by {outcome.resolution.reviewer}"
            notes.append(f"cartsle {STAGE_NAMES[stage]}: {result}" + (f" (votes: {votes})" if votes else ""))
        if self.retracted:
            notes.append(f"cartsle: flagged as retracted ({self.retracted})")
        return notes


def describe_outcome(outcome: Outcome) -> str:
    if outcome.status == FINAL:
        return f"{outcome.decision}" + (f", reason: {outcome.reason}" if outcome.reason else "")
    return "conflict" if outcome.status == CONFLICT else "undecided"


def full_page_range(pages: str | None) -> tuple[str | None, str | None]:
    """First and last page, the last written out in full: "164-78" -> ("164", "178"),
    "e1234-40" -> ("e1234", "e1240"), "S12-5" -> ("S12", "S15"); one page -> (page, None)."""
    if not pages:
        return None, None
    first, dash, last = re.sub(r"\s*[-\u2010-\u2015]+\s*", "-", pages.strip()).partition("-")
    if not dash or not last:
        return first or None, None
    head = re.fullmatch(r"([A-Za-z]*)(\d+)", first)
    tail = re.fullmatch(r"([A-Za-z]*)(\d+)", last)
    if head and tail and (not tail.group(1) or tail.group(1) == head.group(1)):
        prefix, digits = head.groups()
        short = tail.group(2)
        if len(short) < len(digits) and int(digits[: len(digits) - len(short)] + short) >= int(digits):
            short = digits[: len(digits) - len(short)] + short
        last = prefix + short
    return first, last


def select_units(
    conn: sqlite3.Connection, *, stage: str | None, decision: str | None, included: bool
) -> list[int]:
    """The unique records wanted, by id."""
    if included:
        if stage not in (None, "ft") or decision not in (None, "include"):
            raise CartsleError("--included is the full-text includes: give it alone", field="included")
        stage, decision = "ft", "include"
    if stage is None or decision is None:
        raise CartsleError(
            "say which records: --stage ta|ft --decision include|exclude|maybe|conflict|undecided, or --included",
            field="decision",
        )
    if stage not in STAGES:
        raise CartsleError(f"stage must be ta or ft, not {stage!r}", field="stage")
    if decision not in EXPORT_DECISIONS:
        raise CartsleError(
            f"decision must be one of {', '.join(EXPORT_DECISIONS)}, not {decision!r}", field="decision"
        )
    return sorted(
        unit for unit, outcome in stage_outcomes(conn, stage).items() if _matches(outcome, decision)
    )


def _matches(outcome: Outcome, decision: str) -> bool:
    if decision == "maybe":
        return outcome.resolution is None and any(v.decision == "maybe" for v in outcome.votes.values())
    if decision == "conflict":
        return outcome.status == CONFLICT
    if decision == "undecided":
        return outcome.status == PENDING
    return outcome.status == FINAL and outcome.decision == decision


def reference_records(conn: sqlite3.Connection, units: Iterable[int]) -> list[ReferenceRecord]:
    """The records ``units`` with keywords, databases, outcomes and full-text locations."""
    wanted = set(units)
    keywords: dict[int, list[str]] = {}
    databases: dict[int, list[str]] = {}
    for unit, words, database in conn.execute(
        "SELECT COALESCE(c.cluster_id, r.id), r.keywords, s.database FROM active_records r"
        " JOIN searches s ON s.id = r.search_id LEFT JOIN record_clusters c ON c.record_id = r.id ORDER BY r.id"
    ):
        if unit not in wanted:
            continue
        for word in json.loads(words or "[]"):
            if word not in keywords.setdefault(unit, []):
                keywords[unit].append(word)
        if database not in databases.setdefault(unit, []):
            databases[unit].append(database)
    outcomes = {stage: stage_outcomes(conn, stage) for stage in STAGES}
    fulltext = fulltext_status(conn)
    retracted = retracted_units(conn)
    return [
        ReferenceRecord(
            record,
            keywords.get(record.cluster_id, []),
            databases.get(record.cluster_id, []),
            {
                stage: found[record.cluster_id]
                for stage, found in outcomes.items()
                if record.cluster_id in found
            },
            fulltext.get(record.cluster_id),
            retracted.get(record.cluster_id),
        )
        for record in unique_merged(conn)
        if record.cluster_id in wanted
    ]


def _ris_value(value: object) -> str:
    """One line of RIS: whitespace squashed, control characters and escape sequences removed
    (the terminal's rule: the file may well be shown on one, and RIS has no use for them)."""
    return " ".join(for_terminal(value).split())


_RIS_TYPES = {Kind.CONFERENCE: "ABST", Kind.PREPRINT: "UNPB"}


def write_references_ris(references: list[ReferenceRecord], handle: TextIO) -> int:
    """RIS that EndNote and Zotero load: ``ID`` is the cartsle record id, ``DP`` marks cartsle."""
    for reference in references:
        record = reference.record
        kind = kind_of(record.title, record.publication_type, record.journal, record.doi)
        lines = [("TY", _RIS_TYPES.get(kind, "JOUR")), ("ID", record.cluster_id), ("DP", CARTSLE_PROVIDER)]
        lines += [("AU", author) for author in record.authors]
        lines += [
            (tag, value)
            for tag, value in (
                ("TI", record.title),
                ("PY", record.year),
                ("JO", record.journal),
                ("VL", record.volume),
                ("IS", record.issue),
                ("SP", reference.pages[0]),
                ("EP", reference.pages[1]),
                ("DO", record.doi),
                ("AN", record.pmid),
                ("C1", record.accession),
                ("LA", record.language),
                ("M3", record.publication_type),
            )
            if value not in (None, "")
        ]
        lines += [("KW", word) for word in reference.keywords]
        if reference.databases:
            lines.append(("DB", "; ".join(reference.databases)))
        if record.abstract:
            lines.append(("AB", record.abstract))
        if reference.fulltext and reference.fulltext.status == FILE:
            lines.append(("L1", reference.fulltext.location))
        if reference.fulltext and reference.fulltext.status == URL:
            lines.append(("UR", reference.fulltext.location))
        lines += [("N1", note) for note in reference.notes()]
        text = "\n".join(f"{tag}  - {_ris_value(value)}" for tag, value in lines)
        handle.write(text + "\nER  - \n\n")
    return len(references)


CSV_COLUMNS = (
    "id",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "first_page",
    "last_page",
    "doi",
    "pmid",
    "accession",
    "language",
    "publication_type",
    "keywords",
    "databases",
    "ta_decision",
    "ta_votes",
    "ft_decision",
    "ft_votes",
    "fulltext",
    "retracted",
    "abstract",
)


def write_references_csv(references: list[ReferenceRecord], handle: TextIO) -> int:
    """One row per record; lists joined by "; ", every text cell through the spreadsheet sanitiser."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for reference in references:
        record = reference.record
        stages = {}
        for stage in STAGES:
            outcome = reference.outcomes.get(stage)
            stages[f"{stage}_decision"] = describe_outcome(outcome) if outcome else ""
            stages[f"{stage}_votes"] = (
                "; ".join(
                    f"{name}: {vote.decision}" + (f" ({vote.reason})" if vote.reason else "")
                    for name, vote in sorted(outcome.votes.items())
                )
                if outcome
                else ""
            )
        first, last = reference.pages
        row = [
            record.cluster_id,
            record.title,
            "; ".join(record.authors),
            record.year,
            record.journal,
            record.volume,
            record.issue,
            first,
            last,
            record.doi,
            record.pmid,
            record.accession,
            record.language,
            record.publication_type,
            "; ".join(reference.keywords),
            "; ".join(reference.databases),
            stages["ta_decision"],
            stages["ta_votes"],
            stages["ft_decision"],
            stages["ft_votes"],
            reference.fulltext.describe() if reference.fulltext else "",
            reference.retracted or "",
            record.abstract,
        ]
        writer.writerow([for_spreadsheet(cell) for cell in row])
    return len(references)
