"""Properties of the binomial-normal GLMM fit that hold whatever the data."""

import random

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.glmm import check_fittable, fit_glmm, heterogeneity_lrt


@st.composite
def fittable_counts(draw):
    totals = np.array(draw(st.lists(st.integers(2, 40), min_size=2, max_size=8)))
    events = np.array([draw(st.integers(0, n)) for n in totals])
    try:
        check_fittable(events, totals)
    except CartsleError:
        assume(False)
    return events, totals


def _fit_or_refused(events, totals):
    """The fit, or None where fit_glmm refuses the data: some fittable-looking counts (e.g. events
    0, 35, 1 of 35, 35, 36, found by hypothesis) have a likelihood that keeps rising with tau^2."""
    try:
        return fit_glmm(events, totals)
    except CartsleError as error:
        assert "keeps rising" in str(error)
        return None


@settings(max_examples=25, deadline=None)
@given(fittable_counts())
@example((np.array([0, 35, 1]), np.array([35, 35, 36])))  # refused, and so is its mirror image
def test_swapping_events_and_non_events_negates_the_logit(counts):
    events, totals = counts
    fit, mirrored = _fit_or_refused(events, totals), _fit_or_refused(totals - events, totals)
    assert (fit is None) == (mirrored is None)
    if fit is not None:
        assert mirrored.mu == pytest.approx(-fit.mu, abs=1e-6)
        assert mirrored.tau2 == pytest.approx(fit.tau2, abs=1e-6)
        assert fit.tau2 >= 0 and fit.se > 0


@settings(max_examples=15, deadline=None)
@given(fittable_counts(), st.randoms())
@example((np.array([0, 0, 0, 0, 0, 4, 6]), np.array([2, 2, 2, 4, 4, 5, 6])), random.Random(1))
def test_order_of_studies_does_not_matter(counts, shuffler):
    events, totals = counts
    order = list(range(len(events)))
    shuffler.shuffle(order)
    fit, shuffled = _fit_or_refused(events, totals), _fit_or_refused(events[order], totals[order])
    assert (fit is None) == (shuffled is None)
    if fit is not None:
        assert (shuffled.mu, shuffled.tau2) == pytest.approx((fit.mu, fit.tau2), abs=1e-6)


def test_without_heterogeneity_the_estimate_is_the_pooled_logit():
    # 3 of 98 with tau^2 = 0: mu = log(3/95) exactly, se = 1/sqrt(98 p (1-p)) with p = 3/98
    fit = fit_glmm(
        np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]),
        np.array([15, 12, 10, 8, 7, 6, 6, 5, 5, 5, 5, 5, 5, 4]),
    )
    assert fit.tau2 == 0.0
    assert fit.mu == pytest.approx(np.log(3 / 95), abs=1e-12)
    assert fit.se == pytest.approx(1 / np.sqrt(98 * (3 / 98) * (95 / 98)), abs=1e-12)


def test_studies_with_only_none_or_all_events_are_refused():
    # 0/2 and 17/17: the likelihood grows without bound as tau^2 grows
    with pytest.raises(CartsleError, match="0 or all events"):
        fit_glmm(np.array([0, 17]), np.array([2, 17]))


def test_likelihood_ratio_for_heterogeneity_by_hand():
    # 2/10 and 6/10 against 8/20: 2 * [2 ln .2 + 8 ln .8 + 6 ln .6 + 4 ln .4 - 8 ln .4 - 12 ln .6]
    by_hand = 2 * (
        2 * np.log(0.2)
        + 8 * np.log(0.8)
        + 6 * np.log(0.6)
        + 4 * np.log(0.4)
        - 8 * np.log(0.4)
        - 12 * np.log(0.6)
    )
    assert heterogeneity_lrt(np.array([2, 6]), np.array([10, 10])) == pytest.approx(by_hand, abs=1e-12)
