"""Funnel plot: each study's estimate against its standard error, with pseudo-confidence limits.

As metafor's ``funnel(rma)``: the standard error on a reversed vertical axis (precise studies on
top), the pooled estimate as a vertical line and the pseudo 95% limits estimate +- 1.96 SE as a
funnel; on the analysis scale (log OR, log RR, ...), which is where symmetry is expected. With
Egger's test, its regression line (estimate = intercept + slope SE) and its result are drawn too
(Sterne JAC, Egger M 2001. Funnel plots for detecting bias in meta-analysis. J Clin Epidemiol
54:1046-1055).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import stats

from cartsle_cli.report.plot_layout import new_figure, p_text, save
from cartsle_cli.safe_output import figure_settings, for_figure
from cartsle_cli.stats.meta import MetaResult
from cartsle_cli.stats.sensitivity import EggerTest


def build_funnel(result: MetaResult, egger: EggerTest | None = None, title: str | None = None):
    """The funnel plot of ``result`` as a matplotlib Figure (not yet saved)."""
    with figure_settings():
        z = float(stats.norm.isf((1 - result.level) / 2))
        estimates = np.array([s.estimate_transformed for s in result.studies])
        errors = np.array([s.se_transformed for s in result.studies])
        top = float(errors.max()) * 1.08
        figure = new_figure(6.5, 5.2)
        ax = figure.add_axes((0.13, 0.24, 0.82, 0.68))
        se_grid = np.linspace(0, top, 50)
        centre = result.estimate_transformed
        ax.fill_betweenx(se_grid, centre - z * se_grid, centre + z * se_grid, color="0.93", zorder=0)
        ax.plot(
            centre - z * se_grid,
            se_grid,
            color="dimgrey",
            linestyle="--",
            linewidth=0.8,
            label="pseudo 95% limits",
        )
        ax.plot(centre + z * se_grid, se_grid, color="dimgrey", linestyle="--", linewidth=0.8)
        ax.axvline(centre, color="black", linewidth=0.8)
        ax.scatter(estimates, errors, s=22, color="black", zorder=3, clip_on=False)
        if egger is not None:
            ax.plot(
                egger.limit_estimate + egger.slope * se_grid,
                se_grid,
                color="firebrick",
                linewidth=1,
                label="Egger regression line",
            )
            figure.text(
                0.02, 0.06,
                for_figure(f"Egger's test: t = {egger.statistic:.2f} on {egger.df} df, {p_text(egger.p)}"
                           + (f" — {egger.warning}" if egger.warning else "")),
                fontsize=7.5, wrap=True,
            )  # fmt: skip
        ax.set_ylim(top, 0)
        ax.set_ylabel("Standard error", fontsize=9)
        ax.set_xlabel(for_figure(result.scale[:1].upper() + result.scale[1:]), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7.5, loc="upper right", bbox_to_anchor=(1.0, -0.1), ncol=2, frameon=False)
        figure.text(0.02, 0.015, for_figure(f"centre: {result.method.model}"), fontsize=6.5, color="dimgrey")
        if title:
            figure.suptitle(for_figure(title), x=0.02, ha="left", fontsize=11)
        return figure


def draw_funnel(
    result: MetaResult, path: Path, egger: EggerTest | None = None, title: str | None = None
) -> Path:
    """Write the funnel plot of ``result`` to ``path`` (.png or .svg)."""
    return save(build_funnel(result, egger, title), path, "cartsle-funnel")
