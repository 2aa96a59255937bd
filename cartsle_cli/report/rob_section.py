"""The report's risk-of-bias section: a table per tool and its robvis figures, from the document."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cartsle_cli.report.rob_plots import RobFigureData


def figure_data(tool: dict, weights: dict[str, float] | None = None) -> RobFigureData:
    """The figures' rows from one tool's part of the document (``appraisal.summary``)."""
    from cartsle_cli.report.rob_plots import RobFigureData, RobRow  # matplotlib: only for figures

    columns = tuple((d["domain"], d["label"]) for d in tool["domains"]) + (("Overall", "Overall"),)
    rows = []
    for study in tool["studies"]:
        label = study["study_id"] + (f" ({study['outcome']})" if study["outcome"] else "")
        judgements = tuple(cell["judgement"] for cell in study["domains"])
        rows.append(RobRow(label, judgements, (weights or {}).get(study["study_id"], 1.0)))
    legend = tuple((j["judgement"], j["style"]) for j in tool["judgements"])
    return RobFigureData(f"Risk of bias: {tool['name']}", columns, legend, tuple(rows))


def rob_figures(document: dict, folder: Path, suffix: str) -> list[tuple[str, str, Path]]:
    """(file stem, caption, path) of each tool's traffic-light and summary plots."""
    from cartsle_cli.report.rob_plots import draw_summary, draw_traffic_light

    written = []
    for tool in document.get("risk_of_bias") or []:
        if not tool["studies"]:
            continue
        data = figure_data(tool)
        stem = tool["tool"].replace("-", "_")
        written.append(
            (
                f"rob_traffic_light_{stem}",
                f"Risk of bias ({tool['name']}): traffic-light plot",
                draw_traffic_light(data, folder / f"rob_traffic_light_{stem}{suffix}"),
            )
        )
        written.append(
            (
                f"rob_summary_{stem}",
                f"Risk of bias ({tool['name']}): summary plot",
                draw_summary(data, folder / f"rob_summary_{stem}{suffix}"),
            )
        )
    return written


def rob_tables(document: dict) -> list[tuple[str, str, list[str], list[list]]]:
    """(name, title, columns, rows) per tool: one row per study, a column per domain and overall."""
    tables = []
    for tool in document.get("risk_of_bias") or []:
        domains = [d["domain"] for d in tool["domains"]]
        rows = []
        for study in tool["studies"]:
            cells = []
            for cell in study["domains"]:
                text = cell["judgement"] or "conflict"
                if cell["judgement"] and cell["algorithm"] and cell["algorithm"] != cell["judgement"]:
                    text += f" (tool: {cell['algorithm']})"
                cells.append(text)
            rows.append([study["study_id"], study["outcome"], *cells])
        name = "risk_of_bias_" + tool["tool"].replace("-", "_")
        tables.append(
            (name, f"Risk of bias: {tool['name']}", ["study_id", "outcome", *domains, "overall"], rows)
        )
    return tables
