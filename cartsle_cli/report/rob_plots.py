"""Risk-of-bias figures laid out as robvis draws them (McGuinness & Higgins 2021, Res Synth Methods
12:55-61): the traffic-light plot and the weighted summary bar plot.

Traffic light: one row per study (and outcome), one column per domain and the overall column, one
filled circle per cell carrying its judgement's symbol, the domains named below and the judgements
in a legend. Summary: one horizontal bar per domain (and overall) split by the share of studies in
each judgement, optionally weighted (robvis weights by the studies' meta-analysis weights).

The palette is Okabe & Ito's colour-blind-safe set, and every judgement has a symbol as well as a
colour (robvis's +, -, X, !, ?), so the figure reads in grey print and for every colour vision.
Drawn on matplotlib's Agg canvas with fixed SVG metadata and hash salt: the same appraisals give the
same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Patch

from cartsle_cli.errors import CartsleError
from cartsle_cli.safe_output import figure_settings, for_figure

FORMATS = (".png", ".svg")

# style -> (fill colour, symbol, symbol colour); Okabe & Ito (2008) colours, Tol's wine for critical
PALETTE: dict[str, tuple[str, str, str]] = {
    "low": ("#009E73", "+", "black"),
    "concerns": ("#F0E442", "-", "black"),
    "high": ("#D55E00", "X", "black"),
    "critical": ("#882255", "!", "white"),
    "unclear": ("#56B4E9", "?", "black"),
    "na": ("#DDDDDD", "NA", "black"),
    "missing": ("#FFFFFF", "", "black"),
}


@dataclass(frozen=True)
class RobRow:
    label: str  # "Study 2022" or "Study 2022 (outcome)"
    judgements: tuple[str | None, ...]  # one per column; None: not yet agreed (drawn empty)
    weight: float = 1.0


@dataclass(frozen=True)
class RobFigureData:
    title: str
    columns: tuple[tuple[str, str], ...]  # (short id, label) per domain, then ("Overall", "Overall")
    legend: tuple[tuple[str, str], ...]  # (judgement, style), in the tool's order
    rows: tuple[RobRow, ...]

    def style(self, judgement: str | None) -> str:
        if judgement is None:
            return "missing"
        return dict(self.legend).get(judgement, "na")


def _save(figure: Figure, path: Path, salt: str) -> Path:
    suffix = path.suffix.lower()
    metadata = {"Date": None, "Creator": "cartsle"} if suffix == ".svg" else {"Software": "cartsle"}
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        figure.savefig(path, format=suffix[1:], metadata=metadata, dpi=150)
    return path


def _check(path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise CartsleError(
            f"a figure is written as .png or .svg, not {path.suffix or 'no extension'!r}", file=path
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _legend_handles(data: RobFigureData) -> list[Patch]:
    handles = []
    for judgement, style in data.legend:
        colour, symbol, _ = PALETTE[style]
        text = f"{symbol}  {judgement}" if symbol else judgement
        handles.append(Patch(facecolor=colour, edgecolor="black", linewidth=0.5, label=for_figure(text)))
    return handles


def draw_traffic_light(data: RobFigureData, path: Path) -> Path:
    """The traffic-light plot: studies down, domains and Overall across, one symbol-coded cell each."""
    path = _check(path)
    with figure_settings():  # text is built as written, never as mathtext
        return _traffic_light(data, path)


def _traffic_light(data: RobFigureData, path: Path) -> Path:
    n_rows, n_cols = len(data.rows), len(data.columns)
    label_width = max([len(r.label) for r in data.rows] + [10]) * 0.075 + 0.3
    width = label_width + 0.55 * n_cols + 0.6
    domain_lines = [f"{cid}: {label}" for cid, label in data.columns if cid != "Overall"]
    legend_height = 0.22 * (len(domain_lines) + 2)
    height = 0.8 + 0.45 * max(n_rows, 1) + legend_height
    figure = Figure(figsize=(max(width, 6.0), height))
    FigureCanvasAgg(figure)
    ax = figure.add_axes(
        (
            label_width / max(width, 6.0),
            legend_height / height,
            0.55 * n_cols / max(width, 6.0),
            0.45 * max(n_rows, 1) / height,
        )
    )
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks(range(n_cols), [for_figure(cid) for cid, _ in data.columns], fontsize=9, fontweight="bold")
    ax.xaxis.tick_top()
    ax.set_yticks(range(n_rows), [for_figure(r.label) for r in data.rows], fontsize=9)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    # robvis draws the overall column a little apart, with a grey frame around the grid
    for x in range(n_cols):
        ax.axvline(x, color="#BBBBBB", linewidth=0.6, zorder=0)
    for y, row in enumerate(data.rows):
        ax.axhline(y, color="#BBBBBB", linewidth=0.6, zorder=0)
        for x, judgement in enumerate(row.judgements):
            colour, symbol, ink = PALETTE[data.style(judgement)]
            ax.add_patch(Circle((x, y), 0.38, facecolor=colour, edgecolor="black", linewidth=0.6, zorder=2))
            if symbol:
                ax.text(
                    x,
                    y,
                    symbol,
                    ha="center",
                    va="center",
                    fontsize=10,
                    fontweight="bold",
                    color=ink,
                    zorder=3,
                )
    figure.text(0.02, 1 - 0.25 / height, for_figure(data.title), fontsize=10, fontweight="bold", va="top")
    figure.text(
        0.02,
        (legend_height - 0.15) / height,
        "Domains:\n" + "\n".join(for_figure(t) for t in domain_lines),
        fontsize=7.5,
        va="top",
    )
    figure.legend(
        handles=_legend_handles(data),
        title="Judgement",
        loc="lower right",
        fontsize=7.5,
        title_fontsize=8,
        frameon=False,
    )
    return _save(figure, path, "cartsle-traffic-light")


def summary_shares(data: RobFigureData) -> list[list[float]]:
    """Per column, the (weighted) share of studies in each legend judgement, in legend order."""
    shares = []
    for index in range(len(data.columns)):
        totals = dict.fromkeys((j for j, _ in data.legend), 0.0)
        weight = 0.0
        for row in data.rows:
            judgement = row.judgements[index]
            if judgement in totals:
                totals[judgement] += row.weight
                weight += row.weight
        shares.append([value / weight if weight else 0.0 for value in totals.values()])
    return shares


def draw_summary(data: RobFigureData, path: Path, *, weighted: bool = False) -> Path:
    """The summary bar plot: for each domain and overall, the share of studies per judgement."""
    path = _check(path)
    with figure_settings():
        return _summary(data, path, weighted)


def _summary(data: RobFigureData, path: Path, weighted: bool) -> Path:
    shares = summary_shares(data)
    n = len(data.columns)
    figure = Figure(figsize=(9, 1.2 + 0.4 * n))
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.38, 0.2, 0.58, 0.7))
    labels = [for_figure(label if cid == "Overall" else f"{label} ({cid})") for cid, label in data.columns]
    for position, row in enumerate(shares):
        y = n - 1 - position
        left = 0.0
        for (_, style), share in zip(data.legend, row):
            if share <= 0:
                continue
            colour, symbol, ink = PALETTE[style]
            ax.barh(y, share, left=left, color=colour, edgecolor="black", linewidth=0.5, height=0.7)
            if share >= 0.06 and symbol:
                ax.text(
                    left + share / 2,
                    y,
                    symbol,
                    ha="center",
                    va="center",
                    fontsize=8,
                    fontweight="bold",
                    color=ink,
                )
            left += share
    ax.set_yticks(range(n), labels[::-1], fontsize=8.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.text(0.02, 0.96, for_figure(data.title), fontsize=10, fontweight="bold", va="top")
    figure.legend(
        handles=_legend_handles(data), loc="lower center", ncol=len(data.legend), fontsize=7.5, frameon=False
    )
    ax.set_xlabel("Share of studies" + (" (weighted)" if weighted else ""), fontsize=8.5)
    return _save(figure, path, "cartsle-rob-summary")


@dataclass(frozen=True)
class ForestRob:
    """The risk-of-bias columns of a forest plot: their headers (the domains, when asked, then the
    overall judgement) and, per study label, the style of each (None: not appraised or not agreed)."""

    headers: tuple[str, ...]
    styles: dict[str, tuple[str | None, ...]]

    @classmethod
    def overall_only(cls, styles: dict[str, str | None]) -> ForestRob:
        return cls(("RoB",), {label: (style,) for label, style in styles.items()})


COLUMN_INCHES = 0.4  # each risk-of-bias column of a forest plot widens the figure by this much


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def forest_rob(
    tools: list[dict], outcome_keys: tuple[str, ...], *, domains: bool = False
) -> ForestRob | None:
    """The columns for one analysed outcome from the document's appraisals (``appraisal.summary``):
    a per-study tool's rows count for every outcome, a per-outcome tool's only for the outcome it
    names (by id or label). The overall column takes each study from whichever tool appraised it
    (RoB 2 for the trials, ROBINS-I for the other studies of one analysis); the domain columns are
    those of the tool that appraised most of its studies, the others' studies showing only their
    overall judgement. None when no study is appraised for the outcome, so the plot has no column."""
    wanted = {_key(k) for k in outcome_keys if k}
    found = []
    for tool in tools:
        styles = dict((j["judgement"], j["style"]) for j in tool["judgements"])
        rows = [s for s in tool["studies"] if not s["outcome"] or _key(s["outcome"]) in wanted]
        if rows:
            found.append((styles, rows))
    if not found:
        return None
    if not domains:
        overall = {
            study["study_id"]: (styles.get(study["domains"][-1]["judgement"] or ""),)
            for styles, rows in reversed(found)  # the first tool loaded wins a study both appraised
            for study in rows
        }
        return ForestRob(("RoB",), overall)
    styles, rows = max(found, key=lambda item: len(item[1]))
    headers = tuple(c["domain"] for c in rows[0]["domains"][:-1]) + ("Overall",)
    cells = {s["study_id"]: tuple(styles.get(c["judgement"] or "") for c in s["domains"]) for s in rows}
    for other, others in found:
        for study in others:
            if study["study_id"] not in cells:
                blank = (None,) * (len(headers) - 1)
                cells[study["study_id"]] = (*blank, other.get(study["domains"][-1]["judgement"] or ""))
    return ForestRob(headers, cells)


def rob_widths(rob: ForestRob | None, width: float) -> tuple[float, float, float]:
    """(figure width in inches, scale from layout fractions of ``width`` to figure fractions, step
    between columns in layout fractions): the columns go to the right of a ``width``-inch layout."""
    if rob is None:
        return width, 1.0, 0.0
    wide = width + COLUMN_INCHES * len(rob.headers) + 0.15
    return wide, width / wide, COLUMN_INCHES / width


def draw_rob_columns(
    ax, text_at, rob: ForestRob, rows: Sequence[tuple[float, str]], *, header_y: float, x: float, step: float
) -> None:
    """A forest plot's risk-of-bias columns, as robvis adds them: a symbol-coded circle per study
    and column. ``rows``: (y in the plot's data coordinates, study label); ``text_at`` maps x in
    layout fractions and y in data coordinates; the first column at ``x``, the next ``step`` on.
    Each marker and symbol carries the gid ``rob|study|column`` (the figure's data, for tests)."""
    for index, header in enumerate(rob.headers):
        ax.text(
            x + index * step, header_y, header, transform=text_at, ha="center", va="center",
            fontsize=8 if len(rob.headers) > 1 else 9, fontweight="bold", gid=f"rob||{header}",
        )  # fmt: skip
    for y, label in rows:
        styles = rob.styles.get(label, (None,) * len(rob.headers))
        for index, (header, style) in enumerate(zip(rob.headers, styles)):
            colour, symbol, ink = PALETTE[style or "missing"]
            at = x + index * step
            ax.plot(
                [at], [y], transform=text_at, marker="o", markersize=10, color=colour,
                markeredgecolor="black", markeredgewidth=0.6, clip_on=False, gid=f"rob|{label}|{header}",
            )  # fmt: skip
            if symbol:
                ax.text(
                    at, y, symbol, transform=text_at, ha="center", va="center", fontsize=6.5,
                    fontweight="bold", color=ink, gid=f"rob|{label}|{header}",
                )  # fmt: skip


def rob_styles(tool: dict) -> dict[str, str | None]:
    """Study label -> style of its consensus overall judgement, from a tool's part of the document."""
    styles = dict((j["judgement"], j["style"]) for j in tool["judgements"])
    return {s["study_id"]: styles.get(s["domains"][-1]["judgement"] or "") for s in tool["studies"]}
