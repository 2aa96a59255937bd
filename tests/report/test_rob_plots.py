"""The risk-of-bias figures: robvis's layout (a cell per study and domain, the overall column, the
legend), symbols beside colours, weighted shares, and the same bytes for the same appraisals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cartsle_cli.report.rob_plots import (
    PALETTE,
    RobFigureData,
    RobRow,
    draw_summary,
    draw_traffic_light,
    summary_shares,
)

DATA = RobFigureData(
    "Risk of bias: RoB 2",
    (("D1", "Randomisation process"), ("D2", "Deviations"), ("Overall", "Overall")),
    (("low", "low"), ("some concerns", "concerns"), ("high", "high")),
    (
        RobRow("Alpha 2020", ("low", "low", "low"), weight=30.0),
        RobRow("Beta $x$ 2021", ("some concerns", "high", "high"), weight=50.0),
        RobRow("Gamma 2022", ("low", None, None), weight=20.0),
    ),
)


def texts(svg: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_traffic_light_has_a_symbol_per_judged_cell_the_overall_column_and_the_legend(tmp_path):
    svg = draw_traffic_light(DATA, tmp_path / "tl.svg").read_text()
    words = texts(svg)
    # + for low (Alpha x3, Gamma D1), - for some concerns (Beta D1), X for high (Beta D2, overall)
    assert words.count("+") == 4 and words.count("-") == 1 and words.count("X") == 2
    for label in ("D1", "D2", "Overall", "Alpha 2020", "Gamma 2022", "Judgement", "+  low", "X  high"):
        assert label in words, label
    assert "Beta $x$ 2021" in words  # the label stays text (mathtext off), not math
    assert any("D1: Randomisation process" in w for w in words)


def test_figures_are_the_same_bytes_every_time(tmp_path):
    for draw in (draw_traffic_light, draw_summary):
        first = draw(DATA, tmp_path / "a.svg").read_bytes()
        second = draw(DATA, tmp_path / "b.svg").read_bytes()
        assert first == second
    assert draw_traffic_light(DATA, tmp_path / "tl.png").read_bytes()[:4] == b"\x89PNG"


def test_summary_shares_count_judged_studies_with_their_weights():
    weighted = summary_shares(DATA)
    # D1: low weights 30 + 20, some concerns 50, of 100. D2: low 30, high 50, of 80 (Gamma not agreed).
    assert weighted[0] == pytest.approx([0.5, 0.5, 0.0])
    assert weighted[1] == pytest.approx([30 / 80, 0.0, 50 / 80])
    unweighted = RobFigureData(
        DATA.title, DATA.columns, DATA.legend, tuple(RobRow(r.label, r.judgements) for r in DATA.rows)
    )
    assert summary_shares(unweighted)[0] == pytest.approx([2 / 3, 1 / 3, 0.0])


def test_every_style_has_a_symbol_except_missing():
    assert {style for style, (_, symbol, _) in PALETTE.items() if not symbol} == {"missing"}


def test_a_figure_of_another_format_is_refused(tmp_path):
    from cartsle_cli.errors import CartsleError

    with pytest.raises(CartsleError):
        draw_traffic_light(DATA, Path(tmp_path / "plot.pdf"))


def test_a_forest_plot_can_carry_a_risk_of_bias_column(tmp_path):
    from cartsle_cli.report.forest import draw_forest
    from cartsle_cli.stats.meta_proportions import meta_proportions

    meta = meta_proportions(
        [3, 5, 2], [10, 12, 9], method="dl", labels=["Alpha 2020", "Beta 2021", "Gamma 2022"]
    )
    plain = texts(draw_forest(meta, tmp_path / "plain.svg").read_text())
    assert "RoB" not in plain
    marked = texts(
        draw_forest(
            meta, tmp_path / "rob.svg", risk_of_bias={"Alpha 2020": "low", "Beta 2021": "high"}
        ).read_text()
    )
    assert "RoB" in marked
    assert (
        marked.count("X") == plain.count("X") + 1 and marked.count("+") == plain.count("+") + 1
    )  # Gamma: not appraised


def _rob_artists(figure) -> dict[tuple[str, str], tuple[str, str]]:
    """(study, column) -> (marker colour, symbol) as drawn: the figure's data, not its pixels."""
    from matplotlib.colors import to_hex

    (ax,) = [a for a in figure.axes if any((x.get_gid() or "").startswith("rob|") for x in a.lines)] or [None]
    if ax is None:
        return {}
    drawn: dict[tuple[str, str], list[str]] = {}
    for line in ax.lines:
        gid = line.get_gid() or ""
        if gid.startswith("rob|"):
            _, study, column = gid.split("|")
            drawn[(study, column)] = [to_hex(line.get_markerfacecolor()).upper(), ""]
    for text in ax.texts:
        gid = text.get_gid() or ""
        if gid.startswith("rob|") and not gid.startswith("rob||"):
            _, study, column = gid.split("|")
            drawn[(study, column)][1] = text.get_text()
    return {key: (colour, symbol) for key, (colour, symbol) in drawn.items()}


