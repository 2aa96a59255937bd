"""The PRISMA 2020 flow diagram, drawn box for box as the official templates lay it out.

Page et al. 2021, BMJ 372:n71, figure 1, and the templates at prisma-statement.org: "new
systematic reviews which included searches of databases, registers and other sources" and, for
``previous`` counts, "updated systematic reviews ...". Three blue phase boxes down the left
(Identification, Screening, Included); a yellow header over the databases-and-registers column and
grey headers over the other-methods and previous-studies columns; in the databases column
"Records identified" -> "Records screened" -> "Reports sought for retrieval" -> "Reports assessed
for eligibility", each with its removed/excluded box beside it ("Records removed before screening"
with its three lines); the other-methods column goes from "Records identified" straight to
"Reports sought for retrieval"; the template's citation line at the foot.

Drawn with matplotlib (SVG or PNG), byte-reproducible (no dates or random ids), at a size whose
text stays at least 11 px high when the report's page (72rem, 1152 px) shows it at full width.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

from cartsle_cli.errors import CartsleError  # noqa: E402
from cartsle_cli.safe_output import figure_settings, for_figure  # noqa: E402

CITATION = (
    "From: Page MJ, McKenzie JE, Bossuyt PM, Boutron I, Hoffmann TC, Mulrow CD, et al. The PRISMA 2020 "
    "statement: an updated guideline for reporting systematic reviews. BMJ 2021;372:n71. "
    "doi: 10.1136/bmj.n71"
)
# The template's colours: blue phase boxes, a yellow header for databases and registers, grey
# headers for other methods and previous studies.
PHASE_COLOUR, DATABASES_COLOUR, GREY_COLOUR = "#9dc3e6", "#ffc000", "#d9d9d9"
FONT_SIZE = 10.0  # points
LINE = FONT_SIZE * 1.3 / 72  # inches per text line


@dataclass(frozen=True)
class PrismaColumn:
    """One column of the diagram; ``None`` boxes are not drawn (other methods skip screening)."""

    identified: list[tuple[str, int]]
    duplicates_removed: int | None = None
    screened: int | None = None
    screened_excluded: int | None = None
    sought: int = 0
    not_retrieved: int = 0
    assessed: int = 0
    excluded_reasons: list[tuple[str, int]] = field(default_factory=list)
    excluded_automatic: int = 0
    excluded_other: int = 0
    awaiting_screening: int = 0
    # Other methods: records that left before retrieval, which the template has no box for.
    removed_before_retrieval: int = 0


@dataclass(frozen=True)
class PrismaFlow:
    databases: PrismaColumn
    other_methods: PrismaColumn | None
    studies_included: int
    reports_included: int
    previous: tuple[int, int] | None = None  # (studies, reports) of the previous version: an update


@dataclass(frozen=True)
class _Layout:
    """Column positions in inches: main box x and width, side box x and width."""

    main_x: float
    main_w: float
    side_x: float
    side_w: float


def save_diagram(flow: PrismaFlow, path: str | Path) -> Path:
    """Write the diagram to ``path``; the suffix (.svg or .png) chooses the format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise CartsleError("the diagram is written as .svg or .png", file=path)
    metadata = {"Date": None, "Creator": None} if suffix == ".svg" else {"Software": None}
    # Source names and reasons are drawn as written, never as mathtext (safe_output.figure_settings).
    with figure_settings():
        figure = draw_diagram(flow)
        with matplotlib.rc_context({"svg.hashsalt": "cartsle-prisma", "svg.fonttype": "none"}):
            figure.savefig(path, format=suffix[1:], metadata=metadata, dpi=150)
    plt.close(figure)
    return path


def diagram_width(flow: PrismaFlow) -> float:
    """Figure width in inches: 7.6 for one column, wider for each further column."""
    return 7.6 + (4.4 if flow.other_methods is not None else 0) + (2.6 if flow.previous else 0)


