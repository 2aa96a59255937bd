"""What an update changed in each pooled result, compared leaf by leaf."""

from __future__ import annotations

from cartsle_cli.report.update_changes import numeric_leaves, pool_changes


def test_list_items_are_named_by_their_own_name_and_bools_are_not_numbers():
    pool = {"safety": {"outcomes": [{"name": "crs", "meta": {"estimate": 0.5, "k": 4}, "pooled": True}]}}
    assert numeric_leaves(pool) == {
        "safety.outcomes[crs].meta.estimate": 0.5,
        "safety.outcomes[crs].meta.k": 4,
    }


def test_every_changed_new_or_gone_number_is_one_row():
    previous = {
        "overview": {"studies": 12},
        "outcomes": [{"id": "crs", "estimate": 0.40}, {"id": "icans", "estimate": 0.1}],
    }
    current = {
        "overview": {"studies": 14},
        "outcomes": [{"id": "crs", "estimate": 0.25}, {"id": "infections", "estimate": 0.3}],
    }
    rows = {row["result"]: row for row in pool_changes(previous, current)}
    assert rows["overview.studies"] == {
        "result": "overview.studies",
        "previous": 12,
        "current": 14,
        "change": 2,
    }
    assert abs(rows["outcomes[crs].estimate"]["change"] - (-0.15)) < 1e-12
    assert rows["outcomes[icans].estimate"]["current"] is None  # gone
    assert rows["outcomes[infections].estimate"]["previous"] is None  # new
    assert pool_changes(previous, previous) == []
