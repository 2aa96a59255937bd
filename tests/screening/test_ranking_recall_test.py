"""The hypergeometric stopping test (Callaghan & Mueller-Hansen 2020) against hand and scipy sums."""

from __future__ import annotations

import math

import pytest
from scipy.stats import hypergeom

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.ranking.recall_test import (
    hypergeometric_cdf,
    includes_under_null,
    recall_test,
)


def test_p_value_matches_a_hand_computed_hypergeometric_probability():
    # 19 includes found before the switch, target 95%: recall < 95% needs more than 19 / 0.95 = 20
    # includes in all, so at least 21 - 19 = 2 of them among the 10 records left at the switch.
    # Four random records, none an include: P(X = 0) = C(2,0) C(8,4) / C(10,4) = 70 / 210 = 1/3.
    test = recall_test(19, 10, [0, 0, 0, 0])
    assert test.includes_under_null == 2
    assert test.p_value == pytest.approx(1 / 3, abs=1e-12)
    assert not test.met
    # Eight clean records: C(8,8) / C(10,8) = 1 / 45 < 0.05: recall >= 95% at 95% confidence.
    test = recall_test(19, 10, [0] * 8)
    assert test.p_value == pytest.approx(1 / 45, abs=1e-12)
    assert test.met


def test_an_include_in_the_sample_raises_the_bar():
    # 19 before + 1 in the sample = 20 seen; H0 needs > 20 / 0.95 = 21.05, i.e. 22 in all, so
    # 22 - 19 = 3 in the population of 10; P(X <= 1) with 5 drawn:
    # (C(3,0) C(7,5) + C(3,1) C(7,4)) / C(10,5) = (21 + 105) / 252 = 0.5
    test = recall_test(19, 10, [1, 0, 0, 0, 0])
    assert test.includes_under_null == 3
    assert test.p_value == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize(
    ("k", "population", "successes", "draws"),
    [(0, 851, 5, 300), (2, 1000, 30, 100), (0, 100_000, 40, 3_000), (7, 20_000, 60, 2_500)],
)
def test_cdf_agrees_with_scipy(k, population, successes, draws):
    assert hypergeometric_cdf(k, population, successes, draws) == pytest.approx(
        hypergeom.cdf(k, population, successes, draws), rel=1e-8, abs=1e-12
    )


def test_target_boundary_is_not_lost_to_floating_point():
    # 19 / 0.95 is 20 exactly; floor(20 - 19 + 1) = 2, not 1
    assert includes_under_null(19, 0, 0.95) == 2
    assert includes_under_null(95, 0, 0.95) == math.floor(100 - 95 + 1)


def test_population_too_small_for_the_null_gives_p_zero():
    # 2 records left, 19 found: H0 needs 2 includes among them, but both were sampled and excluded
    assert recall_test(19, 2, [0, 0]).p_value == 0.0


def test_relevant_left_bound_is_an_exact_one_sided_bound():
    test = recall_test(10, 1000, [0] * 300)

    # P(no include in 300 of 1000 | K) = C(1000-K, 300) / C(1000, 300); K = bound still > 0.05
    def clean(k: int) -> float:
        return math.comb(1000 - k, 300) / math.comb(1000, 300)

    assert clean(test.relevant_left_high) > 0.05 >= clean(test.relevant_left_high + 1)


@pytest.mark.parametrize("target", [0.0, 1.0, 1.5, -0.1])
def test_target_outside_zero_one_is_refused(target):
    with pytest.raises(CartsleError, match="between 0 and 1"):
        recall_test(5, 100, [0], target=target)
