"""The stopping aid reports the SAFE-style heuristic and never decides."""

from __future__ import annotations

from cartsle_cli.screening.ranking.stopping import stopping_advice


def test_heuristic_is_met_after_enough_exclusions_in_a_row_and_enough_screened():
    advice = stopping_advice([1] + [0] * 50, total_records=500)
    assert advice.met
    assert advice.consecutive_exclusions == 50
    assert advice.screened_needed == 50  # 10% of 500
    assert "SAFE" in advice.message() and "heuristic" in advice.message()


def test_heuristic_is_not_met_before_the_minimum_share_is_screened():
    advice = stopping_advice([0] * 60, total_records=1000)
    assert not advice.met  # 60 exclusions in a row, but only 6% screened


def test_an_include_resets_the_run_of_exclusions():
    advice = stopping_advice([0] * 80 + [1] + [0] * 10, total_records=200)
    assert advice.consecutive_exclusions == 10
    assert not advice.met
