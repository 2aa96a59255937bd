"""Single proportions: intervals checked against R's binom.test and prop.test(correct=FALSE)."""

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.proportions import clopper_pearson, crude_proportion, wilson


@pytest.mark.parametrize(
    "events, total, lower, upper",
    [
        (3, 98, 0.00635802571746, 0.08686300887783),  # binom.test(3, 98)$conf.int
        (0, 22, 0.0, 0.154372512816),  # binom.test(0, 22)$conf.int
        (56, 98, 0.467467138700, 0.670955733509),  # binom.test(56, 98)$conf.int
    ],
)
def test_clopper_pearson_matches_binom_test(events, total, lower, upper):
    interval = clopper_pearson(events, total)
    assert interval.lower == pytest.approx(lower, abs=1e-10)
    assert interval.upper == pytest.approx(upper, abs=1e-10)


@pytest.mark.parametrize(
    "events, total, lower, upper",
    [
        (3, 98, 0.0104648910825, 0.0861702016848),  # prop.test(3, 98, correct=FALSE)$conf.int
        (0, 22, 0.0, 0.148654874609),  # prop.test(0, 22, correct=FALSE)$conf.int
        (56, 98, 0.472584363004, 0.664884209836),  # prop.test(56, 98, correct=FALSE)$conf.int
    ],
)
def test_wilson_matches_prop_test_without_correction(events, total, lower, upper):
    interval = wilson(events, total)
    assert interval.lower == pytest.approx(lower, abs=1e-10)
    assert interval.upper == pytest.approx(upper, abs=1e-10)


def test_all_events_gives_upper_limit_one():
    assert clopper_pearson(7, 7).upper == 1.0
    assert wilson(7, 7).upper == pytest.approx(1.0)


def test_crude_proportion_carries_both_intervals_and_their_names():
    crude = crude_proportion(56, 98)
    assert crude.proportion == pytest.approx(56 / 98)
    assert crude.clopper_pearson.method.startswith("Clopper-Pearson")
    assert crude.wilson.method.startswith("Wilson")
    assert crude.to_dict()["wilson"]["lower"] == pytest.approx(0.472584363004, abs=1e-10)


@pytest.mark.parametrize("events, total", [(5, 3), (-1, 3), (0, 0)])
def test_impossible_counts_are_refused(events, total):
    with pytest.raises(CartsleError):
        crude_proportion(events, total)