def draw_diagram(flow: PrismaFlow) -> plt.Figure:
    width = diagram_width(flow)
    height = 11.0 + LINE * max(0, _reason_lines(flow) - 4)
    figure = plt.figure(figsize=(width, height))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)  # y grows downwards, as the template is read
    axes.axis("off")
    x = 0.75
    previous_x = None
    if flow.previous:
        previous_x, x = x, x + 2.6
    databases = _Layout(x, 3.3, x + 3.6, 3.1)
    other = _Layout(x + 7.0, 2.0, x + 9.2, 1.9) if flow.other_methods is not None else None
    new = "new " if flow.previous else ""

    _header(
        axes,
        databases.main_x,
        databases.side_x + databases.side_w,
        f"Identification of {new}studies via databases and registers",
        DATABASES_COLOUR,
    )
    if other is not None and flow.other_methods is not None:
        _header(
            axes,
            other.main_x,
            other.side_x + other.side_w,
            f"Identification of {new}studies via other methods",
            GREY_COLOUR,
        )
    if previous_x is not None and flow.previous is not None:
        _header(axes, previous_x, previous_x + 2.3, "Previous studies", GREY_COLOUR)

    top = 0.95
    column = flow.databases
    identified_bottom = _box(
        axes,
        databases.main_x,
        top,
        databases.main_w,
        ["Records identified from:", *_counts(column.identified)],
    )
    removed_bottom = _box(
        axes,
        databases.side_x,
        top,
        databases.side_w,
        [
            "Records removed before screening:",
            f"Duplicate records removed (n = {column.duplicates_removed or 0})",
            f"Records marked as ineligible by automation tools (n = {column.excluded_automatic})",
            f"Records removed for other reasons (n = {column.excluded_other})",
        ],
        indent=True,
    )
    _arrow(axes, databases.main_x + databases.main_w, top + 0.3, databases.side_x, top + 0.3)
    other_bottom = previous_bottom = top
    if other is not None and flow.other_methods is not None:
        other_bottom = _box(
            axes,
            other.main_x,
            top,
            other.main_w,
            ["Records identified from:", *_counts(flow.other_methods.identified)],
        )
        if flow.other_methods.removed_before_retrieval:
            note = textwrap.fill(
                f"{flow.other_methods.removed_before_retrieval} duplicates or records excluded on"
                " title/abstract before retrieval (the template has no box for them)",
                int((other.side_w - 0.1) * 72 / (FONT_SIZE * 0.5)),
            )
            axes.text(other.side_x, top + 0.05, note, fontsize=FONT_SIZE, style="italic", va="top")
    if previous_x is not None and flow.previous is not None:
        studies, reports = flow.previous
        previous_bottom = _box(
            axes,
            previous_x,
            top,
            2.3,
            [
                f"Studies included in previous version of review (n = {studies})",
                f"Reports of studies included in previous version of review (n = {reports})",
            ],
        )
    identification_end = max(identified_bottom, removed_bottom, other_bottom) + 0.3

    screened_top = identification_end
    _arrow(
        axes,
        databases.main_x + databases.main_w / 2,
        identified_bottom,
        databases.main_x + databases.main_w / 2,
        screened_top,
    )
    screened_lines = [f"Records screened (n = {column.screened or 0})"]
    screened_bottom = _box(axes, databases.main_x, screened_top, databases.main_w, screened_lines)
    _box(
        axes,
        databases.side_x,
        screened_top,
        databases.side_w,
        [f"Records excluded (n = {column.screened_excluded or 0})"],
    )
    _arrow(
        axes, databases.main_x + databases.main_w, screened_top + 0.2, databases.side_x, screened_top + 0.2
    )
    if column.awaiting_screening:
        axes.text(
            databases.main_x,
            screened_bottom + 0.08,
            f"{column.awaiting_screening} records still awaiting screening (not yet in the flow)",
            fontsize=FONT_SIZE,
            style="italic",
            va="top",
        )
    sought_top = screened_bottom + 0.45
    _arrow(
        axes,
        databases.main_x + databases.main_w / 2,
        screened_bottom,
        databases.main_x + databases.main_w / 2,
        sought_top,
    )
    assessed_bottom, lowest = _retrieval(axes, column, databases, sought_top)
    if other is not None and flow.other_methods is not None:
        _arrow(
            axes, other.main_x + other.main_w / 2, other_bottom, other.main_x + other.main_w / 2, sought_top
        )
        other_assessed_bottom, other_lowest = _retrieval(axes, flow.other_methods, other, sought_top)
        lowest = max(lowest, other_lowest)
    screening_end = lowest + 0.3

    included_top = screening_end + 0.1
    included_lines = [
        f"{'New s' if flow.previous else 'S'}tudies included in review (n = {flow.studies_included})",
        f"Reports of {'new ' if flow.previous else ''}included studies (n = {flow.reports_included})",
    ]
    _arrow(
        axes,
        databases.main_x + databases.main_w / 2,
        assessed_bottom,
        databases.main_x + databases.main_w / 2,
        included_top,
    )
    included_bottom = _box(axes, databases.main_x, included_top, databases.main_w, included_lines)
    if other is not None and flow.other_methods is not None:
        _elbow(
            axes,
            other.main_x + other.main_w / 2,
            other_assessed_bottom,
            databases.main_x + databases.main_w,
            included_top + 0.25,
        )
    if flow.previous and previous_x is not None:
        studies, reports = flow.previous
        total_top = included_bottom + 0.4
        _arrow(
            axes,
            databases.main_x + databases.main_w / 2,
            included_bottom,
            databases.main_x + databases.main_w / 2,
            total_top,
        )
        _elbow(
            axes,
            previous_x + 1.15,
            previous_bottom,
            databases.main_x,
            total_top + 0.25,
            horizontal_first=False,
        )
        included_bottom = _box(
            axes,
            databases.main_x,
            total_top,
            databases.main_w,
            [
                f"Total studies included in review (n = {studies + flow.studies_included})",
                f"Reports of total included studies (n = {reports + flow.reports_included})",
            ],
        )
    _phase(axes, top, identification_end - 0.1, "Identification")
    _phase(axes, identification_end, screening_end, "Screening")
    included_bottom = max(included_bottom, included_top + 1.0)  # room for the phase label
    _phase(axes, screening_end + 0.1, included_bottom, "Included")
    axes.text(
        0.25,
        included_bottom + 0.35,
        textwrap.fill(CITATION, int(width * 72 / (FONT_SIZE * 0.55))),
        fontsize=FONT_SIZE,
        va="top",
        ha="left",
    )
    axes.set_ylim(included_bottom + 0.9, 0)
    figure.set_size_inches(width, included_bottom + 0.9)
    return figure


