"""Each meta-analysis rerun without the studies at high risk of bias, by the main analysis's method."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cartsle_cli.certainty.sensitivity import without_high_risk
from cartsle_cli.stats.meta_proportions import meta_proportions

LABELS = ["Alpha 2020", "Beta 2021", "Gamma 2022", "Delta 2023"]
EVENTS, TOTALS = [3, 5, 2, 8], [10, 12, 9, 20]


def pool_of(method: str = "dl") -> SimpleNamespace:
    meta = meta_proportions(EVENTS, TOTALS, method=method, scale="logit", labels=LABELS)
    analysis = SimpleNamespace(
        id="crs",
        outcome="crs",
        label="CRS",
        method=method,
        measure="PLO",
        proportion=SimpleNamespace(meta=meta),
        effect=None,
    )
    return SimpleNamespace(options=SimpleNamespace(method=None, scale=None), analyses=[analysis])


def test_rerun_leaves_out_the_high_risk_study_and_agrees_with_metafor():
    # metafor 3.8-1:
    #   predict(rma(measure="PLO", xi=c(3,5,2,8), ni=c(10,12,9,20), method="DL"), transf=plogis)
    #     0.3577237538 [0.2374959581, 0.4989855776]
    #   the same without study 2 (Beta): 0.3382564772 [0.2066725823, 0.5007382329]
    (result,) = without_high_risk(pool_of(), {"Beta 2021", "Zeta 2019"})
    assert result.left_out == ["Beta 2021"]
    assert result.main.estimate == pytest.approx(0.3577237538, abs=1e-6)
    assert result.main.k == 4 and result.without.k == 3
    assert result.without.estimate == pytest.approx(0.3382564772, abs=1e-6)
    assert result.without.lower == pytest.approx(0.2066725823, abs=1e-6)
    assert result.without.upper == pytest.approx(0.5007382329, abs=1e-6)
    assert result.without.participants == 39


def test_nothing_to_rerun_says_why():
    (none_high,) = without_high_risk(pool_of(), set())
    assert none_high.without is None and none_high.note == "no study at high risk of bias"
    (one_left,) = without_high_risk(pool_of(), set(LABELS[1:]))
    assert one_left.without is None and "nothing to pool" in one_left.note
