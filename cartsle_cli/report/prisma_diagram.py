"""The PRISMA 2020 flow diagram, drawn as the official template for new reviews lays it out.

Page et al. 2021, BMJ 372:n71, figure 1 ("databases, registers and other sources"): three
phases (identification, screening, included), the databases-and-registers column on the left with
its removed/excluded boxes beside it, and the other-methods column on the right. The figure is
drawn with matplotlib (SVG or PNG) and is byte-reproducible: no dates or random ids are embedded.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from cartsle_cli.errors import CartsleError  # noqa: E402
from cartsle_cli.safe_output import figure_settings, for_figure  # noqa: E402


@dataclass(frozen=True)
class PrismaColumn:
    """One column of the diagram; ``None`` boxes are not drawn (other methods skip some)."""

    identified: list[tuple[str, int]]
    duplicates_removed: int | None = None
    screened: int | None = None
    screened_excluded: int | None = None
    sought: int = 0
    not_retrieved: int = 0
    assessed: int = 0
    excluded_reasons: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class PrismaFlow:
    databases: PrismaColumn
    other_methods: PrismaColumn | None
    studies_included: int
    reports_included: int


_BOX = dict(boxstyle="square,pad=0.0", linewidth=0.8, edgecolor="black", facecolor="white")
_PHASE = dict(boxstyle="round,pad=0.0", linewidth=0.0, facecolor="#9cc3e4")


def save_diagram(flow: PrismaFlow, path: str | Path) -> Path:
    """Write the diagram to ``path``; the suffix (.svg or .png) chooses the format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise CartsleError("the diagram is written as .svg or .png", file=path)
    metadata = {"Date": None, "Creator": None} if suffix == ".svg" else {"Software": None}
    # A database name or reason is drawn as written: "$5 $10" is never mathtext (safe_output).
    with figure_settings():
        figure = draw_diagram(flow)
        with matplotlib.rc_context({"svg.hashsalt": "cartsle-prisma", "svg.fonttype": "none"}):
            figure.savefig(path, format=suffix[1:], metadata=metadata, dpi=150)
    plt.close(figure)
    return path


def draw_diagram(flow: PrismaFlow) -> plt.Figure:
    has_other = flow.other_methods is not None
    width = 15.0 if has_other else 10.0
    figure = plt.figure(figsize=(width, 11.0))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(0, 11)
    axes.axis("off")

    _phase(axes, 9.0, 1.6, "Identification")
    _phase(axes, 3.1, 5.6, "Screening")
    _phase(axes, 0.3, 2.4, "Included")
    axes.text(
        4.3,
        10.7,
        "Identification of studies via databases and registers",
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
    )

    column = flow.databases
    left, right = 1.0, 5.2
    _box(axes, left, 9.1, 3.6, 1.4, "Records identified from:\n" + _lines(column.identified))
    _arrow(axes, left + 3.6, 9.8, right, 9.8)
    _box(
        axes,
        right,
        9.1,
        3.4,
        1.4,
        "Records removed before screening:\n"
        f"Duplicate records removed (n = {column.duplicates_removed or 0})",
    )
    _arrow(axes, left + 1.8, 9.1, left + 1.8, 8.1)
    _box(axes, left, 7.3, 3.6, 0.8, f"Records screened\n(n = {column.screened or 0})")
    _arrow(axes, left + 3.6, 7.7, right, 7.7)
    _box(axes, right, 7.3, 3.4, 0.8, f"Records excluded\n(n = {column.screened_excluded or 0})")
    _retrieval_boxes(axes, column, left, right, arrow_from=7.3)

    if has_other:
        other = flow.other_methods
        oleft, oright = 9.4, 12.2
        axes.text(
            11.7,
            10.7,
            "Identification of studies via other methods",
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
        )
        _box(axes, oleft, 9.1, 3.4, 1.4, "Records identified from:\n" + _lines(other.identified))
        if other.screened is not None:
            _arrow(axes, oleft + 1.7, 9.1, oleft + 1.7, 8.1)
            _box(axes, oleft, 7.3, 2.6, 0.8, f"Records screened\n(n = {other.screened})")
            _arrow(axes, oleft + 2.6, 7.7, oright, 7.7)
            _box(axes, oright, 7.3, 2.6, 0.8, f"Records excluded\n(n = {other.screened_excluded or 0})")
            start = 7.3
        else:
            start = 9.1
        _retrieval_boxes(axes, other, oleft, oright, arrow_from=start, box_width=2.6)

    _box(
        axes,
        left,
        0.5,
        3.6,
        1.2,
        f"Studies included in review\n(n = {flow.studies_included})\n"
        f"Reports of included studies\n(n = {flow.reports_included})",
    )
    _arrow(axes, left + 1.8, 3.7, left + 1.8, 1.7)
    if has_other:
        _arrow(axes, 9.4 + 1.3, 3.7, left + 3.6, 1.1, elbow=True)
    return figure


def _retrieval_boxes(
    axes, column: PrismaColumn, left: float, right: float, *, arrow_from: float, box_width: float = 3.6
) -> None:
    side_width = 3.4 if box_width > 3 else 2.6
    _arrow(axes, left + box_width / 2, arrow_from, left + box_width / 2, 6.3)
    _box(axes, left, 5.5, box_width, 0.8, f"Reports sought for retrieval\n(n = {column.sought})")
    _arrow(axes, left + box_width, 5.9, right, 5.9)
    _box(axes, right, 5.5, side_width, 0.8, f"Reports not retrieved\n(n = {column.not_retrieved})")
    _arrow(axes, left + box_width / 2, 5.5, left + box_width / 2, 4.5)
    _box(axes, left, 3.7, box_width, 0.8, f"Reports assessed for eligibility\n(n = {column.assessed})")
    _arrow(axes, left + box_width, 4.1, right, 4.1)
    reasons = "\n".join(f"{_wrap(reason, 30)} (n = {count})" for reason, count in column.excluded_reasons)
    height = 0.5 + 0.22 * max(1, reasons.count("\n") + 1)
    _box(axes, right, 4.5 - height, side_width, height, "Reports excluded:\n" + (reasons or "(n = 0)"))


def _lines(identified: list[tuple[str, int]]) -> str:
    return "\n".join(f"{_wrap(name, 30)} (n = {count})" for name, count in identified) or "(n = 0)"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _box(axes, x: float, y: float, w: float, h: float, text: str) -> None:
    axes.add_patch(FancyBboxPatch((x, y), w, h, **_BOX))
    axes.text(x + w / 2, y + h / 2, for_figure(text), ha="center", va="center", fontsize=8, wrap=False)


def _phase(axes, y: float, h: float, label: str) -> None:
    axes.add_patch(FancyBboxPatch((0.15, y), 0.5, h, **_PHASE))
    axes.text(0.4, y + h / 2, label, rotation=90, ha="center", va="center", fontsize=10, fontweight="bold")


def _arrow(axes, x0: float, y0: float, x1: float, y1: float, *, elbow: bool = False) -> None:
    # An elbow goes straight down, then straight across, as the template's arrows do.
    style = "angle,angleA=-90,angleB=180,rad=0" if elbow else "arc3"
    axes.add_patch(
        FancyArrowPatch(
            (x0, y0),
            (x1, y1),
            arrowstyle="-|>",
            mutation_scale=10,
            linewidth=0.8,
            color="black",
            connectionstyle=style,
        )
    )
