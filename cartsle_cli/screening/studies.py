"""Studies and their reports: which included publications belong to which study.

A report is a unique record. Every record included at full text belongs to a study: its own by
default, labelled "Family Year" from its first author (a later clash gets "b", "c" ..., so earlier
labels never change). When dedup linked two unique records as possible reports of one study
(table ``report_links``), a newly included record joins the study of an included partner.
``cartsle screen link`` moves a report to another study by hand.
"""

from __future__ import annotations

import json
import sqlite3
import string
from dataclasses import dataclass

from cartsle_cli.dedup.removed import unit_of
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.outcomes import stage_results, until_changed
from cartsle_cli.store.connection import require_transaction


@dataclass(frozen=True)
class IncludedStudy:
    """A study with at least one report included at full text."""

    study_id: str  # the label, unique in the review: "Mackensen 2022"
    report_ids: list[int]  # kept record ids of its included reports, lowest first
    first_author: str | None  # family name of the first report's first author
    year: int | None
    other_methods: bool  # True when none of its reports came from a database or register search

    @property
    def source(self) -> str:
        return "other methods" if self.other_methods else "databases"

    def to_dict(self) -> dict:
        return {**vars(self), "source": self.source}


# A report's current kept record: a later dedup run may have merged it into another cluster, and a
# removed search may have taken the record itself out (its cluster's surviving records count).
_REPORT_UNIT = unit_of("r.record_id")


def table_exists(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        is not None
    )


def report_details(
    conn: sqlite3.Connection, record_ids: list[int]
) -> dict[int, tuple[str | None, int | None]]:
    """First author's family name and year of each record, preferring dedup's merged fields."""
    merged = table_exists(conn, "merged_records")
    join = " LEFT JOIN merged_records m ON m.cluster_id = r.id" if merged else ""
    authors = "COALESCE(NULLIF(m.authors, '[]'), r.authors)" if merged else "r.authors"
    year = "COALESCE(m.year, r.year)" if merged else "r.year"
    details = {}
    for chunk in _chunks(record_ids):
        rows = conn.execute(
            f"SELECT r.id, {authors}, {year} FROM records r{join} WHERE r.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        for row in rows:
            names = json.loads(row[1] or "[]")
            family = names[0].split(",")[0].strip() if names else None
            details[row[0]] = (family or None, row[2])
    return details


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)] or [[]]


def _new_label(conn: sqlite3.Connection, family: str | None, year: int | None, record_id: int) -> str:
    base = f"{family or f'Record {record_id}'} {year or 'n.d.'}"
    taken = {
        row[0]
        for row in conn.execute(
            "SELECT label FROM studies WHERE label = ? OR label GLOB ?", (base, base + "?")
        )
    }
    for suffix in ["", *string.ascii_lowercase[1:]]:
        if base + suffix not in taken:
            return base + suffix
    return f"{base} ({record_id})"


def study_of(conn: sqlite3.Connection, record_id: int) -> int | None:
    row = conn.execute("SELECT study_id FROM study_reports WHERE record_id = ?", (record_id,)).fetchone()
    return row[0] if row else None


def _linked_study(conn: sqlite3.Connection, record_id: int, included: set[int]) -> int | None:
    """The study of an included record dedup linked to this one as a possible other report."""
    if not table_exists(conn, "report_links"):
        return None
    rows = conn.execute(
        "SELECT other_record_id FROM report_links WHERE record_id = ?"
        " UNION SELECT record_id FROM report_links WHERE other_record_id = ?",
        (record_id, record_id),
    ).fetchall()
    for (partner,) in rows:
        if partner in included and (study := study_of(conn, partner)) is not None:
            return study
    return None


def ensure_studies(conn: sqlite3.Connection) -> int:
    """Give every full-text include without a study one; the caller holds the transaction.

    Returns how many reports were placed.
    """
    require_transaction(conn)
    if conn.execute("SELECT 1 FROM screening_decisions WHERE stage = 'ft' LIMIT 1").fetchone() is None:
        return 0  # no full-text decision yet: nothing to place (and no outcomes to compute)
    included = {unit for unit, found in stage_results(conn, "ft").items() if found.decision == "include"}
    placed = {row[0] for row in conn.execute(f"SELECT {_REPORT_UNIT} FROM study_reports r")}
    missing = sorted(included - placed)
    details = report_details(conn, missing)
    for record_id in missing:
        study = _linked_study(conn, record_id, included)
        if study is None:
            family, year = details.get(record_id, (None, None))
            study = conn.execute(
                "INSERT INTO studies (label) VALUES (?)", (_new_label(conn, family, year, record_id),)
            ).lastrowid
        conn.execute("INSERT INTO study_reports (record_id, study_id) VALUES (?, ?)", (record_id, study))
    return len(missing)


