"""Forest plot of a meta-analysis of proportions, laid out as R's meta::forest draws one.

Left: study, events, total. Middle: each study's proportion with its (Clopper-Pearson) interval as
a square sized by weight, the pooled estimate as a diamond, the prediction interval as a bar.
Right: proportion [95% CI] and weight (no weight column for the GLMM, which has none). Below: the
heterogeneity line naming its I^2 definition and test, and the method line. Labels are wrapped
and drawn as written (``$x$`` stays text); intervals beyond the axis end in an arrow; markers at 0
and 1 are drawn whole. ``draw_any`` dispatches to ``forest_effects`` for comparative measures.
Saved through ``plot_layout`` (reproducible bytes).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from matplotlib.patches import Polygon
from matplotlib.transforms import Affine2D, blended_transform_factory

from cartsle_cli.report.plot_layout import (
    check_format,
    forest_axis,
    interval,
    new_figure,
    p_text,
    save,
    study_square,
    wrap,
)
from cartsle_cli.report.rob_plots import ForestRob, draw_rob_columns, rob_widths
from cartsle_cli.safe_output import figure_settings, for_figure
from cartsle_cli.stats.meta_proportions import MetaProportionResult

ROW_INCHES = 0.28
LEFT_COLUMNS = ((0.02, "Study", "left"), (0.25, "Events", "right"), (0.32, "Total", "right"))
RIGHT_COLUMNS = ((0.80, "Proportion [95% CI]", "center"), (0.97, "Weight", "right"))
PLOT_BOX = (0.36, 0.32)  # left edge and width of the plotting region, in figure fractions


def _ci_text(estimate: float, lower: float, upper: float) -> str:
    return f"{estimate:.2f} [{lower:.2f}; {upper:.2f}]"


def heterogeneity_line(result: MetaProportionResult) -> str:
    """'Heterogeneity: I² = 78% [definition], τ² = 1.1782, Cochran's Q = 20.44 on 5 df, p < 0.01'."""
    i2 = "NA" if result.i2 is None else f"{result.i2:.0f}%"
    common = result.method.estimator.endswith("common effect")
    definition = "(Q − df)/Q" if common else "τ²/(τ² + typical within-study variance)"
    q = "" if result.q is None else f" = {result.q:.2f} on {result.q_df} df"
    return f"Heterogeneity: I² = {i2} [I² = {definition}], τ² = {result.tau2:.4f}, {result.q_test}{q}, {p_text(result.q_p)}"


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
    highest = max([s.upper for s in result.studies] + [result.upper])
    return min(1.0, max(0.1, round(highest * 1.1 + 0.049, 1)))


def _columns(weighted: bool) -> tuple:
    return LEFT_COLUMNS + (RIGHT_COLUMNS if weighted else RIGHT_COLUMNS[:1])


def _draw_studies(ax, text_at, result: MetaProportionResult, top: float, limits: tuple[float, float]) -> None:
    weights = [s.weight for s in result.studies]
    largest = max((w for w in weights if w is not None), default=None)
    for i, study in enumerate(result.studies):
        y = top - i
        size = 7.0 if study.weight is None or largest is None else 3 + 9 * (study.weight / largest) ** 0.5
        interval(ax, study.lower, study.upper, y, limits)
        study_square(ax, study.proportion, y, size)
        cells = [
            (0.02, wrap(study.label, 30), "left"),
            (0.25, str(study.events), "right"),
            (0.32, str(study.total), "right"),
            (0.80, _ci_text(study.proportion, study.lower, study.upper), "center"),
        ]
        if study.weight is not None:
            cells.append((0.97, f"{study.weight:.1f}%", "right"))
        _row(ax, text_at, y, cells)


