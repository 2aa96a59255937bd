"""Score-over-time summaries from a small patients table whose figures are worked out by hand below."""

import pandas as pd
import pytest

from cartsle_cli.stats.scores import summarise_scores

STUDIES = pd.DataFrame(
    {"study_id": ["S1", "S2"], "origin": ["autologous", "allogeneic"], "target": ["CD19", "CD19-BCMA"]}
)
SCORES = {  # (study, patient): {month: SLEDAI-2K}
    ("S1", "P1"): {0: 12, 1: 6, 3: 4, 6: 0},
    ("S1", "P2"): {0: 14, 1: 8, 3: 4},
    ("S1", "P3"): {0: 8, 1: 2, 3: 0, 6: 0},
    ("S2", "P1"): {0: 10, 1: 6, 3: 2, 6: 2},
    ("S2", "P2"): {0: 16, 3: 8},
}
PATIENTS = pd.DataFrame(
    [(s, p, m, v) for (s, p), months in SCORES.items() for m, v in months.items()],
    columns=["study_id", "patient", "time", "score"],
)


def summarise(studies: pd.DataFrame = STUDIES):
    groups = {name: dict(zip(studies["study_id"], studies[name])) for name in ("origin", "target")}
    return summarise_scores(
        PATIENTS, change_at=(1, 3, 6), mean_at=(0, 3, 6), thresholds=(0, 4), groups=groups, label="SLEDAI-2K"
    )


@pytest.fixture(scope="module")
def result():
    return summarise()


def test_reduction_at_month_one_is_baseline_minus_month(result):
    # reductions at month 1: 6, 6, 6, 4 -> median 6, type-7 quartiles 5.5 and 6
    month1 = result.changes[0]
    assert month1.time == 1 and result.direction == "reduction"
    assert (month1.summary.n, month1.summary.median, month1.summary.q1, month1.summary.q3) == (
        4,
        6.0,
        5.5,
        6.0,
    )


def test_mean_baseline_with_t_interval(result):
    # t.test(c(12,14,8,10,16))$conf.int: 8.073513677 15.926486323
    baseline = result.means[0].summary
    assert baseline.n == 5 and baseline.mean == pytest.approx(12.0)
    assert (baseline.lower, baseline.upper) == pytest.approx((8.073513677, 15.926486323), abs=1e-8)


def test_last_followup_shares_count_each_patient_once(result):
    # last scores: 0 (m6), 4 (m3), 0 (m6), 2 (m6), 8 (m3) -> SLEDAI 0: 2/5, <= 4: 4/5
    assert result.last_followup_patients == 5
    zero, low = (share.share for share in result.at_or_below)
    assert (zero.events, zero.total) == (2, 5)
    assert (low.events, low.total) == (4, 5)
    # binom.test(2, 5)$conf.int: 0.05274495053 0.85336720037
    assert zero.clopper_pearson.lower == pytest.approx(0.0527449505, abs=1e-9)


def test_subgroups_compare_reduction_at_last_followup(result):
    # reductions at last follow-up: S1 autologous 12, 10, 8; S2 allogeneic 8, 8
    # wilcox.test(c(12,10,8), c(8,8)): W = 5, p-value = 0.3329216081 (ties: normal approximation)
    origin = result.comparisons[0]
    assert (origin.by, origin.group1, origin.group2) == ("origin", "autologous", "allogeneic")
    assert origin.group1_summary.median == 10.0 and origin.group2_summary.median == 8.0
    assert origin.test.w == 5.0
    assert origin.test.p_value == pytest.approx(0.3329216081, abs=1e-9)
    assert "last follow-up" in origin.outcome
    assert origin.label.startswith(
        "descriptive only: patients of different studies are treated as independent"
    )


def test_one_group_only_is_reported_not_tested():
    studies = STUDIES.assign(origin=["autologous", "autologous"])
    origin = summarise(studies).comparisons[0]
    assert origin.test is None and "1 groups" in origin.not_tested


def test_higher_is_better_scores_count_the_increase():
    # month 1 minus baseline: -6, -6, -6, -4 -> median -6
    result = summarise_scores(PATIENTS, change_at=(1,), lower_is_better=False)
    assert (result.direction, result.changes[0].summary.median) == ("increase", -6.0)


def test_result_serialises_with_its_quantile_method(result):
    assert "type 7" in result.to_dict()["quantile_method"]
