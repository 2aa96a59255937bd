"""PRISMA 2020 flow counts (Page et al. 2021, BMJ 372:n71), for both columns of the diagram.

Every active record falls in exactly one box of its column:
    identified = duplicates removed + screened
    screened   = excluded at title/abstract + awaiting screening + sought for retrieval
    sought     = not retrieved + assessed
    assessed   = excluded at full text (per reason) + awaiting assessment + reports included

Columns: a record belongs to the column of its search ("other methods" for searches imported with
``--other``). A duplicate cluster that spans both columns counts once, in the databases and
registers column, because the other methods found nothing new; its other-methods records are
counted as duplicates removed in the other-methods column. "Not retrieved" are full-text
exclusions with the reason "full text not retrievable"; "awaiting" boxes hold records still
undecided or in conflict (the PRISMA template's "studies ongoing / awaiting classification").
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field

from cartsle_cli.screening.outcomes import FINAL, stage_outcomes
from cartsle_cli.screening.settings import NOT_RETRIEVED_REASON
from cartsle_cli.screening.studies import included_studies, unit_columns


@dataclass
class PrismaColumn:
    identified: list[tuple[str, int]] = field(default_factory=list)  # (source, records) per database
    duplicates_removed: int = 0
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
            "identified": self.identified_total - self.duplicates_removed - self.screened,
            "screened": self.screened - self.screened_excluded - self.awaiting_screening - self.sought,
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
    studies_included: int
    reports_included: int
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


def prisma_counts(conn: sqlite3.Connection) -> PrismaCounts:
    """The PRISMA 2020 counts of the review as it stands."""
    columns = {False: PrismaColumn(), True: PrismaColumn()}
    for row in conn.execute(
        "SELECT s.other_methods, s.database, COUNT(r.id) FROM searches s JOIN records r ON r.search_id = s.id"
        " WHERE s.removed_at IS NULL GROUP BY s.other_methods, s.database ORDER BY MIN(s.id)"
    ):
        columns[bool(row[0])].identified.append((row[1], row[2]))
    column_of = unit_columns(conn)
    for outcome in stage_outcomes(conn, "ta").values():
        column = columns[column_of.get(outcome.unit_id, False)]
        column.screened += 1
        if outcome.status != FINAL:
            column.awaiting_screening += 1
        elif outcome.decision == "exclude":
            column.screened_excluded += 1
        else:
            column.sought += 1
    reasons: dict[bool, Counter] = {False: Counter(), True: Counter()}
    for outcome in stage_outcomes(conn, "ft").values():
        key = column_of.get(outcome.unit_id, False)
        if outcome.status != FINAL:
            columns[key].awaiting_assessment += 1
        elif outcome.decision == "include":
            columns[key].reports_included += 1
        elif outcome.reason == NOT_RETRIEVED_REASON:
            columns[key].not_retrieved += 1
        else:
            reasons[key][outcome.reason or "no reason given"] += 1
    studies = included_studies(conn)
    for key, column in columns.items():
        column.duplicates_removed = column.identified_total - column.screened
        column.assessed = column.sought - column.not_retrieved
        column.excluded_reasons = sorted(reasons[key].items(), key=lambda item: (-item[1], item[0]))
        column.studies_included = sum(1 for study in studies if study.other_methods == key)
    return PrismaCounts(
        databases=columns[False],
        other_methods=columns[True],
        studies_included=len(studies),
        reports_included=sum(len(study.report_ids) for study in studies),
    )
