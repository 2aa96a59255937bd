"""Forest plot of a comparative or generic meta-analysis, laid out as R's meta::forest draws one.

Left: the study label (wrapped). Middle: each study's estimate with its 95% CI as a square sized by
weight, the pooled estimate as a diamond, the prediction interval as a bar, a line at no effect
(1 for ratios, drawn on a log axis; 0 for differences). Right: estimate [95% CI] and, when the
method gives study weights, the weight. With subgroups, each subgroup has its studies, its own
diamond and heterogeneity line, then the overall result and the test for subgroup differences.
Studies left out as not estimable are listed with the reason. Below: the heterogeneity line naming
the I^2 definition and the test, and the method line.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.patches import Polygon
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from matplotlib.transforms import Affine2D, blended_transform_factory

from cartsle_cli.report.plot_layout import forest_axis, interval, new_figure, p_text, save, study_square, wrap
from cartsle_cli.report.rob_plots import ForestRob, draw_rob_columns, rob_widths
from cartsle_cli.safe_output import figure_settings, for_figure
from cartsle_cli.stats.effect_sizes import Excluded
from cartsle_cli.stats.meta import MetaResult, StudyResult
from cartsle_cli.stats.meta_proportions import MetaProportionResult
from cartsle_cli.stats.moderators import SubgroupAnalysis

ROW_INCHES = 0.28
NAMES = {"OR": "Odds ratio", "RR": "Risk ratio", "RD": "Risk difference", "MD": "Mean difference",
         "SMD": "SMD (Hedges' g)", "GEN": "Estimate", "PLO": "Proportion", "PFT": "Proportion",
         "PR": "Proportion"}  # fmt: skip
X_LABEL, X_ESTIMATE, X_WEIGHT = 0.02, 0.80, 0.97
PLOT_BOX = (0.30, 0.38)


# The plot's lines, top to bottom, each with its height in rows.
@dataclass(frozen=True)
class _Header:
    level: str
    rows: int = 1


@dataclass(frozen=True)
class _Study:
    study: StudyResult
    rows: int


@dataclass(frozen=True)
class _NotEstimable:
    excluded: Excluded
    rows: int = 1


@dataclass(frozen=True)
class _Pooled:
    label: str
    result: MetaResult
    rows: int = 1


@dataclass(frozen=True)
class _Prediction:
    lower: float
    upper: float
    rows: int = 1


@dataclass(frozen=True)
class _Note:
    text: str
    rows: int = 1


_Line = _Header | _Study | _NotEstimable | _Pooled | _Prediction | _Note


def heterogeneity_line(result: MetaResult) -> str:
    """'Heterogeneity: I² = 92% (...), τ² = 0.3132, Cochran's Q = 152.23 on 12 df, p < 0.01'."""
    definition = (
        "τ²/(τ² + typical within-study variance)"
        if result.method_key not in ("fe", "mh", "peto")
        else "(Q − df)/Q"
    )
    tau2 = "" if result.method_key in ("fe", "mh", "peto") else f", τ² = {result.tau2:.4f}"
    return (
        f"Heterogeneity: I² = {result.i2:.0f}% [I² = {definition}]{tau2}, "
        f"{result.q_test} = {result.q:.2f} on {result.q_df} df, {p_text(result.q_p)}"
    )


def _ci_text(estimate: float, lower: float, upper: float) -> str:
    return f"{estimate:.2f} [{lower:.2f}; {upper:.2f}]"


def _limits(results: list[MetaResult], log: bool) -> tuple[float, float]:
    """Axis limits around the pooled intervals and the study estimates; a study CI far beyond is cut
    (and drawn with an arrow) rather than squeezing every other row."""
    points = [s.estimate for r in results for s in r.studies]
    points += [v for r in results for v in (r.lower, r.upper, r.pi_lower, r.pi_upper) if v is not None]
    lows = [s.lower for r in results for s in r.studies]
    highs = [s.upper for r in results for s in r.studies]
    if log:
        points, lows, highs = (
            np.log([max(v, 1e-300) for v in values]).tolist() for values in (points, lows, highs)
        )
    core_low, core_high = min(min(points), 0.0), max(max(points), 0.0)
    span = max(core_high - core_low, 1e-6)
    low = max(min(lows), core_low - span)
    high = min(max(highs), core_high + span)
    pad = 0.05 * (high - low)
    low, high = low - pad, high + pad
    if log:
        return float(np.exp(low)), float(np.exp(high))
    return float(low), float(high)


