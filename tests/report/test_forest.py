"""Forest plots: drawn as PNG and SVG, with meta::forest's columns, byte-reproducible."""

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.report.forest import draw_forest, heterogeneity_line
from cartsle_cli.stats.meta_proportions import meta_proportions

RESULT = meta_proportions(
    [2, 10, 0, 15, 4, 1],
    [20, 25, 12, 30, 40, 9],
    method="reml",
    labels=["Mackensen 2022", "Wang 2024", "Muller 2024", "Krickau 2024", "Hagen 2024", "Chen 2025"],
)


def test_svg_holds_the_columns_rows_and_heterogeneity_line(tmp_path):
    svg = draw_forest(RESULT, tmp_path / "crs.svg", title="CRS").read_text()
    for text in (
        "Study",
        "Events",
        "Total",
        "Proportion [95% CI]",
        "Weight",
        "Krickau 2024",
        "Random effects model",
        "Prediction interval",
        "Heterogeneity: I² = 76%",
        "100.0%",
        "REML",
    ):
        assert text in svg, text
    # the pooled row: rma(measure="PLO", ..., method="REML") back-transformed, 0.20 [0.08; 0.40]
    assert "0.20 [0.08; 0.40]" in svg


def test_png_is_written(tmp_path):
    png = draw_forest(RESULT, tmp_path / "crs.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_same_result_gives_the_same_bytes(tmp_path, suffix):
    first = draw_forest(RESULT, tmp_path / f"a{suffix}").read_bytes()
    second = draw_forest(RESULT, tmp_path / f"b{suffix}").read_bytes()
    assert first == second


def test_glmm_plot_leaves_weights_blank(tmp_path):
    glmm = meta_proportions([2, 10, 0, 15, 4, 1], [20, 25, 12, 30, 40, 9])
    svg = draw_forest(glmm, tmp_path / "glmm.svg").read_text()
    assert "100.0%" not in svg and "likelihood-ratio test" in svg


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(CartsleError, match=".png or .svg"):
        draw_forest(RESULT, tmp_path / "crs.pdf")


def test_heterogeneity_line_reads_like_meta_forest():
    line = heterogeneity_line(RESULT)
    assert line.startswith(
        "Heterogeneity: I² = 76% [I² = τ²/(τ² + typical within-study variance)], τ² = 1.0417"
    )
    assert line.endswith("Cochran's Q = 20.44 on 5 df, p < 0.01")
