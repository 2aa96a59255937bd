"""The report's figures: the PRISMA flow diagram and one forest plot per pooled outcome."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from cartsle_cli.report.document import ReviewReport
from cartsle_cli.report.forest import draw_forest
from cartsle_cli.report.prisma_diagram import PrismaColumn, PrismaFlow, save_diagram
from cartsle_cli.report.rob_plots import rob_styles
from cartsle_cli.report.rob_section import rob_figures


@dataclass(frozen=True)
class Figure:
    name: str  # file stem
    caption: str
    path: Path


def prisma_flow(prisma: dict) -> PrismaFlow:
    """The diagram's boxes from ``PrismaCounts.to_dict()``; the other-methods column only when used,
    and drawn as the template draws it: from records identified straight to reports sought."""

    def column(counts: dict) -> PrismaColumn:
        return PrismaColumn(
            identified=[(item["source"], item["records"]) for item in counts["identified"]],
            duplicates_removed=counts["duplicates_removed"],
            screened=counts["screened"],
            screened_excluded=counts["screened_excluded"],
            sought=counts["sought"],
            not_retrieved=counts["not_retrieved"],
            assessed=counts["assessed"],
            excluded_reasons=[(item["reason"], item["reports"]) for item in counts["excluded_reasons"]],
            excluded_automatic=counts.get("excluded_automatic", 0),
            excluded_other=counts.get("excluded_other", 0),
            awaiting_screening=counts.get("awaiting_screening", 0),
        )

    other = prisma["other_methods"]
    return PrismaFlow(
        databases=column(prisma["databases"]),
        other_methods=_straight_to_retrieval(column(other)) if other["identified"] else None,
        studies_included=prisma["studies_included"],
        reports_included=prisma["reports_included"],
        previous=(prisma["previous"]["studies"], prisma["previous"]["reports"])
        if prisma.get("previous")
        else None,
    )


def _straight_to_retrieval(column: PrismaColumn) -> PrismaColumn:
    """The template's other-methods column has no screening boxes: what left before retrieval
    (duplicates of database records, title/abstract exclusions) is told in a note beside it."""
    removed = (column.duplicates_removed or 0) + (column.screened_excluded or 0)
    return replace(
        column,
        duplicates_removed=None,
        screened=None,
        screened_excluded=None,
        awaiting_screening=0,
        removed_before_retrieval=removed,
    )


def write_figures(report: ReviewReport, folder: Path, suffix: str) -> list[Figure]:
    """Write every figure as ``suffix`` (.svg or .png) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    figures = [
        Figure(
            "prisma",
            "PRISMA 2020 flow diagram",
            save_diagram(prisma_flow(report.document["prisma"]), folder / f"prisma{suffix}"),
        )
    ]
    if report.document.get("prisma_update"):
        figures.append(
            Figure(
                "prisma_update",
                "PRISMA 2020 flow diagram for the updated review",
                save_diagram(
                    prisma_flow(report.document["prisma_update"]), folder / f"prisma_update{suffix}"
                ),
            )
        )
    appraised = report.document.get("risk_of_bias") or []
    risk_of_bias = rob_styles(appraised[0]) if appraised else None  # the forest plots' RoB column
    if report.pool is not None:
        for outcome in report.pool.safety.outcomes:
            if outcome.meta is not None:
                path = draw_forest(
                    outcome.meta,
                    folder / f"forest_{outcome.name}{suffix}",
                    title=outcome.label,
                    risk_of_bias=risk_of_bias,
                )
                figures.append(Figure(f"forest_{outcome.name}", f"Forest plot: {outcome.label}", path))
    figures += [Figure(*parts) for parts in rob_figures(report.document, folder, suffix)]
    return figures