def _reason_lines(flow: PrismaFlow) -> int:
    columns = [flow.databases] + ([flow.other_methods] if flow.other_methods else [])
    return max(len(column.excluded_reasons) for column in columns)


def _retrieval(axes, column: PrismaColumn, layout: _Layout, top: float) -> tuple[float, float]:
    """Sought -> assessed, each with its box beside it; returns the bottoms of the assessed box
    and of the lowest box."""
    middle = layout.main_x + layout.main_w / 2
    sought_bottom = _box(
        axes, layout.main_x, top, layout.main_w, [f"Reports sought for retrieval (n = {column.sought})"]
    )
    _box(axes, layout.side_x, top, layout.side_w, [f"Reports not retrieved (n = {column.not_retrieved})"])
    _arrow(axes, layout.main_x + layout.main_w, top + 0.2, layout.side_x, top + 0.2)
    assessed_top = sought_bottom + 0.6
    _arrow(axes, middle, sought_bottom, middle, assessed_top)
    assessed_bottom = _box(
        axes,
        layout.main_x,
        assessed_top,
        layout.main_w,
        [f"Reports assessed for eligibility (n = {column.assessed})"],
    )
    reasons = [f"{for_figure(reason)} (n = {count})" for reason, count in column.excluded_reasons] or [
        "(n = 0)"
    ]
    excluded_bottom = _box(
        axes, layout.side_x, assessed_top, layout.side_w, ["Reports excluded:", *reasons], indent=True
    )
    _arrow(axes, layout.main_x + layout.main_w, assessed_top + 0.2, layout.side_x, assessed_top + 0.2)
    return assessed_bottom, max(assessed_bottom, excluded_bottom)


def _counts(identified: list[tuple[str, int]]) -> list[str]:
    return [f"{for_figure(name)} (n = {count})" for name, count in identified] or ["(n = 0)"]


def _box(axes, x: float, top: float, width: float, lines: list[str], *, indent: bool = False) -> float:
    """A white box with black border and its lines wrapped to fit; returns its bottom."""
    characters = max(12, int((width - 0.2) * 72 / (FONT_SIZE * 0.5)))
    wrapped: list[str] = []
    # "(n = 12)" stays on one line: textwrap does not break at a no-break space.
    lines = [line.replace("(n = ", "(n\u00a0=\u00a0") for line in lines]
    for number, line in enumerate(lines):
        prefix = "   " if indent and number else ""
        wrapped += textwrap.wrap(
            line, characters - len(prefix), initial_indent=prefix, subsequent_indent=prefix + " "
        ) or [""]
    height = LINE * len(wrapped) + 0.2
    axes.add_patch(Rectangle((x, top), width, height, linewidth=0.8, edgecolor="black", facecolor="white"))
    axes.text(
        x + 0.1 if indent else x + width / 2,
        top + height / 2,
        for_figure("\n".join(wrapped)),
        ha="left" if indent else "center",
        va="center",
        fontsize=FONT_SIZE,
        linespacing=1.15,
    )
    return top + height


def _header(axes, left: float, right: float, text: str, colour: str) -> None:
    axes.add_patch(
        Rectangle((left, 0.3), right - left, 0.45, linewidth=0.8, edgecolor="black", facecolor=colour)
    )
    axes.text(
        (left + right) / 2, 0.525, text, ha="center", va="center", fontsize=FONT_SIZE + 0.5, fontweight="bold"
    )


def _phase(axes, top: float, bottom: float, label: str) -> None:
    axes.add_patch(
        Rectangle((0.2, top), 0.4, bottom - top, linewidth=0.8, edgecolor="black", facecolor=PHASE_COLOUR)
    )
    axes.text(
        0.4,
        (top + bottom) / 2,
        label,
        rotation=90,
        ha="center",
        va="center",
        fontsize=FONT_SIZE + 0.5,
        fontweight="bold",
    )


def _arrow(axes, x0: float, y0: float, x1: float, y1: float) -> None:
    axes.add_patch(
        FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=10, linewidth=0.8, color="black")
    )


def _elbow(axes, x0: float, y0: float, x1: float, y1: float, *, horizontal_first: bool = False) -> None:
    """Straight down, then straight across (or across, then down), as the template's arrows go."""
    corner = (x1, y0) if horizontal_first else (x0, y1)
    axes.plot([x0, corner[0]], [y0, corner[1]], color="black", linewidth=0.8)
    _arrow(axes, corner[0], corner[1], x1, y1)
