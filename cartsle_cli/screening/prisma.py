"""PRISMA 2020 flow counts (Page et al. 2021, BMJ 372:n71), for both columns of the diagram.

Every active record falls in exactly one box of its column:
    identified = duplicates removed + marked ineligible by automation tools
                 + removed for other reasons + awaiting screening + screened
    screened   = excluded at title/abstract + sought for retrieval
    sought     = not retrieved + assessed
    assessed   = excluded at full text (per reason) + awaiting assessment + reports included

Columns: a record belongs to the column of its search ("other methods" for searches imported with
``--other``). A duplicate cluster that spans both columns counts once, in the databases and
registers column, because the other methods found nothing new; its other-methods records are
counted as duplicates removed in the other-methods column. "Records screened" counts the records
with a final title/abstract decision: a record nobody has decided yet, or in conflict, is
"awaiting screening", which the template has no box for (the diagram says how many beside the
flow). "Not retrieved" are full-text exclusions with the reason "full text not retrievable" and
reports marked not retrieved (`screen fulltext ID --not-retrieved`) with no final full-text
decision; "awaiting assessment" holds the other reports still undecided or in conflict (the
PRISMA template's "studies ongoing / awaiting classification"). Nothing is marked ineligible by an
automation tool (the ranking model orders records, it never excludes one) or removed for other
reasons, so those two boxes are 0; they are kept so the counts match the template box for box.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.fulltext import not_retrieved_units
from cartsle_cli.screening.outcomes import FINAL, Result, stage_results
from cartsle_cli.screening.settings import NOT_RETRIEVED_REASON
from cartsle_cli.screening.studies import included_studies, other_methods_units
from cartsle_cli.screening.updates import search_rounds, unit_rounds


@dataclass
class PrismaColumn:
    identified: list[tuple[str, int]] = field(default_factory=list)  # (source, records) per database
    duplicates_removed: int = 0
    excluded_automatic: int = 0  # "Records marked as ineligible by automation tools"
    excluded_other: int = 0  # "Records removed for other reasons"
    screened: int = 0
    screened_excluded: int = 0
    awaiting_screening: int = 0
    sought: int = 0
    not_retrieved: int = 0
    assessed: int = 0
    excluded_reasons: list[tuple[str, int]] = field(default_factory=list)
    awaiting_assessment: int = 0
    reports_included: int = 0
    studies_included: int = 0  # studies whose reports all came from this column's searches

    @property
    def identified_total(self) -> int:
        return sum(count for _, count in self.identified)

    def unaccounted(self) -> dict[str, int]:
        """Each identity above as (left side - right side); all zero when the boxes add up."""
        return {
            "identified": self.identified_total
            - self.duplicates_removed
            - self.excluded_automatic
            - self.excluded_other
            - self.awaiting_screening
            - self.screened,
            "screened": self.screened - self.screened_excluded - self.sought,
            "sought": self.sought - self.not_retrieved - self.assessed,
            "assessed": self.assessed
            - sum(n for _, n in self.excluded_reasons)
            - self.awaiting_assessment
            - self.reports_included,
        }


@dataclass
class PrismaCounts:
    databases: PrismaColumn
    other_methods: PrismaColumn
    studies_included: int  # with ``previous``: the new studies only
    reports_included: int  # with ``previous``: the reports from new records only
    previous: dict | None = None  # an update's previous version: {"studies": n, "reports": n}
    method: str = (
        "PRISMA 2020 (Page et al. 2021); clusters spanning both columns count in databases and registers"
    )

    def to_dict(self) -> dict:
        result = asdict(self)
        for column in ("databases", "other_methods"):
            values = result[column]
            values["identified"] = [{"source": source, "records": n} for source, n in values["identified"]]
            values["excluded_reasons"] = [
                {"reason": reason, "reports": n} for reason, n in values["excluded_reasons"]
            ]
            values["identified_total"] = getattr(self, column).identified_total
        return result


def prisma_counts(conn: sqlite3.Connection, *, update: bool = False) -> PrismaCounts:
    """The PRISMA 2020 counts of the review as it stands.

    ``update``: the flow for an updated review (the PRISMA 2020 template for updated reviews):
    the boxes count the latest update round's searches and the new unique records only (records
    of the update that join a cluster seen before count as duplicates removed), and ``previous``
    holds the studies and reports included from the earlier rounds.
    """
    not_retrieved = not_retrieved_units(conn)
    rounds = search_rounds(conn)
    latest = max(rounds.values(), default=0)
    if update and latest == 0:
        raise CartsleError(
            "this review has no search update: import one with `cartsle import --update-of SEARCH_ID FILE`"
        )
    wanted_round = latest if update else None
    new_units = None
    if update:
        new_units = {unit for unit, first in unit_rounds(conn).items() if first == latest}
    columns = {False: PrismaColumn(), True: PrismaColumn()}
    for row in conn.execute(
        "SELECT s.id, s.other_methods, s.database, COUNT(r.id) FROM searches s JOIN records r ON r.search_id = s.id"
        " WHERE s.removed_at IS NULL GROUP BY s.id ORDER BY s.id"
    ):
        if wanted_round is not None and rounds.get(row[0], 0) != wanted_round:
            continue
        identified = columns[bool(row[1])].identified
        names = [name for name, _ in identified]
        if row[2] in names:
            index = names.index(row[2])
            identified[index] = (row[2], identified[index][1] + row[3])
        else:
            identified.append((row[2], row[3]))
    other = other_methods_units(conn)
    for (key, (status, decision, _)), count in _tally(stage_results(conn, "ta"), other, new_units).items():
        column = columns[key]
        if status != FINAL:
            column.awaiting_screening += count
            continue
        column.screened += count
        if decision == "exclude":
            column.screened_excluded += count
        else:
            column.sought += count
    reasons: dict[bool, Counter] = {False: Counter(), True: Counter()}
    for unit, (status, decision, reason) in stage_results(conn, "ft").items():
        if new_units is not None and unit not in new_units:
            continue
        key = unit in other
        if status != FINAL:
            if unit in not_retrieved:
                columns[key].not_retrieved += 1
            else:
                columns[key].awaiting_assessment += 1
        elif decision == "include":
            columns[key].reports_included += 1
        elif reason == NOT_RETRIEVED_REASON:
            columns[key].not_retrieved += 1
        else:
            reasons[key][reason or "no reason given"] += 1
    studies = included_studies(conn)
    previous = None
    if new_units is not None:
        earlier = [study for study in studies if any(r not in new_units for r in study.report_ids)]
        previous = {
            "studies": len(earlier),
            "reports": sum(1 for study in studies for r in study.report_ids if r not in new_units),
        }
        studies = [study for study in studies if study not in earlier]
    for key, column in columns.items():
        column.duplicates_removed = column.identified_total - column.screened - column.awaiting_screening
        column.assessed = column.sought - column.not_retrieved
        column.excluded_reasons = sorted(reasons[key].items(), key=lambda item: (-item[1], item[0]))
        column.studies_included = sum(1 for study in studies if study.other_methods == key)
    reports = (
        sum(column.reports_included for column in columns.values())
        if new_units is not None
        else sum(len(study.report_ids) for study in studies)
    )
    return PrismaCounts(
        databases=columns[False],
        other_methods=columns[True],
        studies_included=len(studies),
        reports_included=reports,
        previous=previous,
    )


def _tally(
    results: dict[int, Result], other: frozenset[int], only: set[int] | None
) -> Counter[tuple[bool, Result]]:
    """How many records have each result, per column (True: other methods); with ``only``, of
    those records only. Counted in C (map, zip, Counter): a review can have 100,000 records."""
    if only is not None:
        results = {unit: found for unit, found in results.items() if unit in only}
    return Counter(zip(map(other.__contains__, results), results.values()))
