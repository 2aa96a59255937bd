"""Forest and funnel plots of comparative meta-analyses: the drawn artists, not pixels."""

import sys
from pathlib import Path

import pytest
from matplotlib.text import Annotation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))
from metafor_datasets import BCG, BCG_ALLOC, BCG_LABELS  # noqa: E402

from cartsle_cli.report import forest, forest_effects, funnel  # noqa: E402
from cartsle_cli.stats import effect_sizes as es  # noqa: E402
from cartsle_cli.stats import meta, moderators, sensitivity  # noqa: E402
from cartsle_cli.stats.meta_proportions import meta_proportions  # noqa: E402


def _texts(figure):
    found = [t for t in figure.texts]
    for ax in figure.axes:
        found += [t for t in ax.texts if not isinstance(t, Annotation)]
        found += ax.get_xticklabels()
    return found


def _arrows(figure):
    return [
        t for ax in figure.axes for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is not None
    ]


def _bcg(method="reml"):
    return meta.pool(es.binary(*BCG, "RR", labels=BCG_LABELS), method=method)


def test_ratio_forest_is_on_a_log_axis_with_plain_tick_labels_and_a_named_heterogeneity_line():
    figure = forest_effects.build_forest(_bcg())
    ax = figure.axes[0]
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "1" in labels and not any("$" in label for label in labels)
    texts = [t.get_text() for t in _texts(figure)]
    assert "Aronson 1948" in texts and "Weight" in texts and "100.0%" in texts
    line = next(t for t in texts if t.startswith("Heterogeneity:"))
    assert "typical within-study variance" in line and "Cochran's Q = 152.23 on 12 df" in line


def test_labels_are_never_math_and_long_ones_wrap():
    effects = es.generic([0.1, 0.3, -0.2], [0.1, 0.2, 0.15], labels=["$x$", "a" * 70, "Smith 2020"])
    figure = forest_effects.build_forest(meta.pool(effects, method="dl"))
    texts = _texts(figure)
    math = next(t for t in texts if t.get_text() == "$x$")
    assert math.get_parse_math() is False
    long = next(t for t in texts if t.get_text().startswith("aaaa"))
    assert "\n" in long.get_text() and max(len(part) for part in long.get_text().split("\n")) <= 28


def test_intervals_beyond_the_axis_end_in_an_arrow():
    # one tiny study with a huge CI next to precise ones: its interval is cut, with arrow heads
    effects = es.generic([0.0, 0.1, 0.05, 3.0], [0.05, 0.05, 0.06, 4.0], labels=["a", "b", "c", "wide"])
    figure = forest_effects.build_forest(meta.pool(effects, method="fe"))
    assert len(_arrows(figure)) == 2
    precise = es.generic([0.0, 0.1], [0.05, 0.05])
    assert _arrows(forest_effects.build_forest(meta.pool(precise, method="fe"))) == []


def test_subgroup_forest_has_each_subgroup_and_the_test_for_differences():
    effects = es.binary(*BCG, "RR", labels=BCG_LABELS)
    groups = moderators.subgroups(effects, BCG_ALLOC, variable="alloc")
    texts = [t.get_text() for t in _texts(forest_effects.build_forest(_bcg(), groups))]
    for expected in ("random", "Subgroup random", "Subgroup systematic", "Random effects model"):
        assert expected in texts
    assert any(t.startswith("Test for subgroup differences: χ² = 1.86 on 2 df") for t in texts)


def test_not_estimable_studies_are_listed_with_the_reason():
    effects = es.binary([0, 3, 5], [10, 30, 40], [0, 6, 9], [12, 31, 38], "OR", labels=["Zero", "B", "C"])
    texts = [t.get_text() for t in _texts(forest_effects.build_forest(meta.pool(effects, method="mh")))]
    assert "Zero" in texts and "not estimable (no events in either arm)" in texts


def test_glmm_proportion_forest_has_no_weight_column_and_whole_markers_at_zero():
    result = meta_proportions([0, 10, 2, 15], [12, 25, 20, 30], labels=["None", "B", "C", "D"])
    figure = forest.build_forest(result)
    texts = [t.get_text() for t in _texts(figure)]
    assert "Weight" not in texts and "Proportion [95% CI]" in texts
    markers = [line for line in figure.axes[0].lines if line.get_marker() == "s"]
    at_zero = [line for line in markers if line.get_xdata()[0] == 0]
    assert at_zero and all(line.get_clip_on() is False for line in at_zero)
    assert any("likelihood-ratio test" in t for t in texts)


def test_funnel_draws_every_study_the_pseudo_limits_and_egger(tmp_path):
    result = _bcg()
    egger = sensitivity.egger_test(es.binary(*BCG, "RR"))
    figure = funnel.build_funnel(result, egger)
    ax = figure.axes[0]
    assert len(ax.collections[-1].get_offsets()) == 13
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # standard error reversed: precise studies on top
    labels = [line.get_label() for line in ax.lines]
    assert "pseudo 95% limits" in labels and "Egger regression line" in labels
    assert any("Egger's test: t = -1.40 on 11 df" in t.get_text() for t in figure.texts)
    path = funnel.draw_funnel(result, tmp_path / "funnel.svg", egger)
    assert "Egger" in path.read_text()


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_comparative_forest_gives_the_same_bytes_twice(tmp_path, suffix):
    first = forest_effects.draw_forest(_bcg(), tmp_path / f"a{suffix}").read_bytes()
    assert first == forest_effects.draw_forest(_bcg(), tmp_path / f"b{suffix}").read_bytes()
