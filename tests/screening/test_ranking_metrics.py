"""Screening metrics against values worked out by hand on tiny screening orders."""

from __future__ import annotations

import pytest

from cartsle_cli.screening.ranking.metrics import (
    recall_curve,
    records_to_recall,
    screening_metrics,
    wss_cohen,
    wss_insights,
)


def test_metrics_of_ten_records_two_includes_match_hand_calculation():
    # N = 10, includes read 1st and 3rd.
    # insights WSS@95: k = 1 (1/2 <= 0.95 < 2/2); found at index 0; random order
    # round(linspace(0, 2, 10)) = 0,0,0,1,1,1,1,2,2,2 reaches 1 at index 3 -> (3 - 0) / 10 = 0.3
    # Cohen WSS@95: ceil(0.95 * 2) = 2 includes need 3 records -> (10 - 3) / 10 - 0.05 = 0.65
    # WSS@100: insights (7 - 2) / 10 = 0.5; Cohen (10 - 3) / 10 = 0.7
    # RRF@10: floor(0.1 * 10) = 1 record read, 1 of 2 includes -> 0.5
    metrics = screening_metrics([1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    assert metrics.records == 10 and metrics.includes == 2
    assert metrics.wss95_insights == pytest.approx(0.3)
    assert metrics.wss95_cohen == pytest.approx(0.65)
    assert metrics.wss100_insights == pytest.approx(0.5)
    assert metrics.wss100_cohen == pytest.approx(0.7)
    assert metrics.rrf10 == pytest.approx(0.5)
    assert metrics.screened_to_find_all == 3


def test_insights_wss95_reads_before_the_last_include_and_cohen_at_it():
    # N = 20, includes read 1st, 2nd, 3rd and 5th (4 includes).
    # insights: k = 3 (3/4 <= 0.95); found at index 2; round(i * 4 / 19) first reaches 3 at
    # i = 12 (2.526) -> (12 - 2) / 20 = 0.5
    # Cohen: ceil(0.95 * 4) = 4 includes need 5 records -> 15 / 20 - 0.05 = 0.70
    # WSS@100 insights: round(i * 4 / 19) reaches 4 at i = 17 (3.58) -> (17 - 4) / 20 = 0.65
    labels = [1, 1, 1, 0, 1] + [0] * 15
    assert wss_insights(labels, 0.95) == pytest.approx(0.5)
    assert wss_cohen(labels, 0.95) == pytest.approx(0.70)
    assert wss_insights(labels, 1.0) == pytest.approx(0.65)
    assert records_to_recall(labels, 0.5) == 2
    assert screening_metrics(labels).rrf10 == pytest.approx(0.5)  # 2 records read, 2 of 4


def test_perfect_order_of_one_include_in_a_hundred():
    # Cohen WSS@100 = (100 - 1) / 100 = 0.99; insights: random reaches 1 at round(i / 99) >= 1,
    # i = 50 (0.505) -> (50 - 0) / 100 = 0.5
    labels = [1] + [0] * 99
    assert wss_cohen(labels, 1.0) == pytest.approx(0.99)
    assert wss_insights(labels, 1.0) == pytest.approx(0.5)


def test_an_order_without_includes_is_refused():
    with pytest.raises(ValueError):
        screening_metrics([0, 0, 0])


def test_recall_curve_counts_includes_from_zero():
    curve = recall_curve([0, 1, 0, 1], total_records=10, total_relevant=4)
    assert curve.screened == [0, 1, 2, 3, 4]
    assert curve.found == [0, 0, 1, 1, 2]
    assert curve.recall == [0, 0, 0.25, 0.25, 0.5]
    assert recall_curve([1, 0]).recall is None  # includes unknown during a real screening