def build_forest(
    result: MetaResult,
    subgroups: SubgroupAnalysis | None = None,
    title: str | None = None,
    risk_of_bias: ForestRob | None = None,
):
    """The forest plot of ``result`` as a matplotlib Figure (not yet saved); ``risk_of_bias`` adds
    robvis's risk-of-bias columns (each study's overall judgement, and its domains when asked)."""
    with figure_settings():
        return _build(result, subgroups, title, risk_of_bias)


def _comparative(result: MetaResult | MetaProportionResult) -> MetaResult:
    """A subgroup's result: a comparative or generic analysis pools its subgroups with meta.pool."""
    assert isinstance(result, MetaResult), "single proportions have their own forest plot"
    return result


def _build(result: MetaResult, subgroups: SubgroupAnalysis | None, title: str | None, rob: ForestRob | None):
    groups: list[tuple[str | None, MetaResult]] = (
        [(s.level, _comparative(s.result)) for s in subgroups.subgroups] if subgroups else [(None, result)]
    )
    weighted = any(st.weight is not None for st in result.studies)
    log = result.log_scale
    limits = _limits([r for _, r in groups] + [result], log)
    lines: list[_Line] = []
    for level, r in groups:
        if level is not None:
            lines.append(_Header(level))
        for study in r.studies:
            lines.append(_Study(study, len(wrap(study.label).split("\n"))))
        for excluded in r.excluded:
            lines.append(_NotEstimable(excluded))
        if level is not None:
            lines.append(_Pooled(f"Subgroup {level}", r))
            lines.append(_Note(heterogeneity_line(r)))
    lines.append(_Pooled(_model_name(result), result))
    if result.pi_lower is not None and result.pi_upper is not None:  # the interval comes whole or not at all
        lines.append(_Prediction(result.pi_lower, result.pi_upper))
    if subgroups:
        lines.append(
            _Note(
                f"Test for subgroup differences: χ² = {subgroups.q_between:.2f} on {subgroups.q_between_df} df, {p_text(subgroups.q_between_p)}"
            )
        )
    total_rows = sum(line.rows for line in lines) + 2
    height = ROW_INCHES * (total_rows + 6)
    width, scale, step = rob_widths(rob, 11)
    figure = new_figure(width, height)
    bottom = 3.8 * ROW_INCHES / height
    box = (PLOT_BOX[0] * scale, bottom, PLOT_BOX[1] * scale, 1 - bottom - 1.2 * ROW_INCHES / height)
    ax = figure.add_axes(box)
    ax.set_ylim(-0.6, total_rows + 0.6)
    if log:
        ax.set_xscale("log")
        _plain_log_ticks(ax, limits)
    forest_axis(ax, limits)
    ax.set_xlabel(NAMES.get(result.measure, result.measure) + (" (log scale)" if log else ""), fontsize=9)
    ax.axvline(1.0 if log else 0.0, color="black", linewidth=0.6)
    # x in fractions of the 11-inch layout, whatever the risk-of-bias columns add on the right
    at = blended_transform_factory(Affine2D().scale(scale, 1) + figure.transFigure, ax.transData)
    y = total_rows - 0.5
    header_y, study_rows = y, []
    _text(ax, at, X_LABEL, y, "Study", bold=True)
    _text(
        ax,
        at,
        X_ESTIMATE,
        y,
        f"{NAMES.get(result.measure, result.measure)} [95% CI]",
        bold=True,
        align="center",
    )
    if weighted:
        _text(ax, at, X_WEIGHT, y, "Weight", bold=True, align="right")
    overall = _overall_weights(result, groups)
    largest = max((w for w in overall.values() if w is not None), default=None)
    y -= 1
    for line in lines:
        y_mid = y - (line.rows - 1) / 2
        if isinstance(line, _Header):
            _text(ax, at, X_LABEL, y_mid, wrap(line.level), bold=True)
        elif isinstance(line, _Study):
            study = line.study
            _study(ax, at, study, overall.get(study.label), y_mid, limits, weighted, largest)
            study_rows.append((y_mid, study.label))
        elif isinstance(line, _NotEstimable):
            excluded = line.excluded
            _text(ax, at, X_LABEL, y_mid, wrap(excluded.study))
            _text(ax, at, X_ESTIMATE, y_mid, f"not estimable ({for_figure(excluded.reason)})", align="center")
        elif isinstance(line, _Pooled):
            pooled = line.result
            share = (
                sum(overall.get(st.label) or 0.0 for st in pooled.studies) if pooled is not result else 100.0
            )
            _pooled(ax, at, line.label, pooled, share, y_mid, limits, weighted)
        elif isinstance(line, _Prediction):
            interval(ax, line.lower, line.upper, y_mid, limits, color="firebrick", linewidth=3)
            _text(ax, at, X_LABEL, y_mid, "Prediction interval")
            _text(ax, at, X_ESTIMATE, y_mid, f"[{line.lower:.2f}; {line.upper:.2f}]", align="center")
        else:
            _text(ax, at, X_LABEL, y_mid, line.text, size=8)
        y -= line.rows
    if rob is not None:
        draw_rob_columns(ax, at, rob, study_rows, header_y=header_y, x=1.0 + step / 2, step=step)
    figure.text(0.02, 1.9 * ROW_INCHES / height, heterogeneity_line(result), fontsize=8.5)
    method = "\n".join(textwrap.wrap(for_figure(result.method.line()), 170))
    figure.text(0.02, 0.2 * ROW_INCHES / height, method, fontsize=6.5, color="dimgrey", va="bottom")
    if title:
        figure.suptitle(for_figure(title), x=0.02, ha="left", fontsize=11)
    return figure