def _draw_pooled(ax, text_at, result: MetaProportionResult, limits: tuple[float, float]) -> None:
    ax.add_patch(
        Polygon(
            [(result.lower, 1), (result.estimate, 1.3), (result.upper, 1), (result.estimate, 0.7)],
            closed=True,
            facecolor="black",
            edgecolor="black",
        )
    )
    ax.axvline(result.estimate, color="grey", linestyle="--", linewidth=0.7)
    cells = [
        (
            0.02,
            "Common effect model"
            if result.method.estimator.endswith("common effect")
            else "Random effects model",
            "left",
        ),
        (0.25, str(result.events), "right"),
        (0.32, str(result.total), "right"),
        (0.80, _ci_text(result.estimate, result.lower, result.upper), "center"),
    ]
    if result.studies[0].weight is not None:
        cells.append((0.97, "100.0%", "right"))
    _row(ax, text_at, 1, cells, bold=True)
    interval(ax, result.pi_lower, result.pi_upper, 0, limits, color="firebrick", linewidth=3)
    _row(
        ax,
        text_at,
        0,
        [
            (0.02, "Prediction interval", "left"),
            (0.80, f"[{result.pi_lower:.2f}; {result.pi_upper:.2f}]", "center"),
        ],
    )


def build_forest(
    result: MetaProportionResult,
    title: str | None = None,
    risk_of_bias: ForestRob | dict[str, str | None] | None = None,
):
    """The forest plot of ``result`` as a matplotlib Figure (not yet saved); ``risk_of_bias`` adds
    robvis's risk-of-bias columns at the right (a ``ForestRob``, or study label -> the style of its
    overall judgement for the overall column alone)."""
    rob = ForestRob.overall_only(risk_of_bias) if isinstance(risk_of_bias, dict) else risk_of_bias
    with figure_settings():
        k = len(result.studies)
        lines = [len(wrap(s.label, 30).split("\n")) for s in result.studies]
        height = ROW_INCHES * (k + 8 + sum(lines) - k)
        width, scale, step = rob_widths(rob, 11)
        figure = new_figure(width, height)
        bottom, top_row = 3.6 * ROW_INCHES / height, k + 2
        box = (PLOT_BOX[0] * scale, bottom, PLOT_BOX[1] * scale, 1 - bottom - 1.2 * ROW_INCHES / height)
        ax = figure.add_axes(box)
        ax.set_ylim(-0.6, top_row + 1.6)
        limits = (0.0, _axis_limit(result))
        forest_axis(ax, limits)
        ax.set_xlabel("Proportion", fontsize=9)
        # x in fractions of the 11-inch layout, whatever the risk-of-bias columns add on the right
        text_at = blended_transform_factory(Affine2D().scale(scale, 1) + figure.transFigure, ax.transData)
        weighted = result.studies[0].weight is not None
        _row(ax, text_at, top_row + 1, list(_columns(weighted)), bold=True)
        _draw_studies(ax, text_at, result, top_row, limits)
        if rob is not None:
            rows = [(top_row - i, study.label) for i, study in enumerate(result.studies)]
            draw_rob_columns(ax, text_at, rob, rows, header_y=top_row + 1, x=1.0 + step / 2, step=step)
        _draw_pooled(ax, text_at, result, limits)
        figure.text(0.02, 1.5 * ROW_INCHES / height, heterogeneity_line(result), fontsize=8.5)
        method = "\n".join(textwrap.wrap(for_figure(result.method.line()), 160))
        figure.text(0.02, 0.3 * ROW_INCHES / height, method, fontsize=7, color="dimgrey", va="bottom")
        if title:
            figure.suptitle(for_figure(title), x=0.02, ha="left", fontsize=11)
        return figure


def draw_forest(
    result: MetaProportionResult,
    path: Path,
    title: str | None = None,
    risk_of_bias: ForestRob | dict[str, str | None] | None = None,
) -> Path:
    """Write the forest plot of ``result`` to ``path`` (.png or .svg) and return the path."""
    check_format(path)
    return save(build_forest(result, title, risk_of_bias), path, "cartsle-forest")


def draw_any(
    result, path: Path, subgroups=None, title: str | None = None, risk_of_bias: ForestRob | None = None
) -> Path:
    """The forest plot of a pooled proportion or of a comparative/generic result (with subgroups)."""
    if isinstance(result, MetaProportionResult):
        return draw_forest(result, path, title, risk_of_bias)
    from cartsle_cli.report import forest_effects

    return forest_effects.draw_forest(result, path, subgroups, title, risk_of_bias)
