"""Quantiles, t intervals and Mann-Whitney against R 4 (quantile, t.test, wilcox.test)."""

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.descriptive import mann_whitney, mean_ci, median_iqr

VALUES = [1, 3, 4, 7, 8, 10, 15]


def test_default_quartiles_are_r_type_7():
    # quantile(c(1,3,4,7,8,10,15), c(.25,.5,.75), type=7) -> 3.5 7 9
    summary = median_iqr(VALUES)
    assert (summary.q1, summary.median, summary.q3) == (3.5, 7.0, 9.0)
    assert "type 7" in summary.quantile_method


def test_quantile_method_is_selectable():
    # quantile(c(1,3,4,7,8,10,15), c(.25,.5,.75), type=6) -> 3 7 10
    summary = median_iqr(VALUES, "weibull")
    assert (summary.q1, summary.median, summary.q3) == (3.0, 7.0, 10.0)
    assert "type 6" in summary.quantile_method


def test_unknown_quantile_method_is_refused():
    with pytest.raises(CartsleError, match="quantile method"):
        median_iqr(VALUES, "type7")


def test_mean_ci_matches_t_test():
    # t.test(c(12,14,10,16,9,13)): mean 12.3333333333, conf.int 9.62370216251 15.04296450416
    summary = mean_ci([12, 14, 10, 16, 9, 13])
    assert summary.mean == pytest.approx(12.3333333333)
    assert (summary.lower, summary.upper) == pytest.approx((9.62370216251, 15.04296450416), abs=1e-10)


def test_mean_of_one_value_has_no_interval():
    assert mean_ci([4]).lower is None


def test_mann_whitney_without_ties_is_exact_like_wilcox_test():
    # wilcox.test(c(8,6,12,3,10), c(5,1,7)): W = 12, p-value = 0.25
    test = mann_whitney([8, 6, 12, 3, 10], [5, 1, 7])
    assert (test.w, test.method) == (12.0, "exact")
    assert test.p_value == pytest.approx(0.25, abs=1e-12)
    # by hand: r = 2 * 12 / (5 * 3) - 1
    assert test.rank_biserial == pytest.approx(0.6)


def test_mann_whitney_with_ties_uses_corrected_normal_approximation():
    # wilcox.test(c(8,6,12,6,10,4), c(5,6,7,2), correct=TRUE): W = 18, p-value = 0.235195640423
    test = mann_whitney([8, 6, 12, 6, 10, 4], [5, 6, 7, 2])
    assert test.w == 18.0
    assert test.p_value == pytest.approx(0.235195640423, abs=1e-10)
    assert "continuity correction" in test.method


def test_mann_whitney_needs_both_groups():
    with pytest.raises(CartsleError, match="both groups"):
        mann_whitney([1, 2], [])
