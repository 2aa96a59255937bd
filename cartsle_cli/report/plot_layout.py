"""What every meta-analysis figure shares: safe text, wrapped labels, clipped intervals, saving.

Figure text goes through ``safe_output.for_figure`` and every figure is built and saved inside
``safe_output.figure_settings()`` (mathtext off), so a study called ``$x$`` is drawn as ``$x$``.
An interval that runs past the axis is drawn to the edge with an arrow head, never silently cut.
Figures are written with matplotlib's Agg canvas (no pyplot state); SVGs keep their text as text,
with fixed metadata and hash salt, so the same result always gives the same bytes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cartsle_cli.errors import CartsleError
from cartsle_cli.safe_output import figure_settings, for_figure

FORMATS = (".png", ".svg")
LABEL_WIDTH = 28  # characters per line of a study label


def check_format(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise CartsleError(f"a plot is written as .png or .svg, not {suffix or 'no extension'!r}", file=path)
    return suffix


def wrap(text: object, width: int = LABEL_WIDTH) -> str:
    """Figure-safe text broken into lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(for_figure(text), width, break_long_words=True)) or ""


def text_lines(text: object, width: int) -> int:
    return max(1, len(textwrap.wrap(for_figure(text), width, break_long_words=True)))


def interval(ax, low: float, high: float, y: float, limits: tuple[float, float], **style) -> int:
    """Draw [low, high] at height y within the axis limits; an arrow head marks each cut end.

    Returns how many ends were cut (0, 1 or 2), so callers and tests can see it happened.
    """
    left, right = limits
    cut_low, cut_high = low < left, high > right
    start, end = min(max(low, left), right), max(min(high, right), left)
    color = style.get("color", "black")
    if end > start:
        ax.plot(
            [start, end], [y, y], color=color, linewidth=style.get("linewidth", 0.8), solid_capstyle="butt"
        )
    for cut, tip, back in ((cut_low, start, 9), (cut_high, end, -9)):
        if cut:
            ax.annotate(
                "",
                xy=(tip, y),
                xytext=(back, 0),
                textcoords="offset points",
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": color,
                    "linewidth": 0.8,
                    "shrinkA": 0,
                    "shrinkB": 0,
                },
                annotation_clip=False,
            )
    return int(cut_low) + int(cut_high)


def study_square(ax, estimate: float, y: float, size: float) -> None:
    """A study's estimate in a forest plot: a grey square, ``size`` points wide (by its weight).

    clip_on=False: a square on the axis edge (a proportion of 0 or 1) is drawn whole.
    """
    ax.plot(
        [estimate],
        [y],
        marker="s",
        markersize=size,
        color="grey",
        markeredgecolor="black",
        clip_on=False,
    )


def forest_axis(ax, limits: tuple[float, float]) -> None:
    """A forest plot's axis as meta::forest draws it: only the x axis, from ``limits[0]`` to
    ``limits[1]``, with small tick labels and no frame on the other three sides."""
    ax.set_xlim(*limits)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=8)


def new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def save(figure: Figure, path: Path, salt: str) -> Path:
    """Write ``figure`` to ``path`` (.png or .svg) reproducibly."""
    path = Path(path)
    suffix = check_format(path)
    metadata = {"Date": None, "Creator": "cartsle"} if suffix == ".svg" else {"Software": "cartsle"}
    with figure_settings(), matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        figure.savefig(path, format=suffix[1:], metadata=metadata, dpi=150)
    return path


def p_text(p: float | None) -> str:
    if p is None:
        return "p = NA"
    return "p < 0.01" if p < 0.01 else f"p = {p:.2f}"