def _plain_log_ticks(ax, limits: tuple[float, float]) -> None:
    """Ticks at 1-2-5 steps written as plain numbers (the default log labels are mathtext)."""
    low, high = np.floor(np.log10(limits[0])), np.ceil(np.log10(limits[1]))
    ticks = [m * 10.0**e for e in np.arange(low, high + 1) for m in (1, 2, 5)]
    ticks = [t for t in ticks if limits[0] <= t <= limits[1]] or [1.0]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_locator(NullLocator())


def _overall_weights(result: MetaResult, groups) -> dict[str, float | None]:
    """Study weights of the overall model, shown in every row (as meta::forest does with subgroups)."""
    return {study.label: study.weight for study in result.studies}


def _model_name(result: MetaResult) -> str:
    return "Common effect model" if result.method_key in ("fe", "mh", "peto") else "Random effects model"


def _text(ax, at, x, y, text, bold=False, align="left", size=9):
    ax.text(
        x,
        y,
        text,
        transform=at,
        ha=align,
        va="center",
        fontsize=size,
        fontweight="bold" if bold else "normal",
    )


def _study(ax, at, study, weight, y, limits, weighted, largest):
    interval(ax, study.lower, study.upper, y, limits)
    size = 6.0 if weight is None or not largest else 3 + 9 * (weight / largest) ** 0.5
    if limits[0] <= study.estimate <= limits[1]:
        study_square(ax, study.estimate, y, size)
    _text(ax, at, X_LABEL, y, wrap(study.label))
    _text(ax, at, X_ESTIMATE, y, _ci_text(study.estimate, study.lower, study.upper), align="center")
    if weighted:
        _text(ax, at, X_WEIGHT, y, "" if weight is None else f"{weight:.1f}%", align="right")


def _pooled(ax, at, label, result, share, y, limits, weighted):
    low, high = max(result.lower, limits[0]), min(result.upper, limits[1])
    middle = min(max(result.estimate, limits[0]), limits[1])
    ax.add_patch(
        Polygon([(low, y), (middle, y + 0.3), (high, y), (middle, y - 0.3)], closed=True, facecolor="black")
    )
    _text(ax, at, X_LABEL, y, wrap(label), bold=True)
    _text(
        ax,
        at,
        X_ESTIMATE,
        y,
        _ci_text(result.estimate, result.lower, result.upper),
        align="center",
        bold=True,
    )
    if weighted:
        _text(ax, at, X_WEIGHT, y, f"{share:.1f}%", align="right", bold=True)


def draw_forest(
    result: MetaResult,
    path: Path,
    subgroups: SubgroupAnalysis | None = None,
    title: str | None = None,
    risk_of_bias: ForestRob | None = None,
) -> Path:
    """Write the forest plot of ``result`` to ``path`` (.png or .svg)."""
    return save(build_forest(result, subgroups, title, risk_of_bias), path, "cartsle-forest")