def _rob2_document(rows: list[tuple[str, str, list[str]]]) -> list[dict]:
    """A RoB 2 part of the report document: (study, outcome, [D1..D5, overall judgements])."""
    judgements = [("low", "low"), ("some concerns", "concerns"), ("high", "high")]
    return [
        {
            "tool": "rob2",
            "per_outcome": True,
            "judgements": [{"judgement": j, "style": s} for j, s in judgements],
            "studies": [
                {
                    "study_id": study,
                    "outcome": outcome,
                    "domains": [
                        {"domain": d, "judgement": j}
                        for d, j in zip(["D1", "D2", "D3", "D4", "D5", "overall"], cells)
                    ],
                }
                for study, outcome, cells in rows
            ],
        }
    ]


ROB2_ROWS = [
    ("Alpha 2020", "tb", ["low", "low", "some concerns", "low", "low", "some concerns"]),
    ("Beta 2021", "Tuberculosis", ["high", "low", "low", "low", "low", "high"]),  # the outcome's label
    ("Beta 2021", "deaths", ["low", "low", "low", "low", "low", "low"]),  # another outcome
    ("Gamma 2022", "tb", ["low", None, "low", "low", "low", None]),  # D2 still in conflict
]


def test_a_comparative_forest_plot_carries_each_studys_overall_and_domain_judgements():
    from cartsle_cli.report.forest_effects import build_forest
    from cartsle_cli.report.rob_plots import PALETTE, forest_rob
    from cartsle_cli.stats import effect_sizes, meta

    labels = ["Alpha 2020", "Beta 2021", "Gamma 2022", "Delta 2023"]
    effects = effect_sizes.binary(
        [4, 6, 3, 9], [123, 306, 231, 200], [11, 29, 11, 12], [139, 303, 220, 210], "RR", labels
    )
    result = meta.pool(effects, method="reml")
    assert _rob_artists(build_forest(result)) == {}  # no appraisal: no column
    assert forest_rob([], ("tb", "Tuberculosis")) is None
    overall = forest_rob(_rob2_document(ROB2_ROWS), ("tb", "Tuberculosis"))
    drawn = _rob_artists(build_forest(result, risk_of_bias=overall))
    green, yellow, orange, blank = (PALETTE[s][0].upper() for s in ("low", "concerns", "high", "missing"))
    assert drawn == {
        ("Alpha 2020", "RoB"): (yellow, "-"),
        ("Beta 2021", "RoB"): (orange, "X"),  # its tb row, not its deaths row
        ("Gamma 2022", "RoB"): (blank, ""),  # not agreed yet
        ("Delta 2023", "RoB"): (blank, ""),  # not appraised
    }
    domains = forest_rob(_rob2_document(ROB2_ROWS), ("tb", "Tuberculosis"), domains=True)
    assert domains.headers == ("D1", "D2", "D3", "D4", "D5", "Overall")
    drawn = _rob_artists(build_forest(result, risk_of_bias=domains))
    assert len(drawn) == 4 * 6
    assert drawn[("Alpha 2020", "D3")] == (yellow, "-") and drawn[("Alpha 2020", "D1")] == (green, "+")
    assert drawn[("Beta 2021", "D1")] == (orange, "X") and drawn[("Gamma 2022", "D2")] == (blank, "")


def test_a_single_arm_forest_plot_carries_domains_of_a_per_study_tool():
    from cartsle_cli.report.forest import build_forest
    from cartsle_cli.report.rob_plots import PALETTE, ForestRob
    from cartsle_cli.stats.meta_proportions import meta_proportions

    meta = meta_proportions(
        [3, 5, 2], [10, 12, 9], method="dl", labels=["Alpha 2020", "Beta 2021", "Gamma 2022"]
    )
    rob = ForestRob(("Q1", "Q2", "Overall"), {"Alpha 2020": ("low", "high", "concerns")})
    drawn = _rob_artists(build_forest(meta, risk_of_bias=rob))
    assert drawn[("Alpha 2020", "Q2")] == (PALETTE["high"][0].upper(), "X")
    assert drawn[("Alpha 2020", "Overall")] == (PALETTE["concerns"][0].upper(), "-")
    assert drawn[("Beta 2021", "Q1")] == (PALETTE["missing"][0].upper(), "")


def test_an_analysis_of_trials_and_non_randomised_studies_takes_each_studys_own_tool():
    from cartsle_cli.report.rob_plots import forest_rob

    rob2 = _rob2_document(ROB2_ROWS[:2])  # Alpha (some concerns), Beta (high)
    robins = {
        "tool": "robins-i",
        "per_outcome": True,
        "judgements": [
            {"judgement": "moderate", "style": "concerns"},
            {"judgement": "critical", "style": "critical"},
        ],
        "studies": [
            {
                "study_id": "Delta 2023",
                "outcome": "tb",
                "domains": [
                    {"domain": "D1", "judgement": "critical"},
                    {"domain": "overall", "judgement": "critical"},
                ],
            }
        ],
    }
    overall = forest_rob([*rob2, robins], ("tb", "Tuberculosis"))
    assert overall.styles == {
        "Alpha 2020": ("concerns",),
        "Beta 2021": ("high",),
        "Delta 2023": ("critical",),
    }
    domains = forest_rob([*rob2, robins], ("tb", "Tuberculosis"), domains=True)
    assert domains.headers == ("D1", "D2", "D3", "D4", "D5", "Overall")  # RoB 2 appraised most
    assert domains.styles["Delta 2023"] == (None, None, None, None, None, "critical")
