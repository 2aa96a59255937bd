"""The report document as tables: the review's own (PRISMA, searches, studies, agreement) here,
the results of the protocol's analyses in ``result_tables.py``.

Each table is a name (its CSV file name without .csv), a title, columns, rows and the outcome
section it belongs to. The CSV, Markdown and HTML writers render these same tables, so every format
shows the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cartsle_cli.report.certainty_section import certainty_tables
from cartsle_cli.report.rob_section import rob_tables


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    section: str = ""  # the outcome section it belongs to ("" for the review's own tables)


def report_tables(document: dict) -> list[Table]:
    tables = [
        _prisma(document["prisma"]),
        _searches(document["searches"]),
        _studies(document["included_studies"]),
        _reasons(document["prisma"]),
        _agreement(document["agreement"]),
    ]
    if document.get("update"):
        update = document["update"]
        tables.append(
            Table(
                "update_changes",
                f"What search update {update['round']} changed in the pooled results"
                f" (previous version of {update['previous_taken_at']})",
                ["result", "previous", "current", "change"],
                [[r["result"], r["previous"], r["current"], r["change"]] for r in update["pool_changes"]],
            )
        )
    if document.get("retracted"):
        tables.append(
            Table(
                "retracted",
                "Records flagged as retracted",
                ["record_id", "title", "why", "title_abstract", "full_text"],
                [[r["record_id"], r["title"], r["reason"], r["ta"], r["ft"]] for r in document["retracted"]],
            )
        )
    if document["pool"] is not None:
        from cartsle_cli.report.result_tables import result_tables

        tables += result_tables(document["pool"])
    tables += [Table(*parts) for parts in rob_tables(document) + certainty_tables(document)]
    return tables


def _prisma(prisma: dict) -> Table:
    rows = []
    for column in ("databases", "other_methods"):
        counts = prisma[column]
        for source in counts["identified"]:
            rows.append([column, "identified", source["source"], source["records"]])
        for box in (
            "duplicates_removed",
            "screened",
            "screened_excluded",
            "awaiting_screening",
            "sought",
            "not_retrieved",
            "assessed",
            "awaiting_assessment",
            "reports_included",
            "studies_included",
        ):
            rows.append([column, box, "", counts[box]])
        for reason in counts["excluded_reasons"]:
            rows.append([column, "excluded_full_text", reason["reason"], reason["reports"]])
    rows += [
        ["review", "studies_included", "", prisma["studies_included"]],
        ["review", "reports_included", "", prisma["reports_included"]],
    ]
    return Table("prisma", "PRISMA 2020 flow", ["column", "box", "detail", "n"], rows)


def _searches(searches: list[dict]) -> Table:
    columns = [
        "id",
        "database",
        "other_methods",
        "format",
        "file_name",
        "record_count",
        "searched_on",
        "query",
        "imported_at",
    ]
    return Table("searches", "Searches", columns, [[s[c] for c in columns] for s in searches])


def _studies(studies: list[dict]) -> Table:
    rows = [
        [
            s["study_id"],
            s["first_author"],
            s["year"],
            s["source"],
            r["record_id"],
            r["database"],
            r["doi"],
            r["citation"],
        ]
        for s in studies
        for r in s["reports"]
    ]
    return Table(
        "included_studies",
        "Included studies and their reports",
        ["study_id", "first_author", "year", "source", "record_id", "database", "doi", "citation"],
        rows,
    )


def _reasons(prisma: dict) -> Table:
    rows = [
        [column, r["reason"], r["reports"]]
        for column in ("databases", "other_methods")
        for r in prisma[column]["excluded_reasons"]
    ]
    return Table("exclusion_reasons", "Full-text exclusion reasons", ["column", "reason", "reports"], rows)


def _agreement(agreements: list[dict]) -> Table:
    columns = [
        "stage",
        "reviewer_a",
        "reviewer_b",
        "n",
        "percent_agreement",
        "kappa",
        "ci_low",
        "ci_high",
        "method",
    ]
    return Table("agreement", "Screening agreement", columns, [[a[c] for c in columns] for a in agreements])


def method_line(meta: dict) -> str:
    """The meta-analysis method in one line (``to_dict`` of a nested result may lack ``method_line``)."""
    if "method_line" in meta:
        return meta["method_line"]
    method = meta["method"]
    parts = [
        method["estimator"],
        f"transformation: {method['transformation']}",
        f"back-transformation: {method['back_transformation']}",
        f"CI: {method['ci']}",
        f"prediction interval: {method['prediction_interval']}",
    ]
    return "; ".join(
        parts + ([method["continuity_correction"]] if method.get("continuity_correction") else [])
    )
