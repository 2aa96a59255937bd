"""Decisions in bulk: match file rows to records, check them all, then store them in one go.

Rows name a record by cartsle id, or by DOI, PMID or title (compared case- and accent-blind, on
letters and digits only), looked up among all active records and mapped to their cluster's kept
record. The first of DOI, PMID, title that finds anything decides; if it finds several different
unique records the row is refused. Title/abstract rows are stored before full-text rows are
checked, so one file can carry a record through both stages. Any bad row stops the whole file:
nothing is written. A row that repeats a reviewer's current decision changes nothing.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from anyascii import anyascii

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.normalise import clean_doi, clean_pmid
from cartsle_cli.screening.decision_files import DecisionRow
from cartsle_cli.screening.decisions import Decision, DecisionChecker, decision_time
from cartsle_cli.screening.outcomes import CONFLICT, PENDING, STAGE_NAMES, Vote, stage_outcomes
from cartsle_cli.screening.staging import StagedDecisions
from cartsle_cli.screening.studies import ensure_studies, link_report
from cartsle_cli.store import transaction


@dataclass
class ImportSummary:
    rows: int = 0
    new: int = 0  # first decision of this reviewer on this record and stage
    changed: int = 0  # replaces a different current decision
    unchanged: int = 0  # repeats the current decision
    by_stage_decision: dict[str, int] = field(default_factory=dict)  # "ta include" -> rows stored
    studies_linked: int = 0
    dry_run: bool = False

    def to_dict(self) -> dict:
        return vars(self)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after doing everything else."""


def title_key(title: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "", anyascii(title or "").lower())


def _cleaned(clean: Callable[[str | None], str | None], value: str | None) -> str:
    # A value the cleaner cannot read is kept as written, so the row is "unmatched", not "empty".
    return clean(value) or (value or "").strip().lower()


class RecordIndex:
    """Active records by DOI, PMID and title key, each mapped to its cluster's kept record.

    Built the first time a row names its record by DOI, PMID or title: a file by record id
    never needs it (at 100,000 records building it takes seconds).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._by: dict[str, dict[str, set[int]]] | None = None

    @property
    def by(self) -> dict[str, dict[str, set[int]]]:
        if self._by is None:
            self._by = self._build(self.conn)
        return self._by

    @staticmethod
    def _build(conn: sqlite3.Connection) -> dict[str, dict[str, set[int]]]:
        by: dict[str, dict[str, set[int]]] = {"doi": {}, "pmid": {}, "title": {}}
        rows = conn.execute(
            "SELECT u.unit_id, r.doi, r.pmid, r.title FROM active_records r"
            " JOIN record_units u ON u.record_id = r.id"
        )
        for unit, doi, pmid, title in rows:
            for kind, key in (
                ("doi", _cleaned(clean_doi, doi)),
                ("pmid", _cleaned(clean_pmid, pmid)),
                ("title", title_key(title)),
            ):
                if key:
                    by[kind].setdefault(key, set()).add(unit)
        return by

    def match(self, row: DecisionRow, checker: DecisionChecker) -> int:
        if row.record_id is not None:
            return checker.unit(row.record_id, where=row.where)
        keys = (
            ("doi", _cleaned(clean_doi, row.doi)),
            ("pmid", _cleaned(clean_pmid, row.pmid)),
            ("title", title_key(row.title)),
        )
        if not any(key for _, key in keys):
            raise CartsleError("the row names no record: give record_id, doi, pmid or title", line=row.where)
        for kind, key in keys:
            units = self.by[kind].get(key, set()) if key else set()
            if len(units) > 1:
                raise CartsleError(
                    f"its {kind} matches several records ({', '.join(map(str, sorted(units)))}); give record_id instead",
                    line=row.where,
                    field=kind,
                )
            if units:
                return next(iter(units))
        raise CartsleError(
            "no record in this review matches its record_id, doi, pmid or title", line=row.where
        )


def import_decisions(
    conn: sqlite3.Connection,
    rows: Iterable[DecisionRow],
    *,
    source: str,
    dry_run: bool = False,
    resolutions: bool = False,
    force: bool = False,
) -> ImportSummary:
    """Check every row, then store the decisions (``resolutions``: as final decisions) in one transaction.

    ``rows`` may be an iterator (a file being read): title/abstract rows are checked as they come
    and only what they change is kept; full-text rows wait until those are stored.

    A resolution settles a conflict: on a record that is not in conflict (and was never resolved)
    it is refused, as Covidence lets a leader resolve conflicts only, unless ``force``; a forced
    resolution is stored with "--force" in its source, so the history shows the step was skipped.
    """
    summary = ImportSummary(dry_run=dry_run)
    if force:
        source = f"{source} --force"
    try:
        with transaction(conn):
            _import(conn, rows, source, resolutions, summary, force)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary


def _import(
    conn: sqlite3.Connection,
    rows: Iterable[DecisionRow],
    source: str,
    resolutions: bool,
    summary: ImportSummary,
    force: bool = False,
) -> None:
    checker = DecisionChecker(conn)
    index = RecordIndex(conn)
    rule = _OnlyConflictsResolved(conn)
    counts: Counter = Counter()
    staged = StagedDecisions(conn)  # the checked rows wait in SQLite, not in a Python list
    full_text: list[tuple[DecisionRow, Decision]] = []
    for row in rows:
        summary.rows += 1
        decision = Decision(
            index.match(row, checker),
            row.stage or "ta",
            row.reviewer or "",
            row.decision,
            row.reason,
            row.note,
            resolutions or row.resolution,
        )
        if decision.stage == "ft":
            full_text.append((row, decision))
            continue
        checked = checker.check(decision, where=row.where)  # raises on a stage that is neither
        if not force:
            rule.check(row, checked)
        staged.add(checked)
    decided_at = decision_time()
    _count(summary, counts, staged.store(source=source, decided_at=decided_at))
    if full_text:
        checker.refresh_stages()
        checked_ft = [(row, checker.check(decision, where=row.where)) for row, decision in full_text]
        if not force:
            for row, decision in checked_ft:
                rule.check(row, decision)
        for _, decision in checked_ft:
            staged.add(decision)
        _count(summary, counts, staged.store(source=source, decided_at=decided_at))
        for row, decision in checked_ft:
            if row.study and decision.decision == "include":
                link_report(conn, decision.record_id, row.study)
                summary.studies_linked += 1
    summary.by_stage_decision = dict(sorted(counts.items()))
    ensure_studies(conn)


def _count(summary: ImportSummary, counts: Counter, stored: tuple[int, int, int, Counter]) -> None:
    new, changed, unchanged, by_stage_decision = stored
    summary.new += new
    summary.changed += changed
    summary.unchanged += unchanged
    counts.update(by_stage_decision)


class _OnlyConflictsResolved:
    """A resolution is for a conflict (or revises an earlier resolution), never a shortcut past
    voting. Each stage's outcomes are read at its first resolution: full text after the
    title/abstract rows of the same file are stored."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.outcomes: dict[str, dict] = {}

    def check(self, row: DecisionRow, decision: Decision) -> None:
        if not decision.resolution:
            return
        stage = decision.stage
        if stage not in self.outcomes:
            self.outcomes[stage] = stage_outcomes(self.conn, stage)
        outcome = self.outcomes[stage].get(decision.record_id)
        if outcome is not None and (outcome.status == CONFLICT or outcome.resolution is not None):
            return
        state = "has not reached this stage" if outcome is None else f"is {outcome.status}, not in conflict"
        raise CartsleError(
            f"record {decision.record_id} {state} at {STAGE_NAMES[stage]}: only conflicts are resolved;"
            " --force resolves it anyway (recorded in its history)",
            line=row.where,
        )


