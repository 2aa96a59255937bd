"""Forest plot of a meta-analysis of proportions, laid out as R's meta::forest draws one.

Left: study, events, total. Middle: each study's proportion with its (Clopper-Pearson) interval as
a square sized by weight, the pooled estimate as a diamond, the prediction interval as a bar.
Right: proportion [95% CI] and weight. Below: the heterogeneity line and the method line.
Drawn with matplotlib's Agg canvas (no pyplot state); the SVG keeps its text as text and fixed
metadata and hash salt, so the same result always gives the same bytes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import blended_transform_factory

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.meta_proportions import MetaProportionResult

FORMATS = (".png", ".svg")
ROW_INCHES = 0.28
LEFT_COLUMNS = ((0.02, "Study", "left"), (0.25, "Events", "right"), (0.32, "Total", "right"))
RIGHT_COLUMNS = ((0.80, "Proportion [95% CI]", "center"), (0.97, "Weight", "right"))
PLOT_BOX = (0.36, 0.32)  # left edge and width of the plotting region, in figure fractions


def _ci_text(estimate: float, lower: float, upper: float) -> str:
    return f"{estimate:.2f} [{lower:.2f}; {upper:.2f}]"


def _p_text(p: float | None) -> str:
    if p is None:
        return "p = NA"
    return "p < 0.01" if p < 0.01 else f"p = {p:.2f}"


def heterogeneity_line(result: MetaProportionResult) -> str:
    """'Heterogeneity: I² = 78%, τ² = 1.1782, p < 0.01' as meta::forest prints it."""
    i2 = "NA" if result.i2 is None else f"{result.i2:.0f}%"
    return f"Heterogeneity: I² = {i2}, τ² = {result.tau2:.4f}, {_p_text(result.q_p)} ({result.q_test})"


def _row(ax, text_at, y: float, cells: list[tuple[float, str, str]], bold: bool = False) -> None:
    for x, text, align in cells:
        ax.text(
            x,
            y,
            text,
            transform=text_at,
            ha=align,
            va="center",
            fontsize=9,
            fontweight="bold" if bold else "normal",
        )


def _axis_limit(result: MetaProportionResult) -> float:
    highest = max([s.upper for s in result.studies] + [result.upper, result.pi_upper])
    return min(1.0, max(0.1, round(highest * 1.1 + 0.049, 1)))


def _draw_studies(ax, text_at, result: MetaProportionResult, top: float) -> None:
    weights = [s.weight for s in result.studies]
    largest = max((w for w in weights if w is not None), default=None)
    for i, study in enumerate(result.studies):
        y = top - i
        size = 7.0 if study.weight is None else 3 + 9 * (study.weight / largest) ** 0.5
        ax.plot([study.lower, study.upper], [y, y], color="black", linewidth=0.8)
        ax.plot([study.proportion], [y], marker="s", markersize=size, color="grey", markeredgecolor="black")
        weight = "" if study.weight is None else f"{study.weight:.1f}%"
        _row(
            ax,
            text_at,
            y,
            [
                (0.02, study.label, "left"),
                (0.25, str(study.events), "right"),
                (0.32, str(study.total), "right"),
                (0.80, _ci_text(study.proportion, study.lower, study.upper), "center"),
                (0.97, weight, "right"),
            ],
        )


def _draw_pooled(ax, text_at, result: MetaProportionResult) -> None:
    ax.add_patch(
        Polygon(
            [(result.lower, 1), (result.estimate, 1.3), (result.upper, 1), (result.estimate, 0.7)],
            closed=True,
            facecolor="black",
            edgecolor="black",
        )
    )
    ax.axvline(result.estimate, color="grey", linestyle="--", linewidth=0.7)
    pooled_weight = "" if result.studies[0].weight is None else "100.0%"
    _row(
        ax,
        text_at,
        1,
        [
            (0.02, "Random effects model", "left"),
            (0.25, str(result.events), "right"),
            (0.32, str(result.total), "right"),
            (0.80, _ci_text(result.estimate, result.lower, result.upper), "center"),
            (0.97, pooled_weight, "right"),
        ],
        bold=True,
    )
    ax.plot([max(result.pi_lower, 0.0), min(result.pi_upper, 1.0)], [0, 0], color="firebrick", linewidth=3)
    _row(
        ax,
        text_at,
        0,
        [
            (0.02, "Prediction interval", "left"),
            (0.80, f"[{result.pi_lower:.2f}; {result.pi_upper:.2f}]", "center"),
        ],
    )


def draw_forest(result: MetaProportionResult, path: Path, title: str | None = None) -> Path:
    """Write the forest plot of ``result`` to ``path`` (.png or .svg) and return the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise CartsleError(
            f"a forest plot is written as .png or .svg, not {suffix or 'no extension'!r}", file=path
        )
    k = len(result.studies)
    height = ROW_INCHES * (k + 8)
    figure = Figure(figsize=(11, height))
    FigureCanvasAgg(figure)
    bottom, top_row = 3.6 * ROW_INCHES / height, k + 2
    ax = figure.add_axes([PLOT_BOX[0], bottom, PLOT_BOX[1], 1 - bottom - 1.2 * ROW_INCHES / height])
    ax.set_ylim(-0.6, top_row + 1.6)
    ax.set_xlim(0, _axis_limit(result))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("Proportion", fontsize=9)
    text_at = blended_transform_factory(figure.transFigure, ax.transData)
    _row(
        ax,
        text_at,
        top_row + 1,
        [(x, name, align) for x, name, align in LEFT_COLUMNS + RIGHT_COLUMNS],
        bold=True,
    )
    _draw_studies(ax, text_at, result, top_row)
    _draw_pooled(ax, text_at, result)
    figure.text(0.02, 1.5 * ROW_INCHES / height, heterogeneity_line(result), fontsize=8.5)
    method = "\n".join(textwrap.wrap(result.method.line(), 160))
    figure.text(0.02, 0.3 * ROW_INCHES / height, method, fontsize=7, color="dimgrey", va="bottom")
    if title:
        figure.suptitle(title, x=0.02, ha="left", fontsize=11)
    metadata = {"Date": None, "Creator": "cartsle"} if suffix == ".svg" else {"Software": "cartsle"}
    with matplotlib.rc_context({"svg.hashsalt": "cartsle-forest", "svg.fonttype": "none"}):
        figure.savefig(path, format=suffix[1:], metadata=metadata, dpi=150)
    return path