def require_included_report(conn: sqlite3.Connection, record_id: int) -> None:
    """Only a report included at full text belongs to an included study (``screen link``)."""
    found = stage_results(conn, "ft").get(record_id)
    if found is None or found.decision != "include":
        state = (
            "has not reached full text"
            if found is None
            else f"is {found.decision or found.status} at full text"
        )
        raise CartsleError(
            f"record {record_id} {state}: only a report included at full text is linked to a study"
        )


def link_report(conn: sqlite3.Connection, record_id: int, study: str, *, create: bool = True) -> str:
    """Make ``record_id`` a report of the study labelled (or numbered) ``study``; a new label makes a
    new study when ``create``. The caller holds the transaction and has mapped the record to its
    kept record."""
    require_transaction(conn)
    label = " ".join(study.split())
    if not label:
        raise CartsleError("name the study by its label, e.g. --study 'Mackensen 2022'", field="study")
    row = conn.execute(
        "SELECT id, label FROM studies WHERE label = ? OR (? GLOB '[0-9]*' AND id = ?)", (label, label, label)
    ).fetchone()
    if row is None and not create:
        raise CartsleError(
            f"no study {label!r}: `cartsle screen studies` lists them; --new makes a new one", field="study"
        )
    study_id = row[0] if row else conn.execute("INSERT INTO studies (label) VALUES (?)", (label,)).lastrowid
    conn.execute(
        "INSERT INTO study_reports (record_id, study_id) VALUES (?, ?)"
        " ON CONFLICT (record_id) DO UPDATE SET study_id = excluded.study_id",
        (record_id, study_id),
    )
    # A study left without reports has no meaning; drop it so its label is free again.
    conn.execute("DELETE FROM studies WHERE id NOT IN (SELECT study_id FROM study_reports)")
    return row[1] if row else label


def other_methods_units(conn: sqlite3.Connection) -> frozenset[int]:
    """The unique records whose cluster came only from other-methods searches; every other one
    belongs to the databases and registers column.

    A cluster with any record from a database or register search belongs to that column; its
    other-methods records are then duplicates (see ``prisma``).
    """
    return until_changed(conn, "other_methods_units", lambda: _other_methods_units(conn))


def _other_methods_units(conn: sqlite3.Connection) -> frozenset[int]:
    if (
        conn.execute(
            "SELECT 1 FROM searches WHERE other_methods != 0 AND removed_at IS NULL LIMIT 1"
        ).fetchone()
        is None
    ):
        return frozenset()  # no other-methods search: nothing to read
    rows = conn.execute(
        "SELECT u.unit_id FROM active_records r"
        " JOIN searches s ON s.id = r.search_id JOIN record_units u ON u.record_id = r.id"
        " GROUP BY u.unit_id HAVING MIN(s.other_methods) != 0"
    ).fetchall()
    return frozenset(row[0] for row in rows)


def included_studies(conn: sqlite3.Connection) -> list[IncludedStudy]:
    """The studies with at least one report included at full text, by label.

    Reports get their study when a full-text decision is stored (:func:`ensure_studies`).
    """
    return list(until_changed(conn, "included_studies", lambda: _included_studies(conn)))


def _included_studies(conn: sqlite3.Connection) -> list[IncludedStudy]:
    included = {unit for unit, found in stage_results(conn, "ft").items() if found.decision == "include"}
    rows = conn.execute(
        f"SELECT s.label, {_REPORT_UNIT} AS unit FROM studies s JOIN study_reports r ON r.study_id = s.id ORDER BY s.label, unit"
    ).fetchall()
    reports: dict[str, list[int]] = {}
    for label, record_id in rows:
        if record_id in included:
            reports.setdefault(label, []).append(record_id)
    other = other_methods_units(conn)
    details = report_details(conn, [ids[0] for ids in reports.values()])
    return [
        IncludedStudy(label, ids, *details.get(ids[0], (None, None)), all(i in other for i in ids))
        for label, ids in sorted(reports.items(), key=lambda item: item[0].casefold())
    ]