EXPORT_COLUMNS = (
    "record_id",
    "doi",
    "pmid",
    "title",
    "reviewer",
    "stage",
    "decision",
    "reason",
    "note",
    "study",
    "resolution",
    "decided_at",
)


def export_decisions(conn: sqlite3.Connection, *, reviewer: str | None = None) -> list[dict]:
    """Current votes and resolutions as rows ``screen import`` reads back.

    For one reviewer the export is blind: their own votes, and other reviewers' votes only on
    records where the required number of reviewers have all voted.
    """
    rows = []
    for stage in ("ta", "ft"):
        for outcome in stage_outcomes(conn, stage).values():
            visible = reviewer is None or reviewer in outcome.votes and outcome.status != PENDING
            votes = [vote for name, vote in outcome.votes.items() if visible or name == reviewer]
            rows += [_export_row(vote) for vote in sorted(votes, key=lambda vote: vote.reviewer)]
            if outcome.resolution is not None and visible:
                rows.append(_export_row(outcome.resolution))
    return _with_details(conn, rows)


def _export_row(vote: Vote) -> dict:
    return {
        "record_id": vote.unit_id,
        "reviewer": vote.reviewer,
        "stage": vote.stage,
        "decision": vote.decision,
        "reason": vote.reason,
        "note": vote.note,
        "resolution": "yes" if vote.resolution else "",
        "decided_at": vote.decided_at,
    }


def _with_details(conn: sqlite3.Connection, rows: list[dict]) -> list[dict]:
    details = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT u.id, u.doi, u.pmid, u.title, s.label FROM unique_records u"
            " LEFT JOIN study_reports r ON r.record_id = u.id LEFT JOIN studies s ON s.id = r.study_id"
        )
    }
    for row in rows:
        doi, pmid, title, study = details.get(row["record_id"], (None,) * 4)
        row.update(
            doi=doi,
            pmid=pmid,
            title=title,
            study=study if row["stage"] == "ft" and row["decision"] == "include" else None,
        )
    return [{column: row[column] for column in EXPORT_COLUMNS} for row in rows]
