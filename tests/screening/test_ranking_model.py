"""rank_records: the contract `cartsle screen` relies on."""

from __future__ import annotations

from cartsle_cli.screening.ranking import rank_records
from cartsle_cli.screening.ranking.model import Ranker

ASPIRIN = "Aspirin for secondary prevention of stroke: a randomised trial of aspirin after stroke"
KNEE = "Arthroscopic knee surgery for meniscal tears: a cohort study of knee surgery outcomes"


def corpus():
    record_ids = list(range(101, 121))
    texts = [f"{ASPIRIN} {i}" if i % 4 == 0 else f"{KNEE} {i}" for i in range(20)]
    return record_ids, texts


def test_order_is_random_and_seeded_until_an_include_and_an_exclude_are_known():
    record_ids, texts = corpus()
    first = rank_records(record_ids, texts, {101: 1}, seed=7)
    assert first.model is None and first.estimated_relevant_remaining is None
    assert sorted(first.order) == record_ids[1:]  # every unscreened record, the screened one left out
    assert rank_records(record_ids, texts, {101: 1}, seed=7).order == first.order
    assert rank_records(record_ids, texts, {101: 1}, seed=8).order != first.order


def test_records_like_the_include_come_first_once_the_model_can_learn():
    record_ids, texts = corpus()
    # position 0 is an aspirin record (include), position 1 a knee record (exclude)
    result = rank_records(record_ids, texts, {101: 1, 102: 0}, seed=0)
    aspirin_ids = {record_ids[i] for i in range(20) if i % 4 == 0} - {101}
    assert set(result.order[: len(aspirin_ids)]) == aspirin_ids
    assert "linear SVM" in result.model
    assert result.estimated_relevant_remaining is not None and result.estimated_relevant_remaining >= 0


def test_ranking_is_the_same_for_the_same_seed_and_labels():
    record_ids, texts = corpus()
    labels = {101: 1, 102: 0, 103: 0}
    assert (
        rank_records(record_ids, texts, labels, seed=3).order
        == rank_records(record_ids, list(texts), dict(labels), seed=3).order
    )


def test_records_without_any_text_still_get_an_order():
    ranker = Ranker(["", "", ""])
    import numpy as np

    ranking = ranker.rank(np.array([0, 1]), np.array([1, 0]))
    assert ranking.order.tolist() == [2]


def test_estimate_of_includes_left_is_never_above_the_records_left():
    # four records left, three of them like the include: however calibrated, at most 4
    record_ids = list(range(1, 9))
    texts = [ASPIRIN] * 4 + [KNEE] * 4
    result = rank_records(record_ids, texts, {1: 1, 5: 0, 6: 0, 7: 0}, seed=0)
    assert len(result.order) == 4
    assert 0 <= result.estimated_relevant_remaining <= len(result.order)
