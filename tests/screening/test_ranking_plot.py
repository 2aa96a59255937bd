"""The recall curve drawn as text for the terminal and as a PNG."""

from __future__ import annotations

from cartsle_cli.screening.ranking.metrics import recall_curve
from cartsle_cli.screening.ranking.plot import recall_chart, save_recall_plot


def test_text_chart_has_the_requested_size_and_axis_ends():
    chart = recall_chart(recall_curve([1, 1, 0, 1, 0, 0], total_records=30), width=30, height=8)
    lines = chart.splitlines()
    assert len(lines) == 8 + 3  # plot rows, axis, x labels, caption
    assert lines[0].startswith("3 |")  # three includes found so far
    assert lines[-2].rstrip().endswith("30")  # x axis runs to all records
    assert "*" in chart


def test_png_is_written_for_several_runs(tmp_path):
    curves = [
        recall_curve([1, 0, 1, 0], total_records=4, total_relevant=2),
        recall_curve([0, 1, 1, 0], total_records=4, total_relevant=2),
    ]
    path = save_recall_plot(curves, tmp_path / "recall.png", labels=["run 1", "run 2"])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
