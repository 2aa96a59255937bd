"""The report's figures: the PRISMA flow diagram and one forest plot per pooled analysis, each
placed in its outcome's section."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cartsle_cli.report.document import ReviewReport
from cartsle_cli.report.plot_layout import FORMATS
from cartsle_cli.report.prisma_diagram import PrismaColumn, PrismaFlow, save_diagram
from cartsle_cli.report.rob_section import rob_figures

if TYPE_CHECKING:
    from cartsle_cli.review.pooling import PoolResult


@dataclass(frozen=True)
class Figure:
    name: str  # file stem
    caption: str
    path: Path
    section: str = ""  # the outcome section it belongs to


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


def forest_plots(
    pool: PoolResult,
    folder: Path,
    suffix: str,
    prefix: str = "forest_",
    appraisals: list[dict] | None = None,
    rob_domains: bool = False,
) -> list[Figure]:
    """One forest plot per analysis that was pooled, named after the analysis id; with the review's
    ``appraisals`` (``appraisal.summary.appraisal_document``), the studies' risk-of-bias column for
    that analysis's outcome (and a column per domain with ``rob_domains``)."""
    # the forest and funnel plots load SciPy and the statistics: only for a review that pooled
    from cartsle_cli.report.forest import draw_any, draw_forest
    from cartsle_cli.report.funnel import draw_funnel
    from cartsle_cli.report.rob_plots import forest_rob

    figures = []
    for analysis in pool.analyses:
        name = f"{prefix}{analysis.id}"
        rob = forest_rob(appraisals or [], (analysis.outcome, analysis.label), domains=rob_domains)
        meta = analysis.proportion.meta if analysis.proportion is not None else None
        if meta is not None:
            path = draw_forest(meta, folder / f"{name}{suffix}", title=analysis.label, risk_of_bias=rob)
            figures.append(Figure(name, f"Forest plot: {analysis.label}", path, analysis.label))
        effect = analysis.effect
        if effect is not None:
            grouped = effect.subgroups[0] if effect.subgroups else None
            path = draw_any(
                effect.result,
                folder / f"{name}{suffix}",
                subgroups=grouped,
                title=analysis.label,
                risk_of_bias=rob,
            )
            caption = f"Forest plot: {analysis.label}" + (f", by {grouped.variable}" if grouped else "")
            figures.append(Figure(name, caption, path, analysis.label))
            if effect.egger is not None:
                funnel = draw_funnel(
                    effect.result, folder / f"{name}_funnel{suffix}", effect.egger, analysis.label
                )
                figures.append(
                    Figure(f"{name}_funnel", f"Funnel plot: {analysis.label}", funnel, analysis.label)
                )
    return figures


def write_forest_plots(
    pool: PoolResult, folder: Path, appraisals: list[dict] | None = None, rob_domains: bool = False
) -> list[Path]:
    """Every forest plot as PNG and SVG into ``folder`` (`cartsle pool --plots`), with the
    risk-of-bias column where ``appraisals`` has the analysis's studies."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        figure.path
        for suffix in FORMATS
        for figure in forest_plots(pool, folder, suffix, "", appraisals, rob_domains)
    ]


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
    appraised = report.document.get("risk_of_bias") or []  # the forest plots' RoB columns
    if report.pool is not None:
        figures += forest_plots(report.pool, folder, suffix, "forest_", appraised, report.rob_domains)
    figures += [Figure(*parts) for parts in rob_figures(report.document, folder, suffix)]
    return figures
