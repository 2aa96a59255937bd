"""GRADE suggestions: each rule on numbers worked by hand, and the certainty levels."""

from __future__ import annotations

import pytest

from cartsle_cli.certainty.suggest import (
    certainty,
    optimal_information_size_binary,
    optimal_information_size_proportion,
    suggest_imprecision,
    suggest_inconsistency,
    suggest_publication_bias,
    suggest_risk_of_bias,
)


def test_optimal_information_size_of_a_binary_outcome_by_hand():
    # control risk 0.20, RRR 25% -> 0.15; z = 1.959964 + 0.841621 = 2.801585, z^2 = 7.848879;
    # variance 0.2*0.8 + 0.15*0.85 = 0.2875; difference^2 = 0.0025;
    # per group 7.848879 * 0.2875 / 0.0025 = 902.62 -> 903; both groups 1806.
    assert optimal_information_size_binary(0.20) == 1806


def test_optimal_information_size_of_a_proportion_by_hand():
    # 1.959964^2 * 0.3 * 0.7 / 0.1^2 = 3.841459 * 21 = 80.67 -> 81
    assert optimal_information_size_proportion(0.3, 0.10) == 81


def test_risk_of_bias_counts_the_weight_at_high_risk():
    weights = {"A": 40.0, "B": 35.0, "C": 25.0}
    assert suggest_risk_of_bias(weights, {"A": 2, "B": 2, "C": 0}, 2).levels == 1  # 75% of the weight
    under = suggest_risk_of_bias(weights, {"A": 2, "B": 1, "C": 0}, 2)
    assert under.levels == 0 and under.reason.startswith("40%")
    assert suggest_risk_of_bias(weights, {"A": 3, "B": 3, "C": 0}, 3).levels == 2  # critical (ROBINS-I)
    assert suggest_risk_of_bias(weights, {}, 2).needs_reviewers


def test_inconsistency_from_i2_and_the_prediction_interval():
    assert suggest_inconsistency(30.0, 0.5, 0.8, 0.4, 0.9, None).levels == 0
    assert suggest_inconsistency(62.0, 0.5, 0.8, 0.3, 0.95, None).levels == 1
    # comparative, log scale null 1: CI 0.6-0.9 excludes 1, PI 0.4-1.3 crosses it
    assert suggest_inconsistency(40.0, 0.6, 0.9, 0.4, 1.3, 1.0).levels == 1
    assert suggest_inconsistency(80.0, 0.6, 0.9, 0.4, 1.3, 1.0).levels == 2
    assert suggest_inconsistency(None, 0.6, 0.9, None, None, 1.0).needs_reviewers


def test_imprecision_one_level_per_problem():
    assert suggest_imprecision(0.8, 0.6, 1.1, 2000, 1806, 1.0).levels == 1  # crosses 1
    assert suggest_imprecision(0.8, 0.6, 1.1, 500, 1806, 1.0).levels == 2  # and under the OIS
    assert suggest_imprecision(0.8, 0.7, 0.9, 2000, 1806, 1.0).levels == 0
    # single proportion: half-width (0.51 - 0.13) / 2 = 0.19 > 0.10; 21 participants < 79
    wide = suggest_imprecision(0.29, 0.13, 0.51, 21, 79, None)
    assert wide.levels == 2 and "wider than +/- 0.10" in wide.reason


def test_imprecision_two_levels_when_a_ratio_ci_includes_appreciable_benefit_and_harm():
    # GRADE's rough guide for ratios: benefit under 0.75, harm over 1.25 (Guyatt et al. 2011;64:1283).
    # RR 0.9, CI 0.5 to 1.6: below 0.75 and above 1.25 -> two levels from the CI alone, OIS met.
    very_wide = suggest_imprecision(0.9, 0.5, 1.6, 2000, 1806, 1.0)
    assert very_wide.levels == 2 and "appreciable benefit" in very_wide.reason
    # CI 0.6 to 1.2 crosses 1 but not 1.25: one level, as before
    assert suggest_imprecision(0.85, 0.6, 1.2, 2000, 1806, 1.0).levels == 1
    # CI 0.8 to 1.3 crosses 1.25 but not 0.75: one level
    assert suggest_imprecision(1.0, 0.8, 1.3, 2000, 1806, 1.0).levels == 1
    # never above two levels, also under the OIS
    assert suggest_imprecision(0.9, 0.5, 1.6, 100, 1806, 1.0).levels == 2
    # the thresholds are for ratios only: a mean difference of -0.5 to 1.6 (null 0) is one level
    assert suggest_imprecision(0.5, -0.5, 1.6, 2000, 1806, 0.0).levels == 1


def test_publication_bias_only_from_ten_studies():
    few = suggest_publication_bias(7, 0.01)
    assert few.levels == 0 and few.needs_reviewers and "fewer than 10" in few.reason
    assert suggest_publication_bias(12, 0.04).levels == 1
    assert suggest_publication_bias(12, 0.25).levels == 0


@pytest.mark.parametrize(
    ("start", "down", "label", "symbols"),
    [
        ("high", 0, "high", "\u2295\u2295\u2295\u2295"),
        ("high", 1, "moderate", "\u2295\u2295\u2295\u25ef"),
        ("high", 3, "very low", "\u2295\u25ef\u25ef\u25ef"),
        ("low", 0, "low", "\u2295\u2295\u25ef\u25ef"),
        ("low", 2, "very low", "\u2295\u25ef\u25ef\u25ef"),
    ],
)
def test_certainty_starts_by_design_and_goes_down_a_level_per_downgrade(start, down, label, symbols):
    grade = certainty(start, down)
    assert grade.label == label and grade.symbols == symbols
