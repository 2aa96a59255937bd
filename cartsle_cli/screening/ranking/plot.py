"""The recall curve as a text chart for the terminal and as a PNG (matplotlib, Agg backend)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cartsle_cli.safe_output import figure_settings, for_figure
from cartsle_cli.screening.ranking.metrics import RecallCurve


def recall_chart(curve: RecallCurve, width: int = 60, height: int = 12) -> str:
    """Includes found (y) against records screened (x) in plain characters, with axis labels.

    The x axis runs to ``total_records`` when known, so the reader sees how much is left; the
    dotted diagonal is what a random order would find on average (only when includes are known).
    """
    screened, found = curve.screened, curve.found
    x_max = max(curve.total_records or 0, screened[-1], 1)
    y_max = max(curve.total_relevant or 0, found[-1], 1)
    grid = [[" "] * width for _ in range(height)]
    if curve.total_relevant:
        for column in range(width):
            row = round(column / max(width - 1, 1) * (height - 1))
            grid[height - 1 - row][column] = "."
    for column in range(width):
        x = int(column / max(width - 1, 1) * x_max)
        if x > screened[-1]:
            break  # not screened that far yet
        row = round(found[x] / y_max * (height - 1))
        grid[height - 1 - row][column] = "*"
    label_width = len(str(y_max))
    lines = []
    for index, cells in enumerate(grid):
        value = y_max if index == 0 else (0 if index == height - 1 else None)
        label = "" if value is None else str(value)
        lines.append(f"{label:>{label_width}} |{''.join(cells)}")
    lines.append(" " * label_width + " +" + "-" * width)
    lines.append(" " * label_width + f"  0{str(x_max):>{width - 1}}")
    lines.append(" " * label_width + "  includes found (y) against records screened (x)")
    return "\n".join(lines)


def save_recall_plot(
    curves: Sequence[RecallCurve],
    path: str | Path,
    *,
    title: str | None = None,
    labels: Sequence[str] | None = None,
) -> Path:
    """Write the curves to a PNG. With known includes the y axis is recall and a random-order
    diagonal is drawn; otherwise it counts includes found. Labels (reviewers' names) and the title
    are drawn as written, never as mathtext (``safe_output.figure_settings``)."""
    with figure_settings():
        return _save_recall_plot(curves, Path(path), title, labels)


def _save_recall_plot(
    curves: Sequence[RecallCurve], path: Path, title: str | None, labels: Sequence[str] | None
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    figure, axes = plt.subplots(figsize=(6.5, 4.5), dpi=120)
    as_recall = all(curve.recall is not None for curve in curves)
    for index, curve in enumerate(curves):
        recall = curve.recall
        y = recall if as_recall and recall is not None else curve.found
        name = for_figure(labels[index]) if labels else None
        axes.plot(curve.screened, y, linewidth=1.2, label=name)
    x_max = max(max(curve.total_records or 0, curve.screened[-1]) for curve in curves)
    if as_recall:
        axes.plot([0, x_max], [0, 1], linestyle=":", color="grey", label="random order (expected)")
        axes.axhline(0.95, linestyle="--", color="lightgrey", linewidth=0.8)
    axes.set_xlim(0, x_max)
    axes.set_xlabel("records screened")
    axes.set_ylabel("recall (share of includes found)" if as_recall else "includes found")
    axes.set_title(for_figure(title or "Recall curve"))
    if labels or as_recall:
        axes.legend(loc="lower right", fontsize="small")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
