"""Blocking keeps the comparisons about linear in the number of records."""

from __future__ import annotations

import json

from cartsle_cli.dedup.block import MAX_BLOCK, WINDOW, candidate_pairs
from cartsle_cli.dedup.normalise import prepare


def _row(number: int, **fields) -> dict:
    row = dict(
        id=number,
        title=f"Study number {number} of stroke rehabilitation in the community",
        abstract=None,
        authors=json.dumps(["Wang, L"]),
        year=2020,
        journal="Stroke",
        volume=None,
        issue=None,
        pages=None,
        doi=None,
        pmid=None,
        publication_type=None,
    )
    row.update(fields)
    return row


def test_a_large_block_is_compared_by_sorted_neighbourhood_not_all_pairs():
    # 2,000 records by one "Wang, L" in one year would be 2 million pairs compared all-to-all.
    records = [prepare(_row(n)) for n in range(2000)]
    pairs = list(candidate_pairs(records, [True] * len(records)))
    assert len(pairs) <= len(records) * WINDOW * 3
    assert len(set(pairs)) == len(pairs)


def test_small_block_is_compared_all_to_all():
    records = [
        prepare(_row(n, authors=json.dumps([f"Author{n}, A"]), doi="10.1/shared")) for n in range(MAX_BLOCK)
    ]
    pairs = set(candidate_pairs(records, [True] * len(records)))
    assert len(pairs) == MAX_BLOCK * (MAX_BLOCK - 1) // 2


def test_only_pairs_with_a_new_record_are_candidates():
    records = [
        prepare(_row(n, title="The same title about early supported discharge after stroke"))
        for n in range(4)
    ]
    pairs = set(candidate_pairs(records, [False, False, False, True]))
    assert pairs == {(0, 3), (1, 3), (2, 3)}
