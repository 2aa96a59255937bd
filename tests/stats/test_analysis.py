"""One outcome's whole analysis: the plan's parts run on the same studies (figures from metafor 3.8-1
as pinned in test_meta.py, test_moderators.py and test_sensitivity.py)."""

import pytest
from metafor_datasets import BCG, BCG_ABLAT, BCG_ALLOC, BCG_LABELS

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.analysis import Plan, analyse

NUMBERS = dict(zip(("events_e", "n_e", "events_c", "n_c"), BCG))
CHARACTERISTICS = {"alloc": BCG_ALLOC, "ablat": [str(v) for v in BCG_ABLAT]}


def test_every_part_of_the_plan_runs_and_reaches_the_json():
    plan = Plan("RR", "reml", subgroup="alloc", moderators=("ablat",), leave_one_out=True, bias="egger")
    result = analyse(plan, BCG_LABELS, NUMBERS, CHARACTERISTICS)
    # rma(yi, vi, data=d)$beta; separate fits' Q between; rma(mods=~ablat)$QM; regtest(...)$zval
    assert result.pooled.estimate_transformed == pytest.approx(-0.714532348365, abs=1e-6)
    assert result.subgroups.q_between == pytest.approx(1.86144614123, abs=1e-6)
    assert result.meta_regression.qm == pytest.approx(16.3571255722, abs=1e-6)
    assert result.egger.statistic == pytest.approx(-1.401282002289, abs=1e-6)
    document = result.to_dict()
    assert document["measure"] == "RR" and len(document["leave_one_out"]["omitted"]) == 13


def test_proportions_go_through_the_proportion_front_door():
    plan = Plan("PFT", "reml", ci="hksj", pi="t")
    events, totals = [2, 10, 0, 15, 4, 1], [20, 25, 12, 30, 40, 9]
    result = analyse(plan, list("abcdef"), {"events": events, "total": totals})
    # rma(measure="PFT", xi=x, ni=n, method="REML", test="knha"); predict(r, pi.type="riley")$pi.lb
    assert result.pooled.pi_lower_transformed == pytest.approx(-0.2015437584, abs=1e-6)


@pytest.mark.parametrize(
    "plan, message",
    [
        (Plan("RR", "peto"), "odds ratios only"),
        (Plan("OR", "glmm"), "logit scale"),
        (Plan("OR", "mh", moderators=("ablat",)), "inverse variance"),
        (Plan("XX"), "unknown measure"),
        (Plan("OR", "reml", bias="begg"), "unknown small-study test"),
        (Plan("OR", "reml", subgroup="region"), "no study characteristic named 'region'"),
    ],
)
def test_plans_that_do_not_fit_are_refused(plan, message):
    with pytest.raises(CartsleError, match=message):
        analyse(plan, BCG_LABELS, NUMBERS, CHARACTERISTICS)
