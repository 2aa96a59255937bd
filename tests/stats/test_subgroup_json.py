"""A subgroup analysis's JSON names each subgroup: "level" is the subgroup's value (the report's
subgroup tables print it), the CI's level is "ci_level". The result's own "level" (0.95) used to
overwrite the name, so the report's subgroup tables printed 0.95 in the Subgroup column."""

from __future__ import annotations

import pytest

from cartsle_cli.stats.effect_sizes import binary
from cartsle_cli.stats.moderators import subgroups

# dat.bcg (Colditz 1994): tpos, tpos + tneg, cpos, cpos + cneg, alloc; first five trials
TRIALS = [
    (4, 123, 11, 139, "random"),
    (6, 306, 29, 303, "random"),
    (3, 231, 11, 220, "random"),
    (33, 5069, 47, 5808, "alternate"),
    (180, 1541, 372, 1451, "alternate"),
]


def test_each_subgroup_is_named_and_keeps_its_ci_level() -> None:
    effects = binary(*([row[i] for row in TRIALS] for i in range(4)), measure="RR")
    result = subgroups(effects, [row[4] for row in TRIALS], variable="alloc").to_dict()
    assert [(g["level"], g["ci_level"], g["k"]) for g in result["subgroups"]] == [
        ("random", 0.95, 3),
        ("alternate", 0.95, 2),
    ]
    # d <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg[1:3,])
    # coef(rma(yi, vi, data=d)): -1.330234149 (REML), the "random" subgroup's estimate
    assert result["subgroups"][0]["estimate_transformed"] == pytest.approx(-1.330234149, abs=1e-6)
