"""escalc-equivalent effect sizes against metafor 3.8-1 (R calls and printed output in comments)."""

import numpy as np
import pytest
from metafor_datasets import BCG, BCG_LABELS, NORMAND, NORMAND_LABELS, ZERO, ZERO_LABELS

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import effect_sizes as es

TOL = 1e-6


def test_log_odds_ratios_of_bcg_match_escalc():
    # d <- escalc("OR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg); c(d$yi[1:3], d$vi[1:3])
    # -0.938694140870 -1.666190729027 -1.386294361120  0.357124952254 0.208132393657  0.433413078150
    effects = es.binary(*BCG, "OR", labels=BCG_LABELS)
    assert effects.yi[:3] == pytest.approx([-0.938694140870, -1.666190729027, -1.386294361120], abs=TOL)
    assert effects.vi[:3] == pytest.approx([0.357124952254, 0.208132393657, 0.433413078150], abs=TOL)
    assert effects.log_scale and effects.scale == "log odds ratio"


def test_zero_cells_get_one_half_and_double_zeros_leave_ratios_by_name():
    # ai <- c(0,3,0,5,2); n1 <- c(20,30,15,40,25); ci <- c(2,6,0,9,2); n2 <- c(20,31,16,38,25)
    # escalc("OR", ai=ai, n1i=n1, ci=ci, n2i=n2, drop00=TRUE): yi -1.712092066494 -0.770108221696 NA
    #   -0.775838896405 0; vi 2.502834541859 0.577037037037 NA 0.374165298303 1.086956521739
    odds = es.binary(*ZERO, "OR", labels=ZERO_LABELS)
    assert odds.labels == ("A", "B", "D", "E")
    assert odds.yi == pytest.approx([-1.712092066494, -0.770108221696, -0.775838896405, 0.0], abs=TOL)
    assert odds.vi == pytest.approx([2.502834541859, 0.577037037037, 0.374165298303, 1.086956521739], abs=TOL)
    assert [e.study for e in odds.excluded] == ["C"] and "no events" in odds.excluded[0].reason
    assert odds.corrected.tolist() == [True, False, False, False]
    # escalc("RR", ..., drop00=TRUE): yi -1.609437912434 -0.660357357737 NA -0.639079959290 0
    #   vi 2.304761904762 0.434408602151 NA 0.259795321637 0.92
    risks = es.binary(*ZERO, "RR", labels=ZERO_LABELS)
    assert risks.yi == pytest.approx([-1.609437912434, -0.660357357737, -0.639079959290, 0.0], abs=TOL)
    assert risks.vi == pytest.approx([2.304761904762, 0.434408602151, 0.259795321637, 0.92], abs=TOL)


def test_risk_difference_keeps_double_zero_studies_with_the_half_added():
    # escalc("RD", ai=ai, n1i=n1, ci=ci, n2i=n2): yi -0.0952380952381 -0.0935483870968 0.00183823529412
    #   -0.111842105263 0; vi 0.00610085303963 0.00803507770803 0.00357130824391 0.00749089927468 0.005888
    rd = es.binary(*ZERO, "RD", labels=ZERO_LABELS)
    assert rd.excluded == () and rd.k == 5
    assert rd.yi == pytest.approx(
        [-0.0952380952381, -0.0935483870968, 0.00183823529412, -0.111842105263, 0], abs=TOL
    )
    assert rd.vi == pytest.approx(
        [0.00610085303963, 0.00803507770803, 0.00357130824391, 0.00749089927468, 0.005888], abs=TOL
    )


def test_mean_difference_and_hedges_g_of_normand_match_escalc():
    # escalc("MD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=dat.normand1999)
    #   yi[1:2] -20 -2; vi[1:2] 40.50802315964 2.08064516129
    md = es.continuous(*NORMAND, "MD", labels=NORMAND_LABELS)
    assert md.yi[:2] == pytest.approx([-20, -2], abs=TOL)
    assert md.vi[:2] == pytest.approx([40.50802315964, 2.08064516129], abs=TOL)
    # escalc("SMD", ...): yi[1:2] -0.3551696409401 -0.3479400227391; vi[1:2] 0.0130646755415 0.0644688760989
    smd = es.continuous(*NORMAND, "SMD", labels=NORMAND_LABELS)
    assert smd.yi[:2] == pytest.approx([-0.3551696409401, -0.3479400227391], abs=TOL)
    assert smd.vi[:2] == pytest.approx([0.0130646755415, 0.0644688760989], abs=TOL)


def test_hedges_g_by_hand_for_one_study():
    # m = 20 + 20 - 2 = 38; s_pooled = sqrt((19*4 + 19*9)/38) = sqrt(6.5); d = 1/sqrt(6.5) = 0.392232270
    # J = Gamma(19)/(sqrt(19) Gamma(18.5)); R: exp(lgamma(19)-log(sqrt(19))-lgamma(18.5)) = 0.980110402131
    # (Hedges' approximation 1 - 3/(4m - 1) = 0.980132); g = J d = 0.384430928149; v = 0.1 + g^2/80
    g = es.continuous([11], [2], [20], [10], [3], [20], "SMD")
    assert g.yi[0] == pytest.approx(0.384430928149, abs=1e-9)
    assert g.vi[0] == pytest.approx(0.1 + g.yi[0] ** 2 / 80, abs=1e-12)


def test_generic_estimates_keep_their_scale_and_square_the_se():
    effects = es.generic([0.1, -0.2], [0.5, 0.25], scale="log hazard ratio", labels=["a", "b"])
    assert effects.vi.tolist() == [0.25, 0.0625] and effects.log_scale


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: es.binary([5], [4], [1], [10], "OR"), "between 0 and a positive total"),
        (lambda: es.continuous([1], [0], [10], [2], [1], [10], "MD"), "standard deviation must be positive"),
        (lambda: es.generic([1], [0]), "standard error must be positive"),
        (lambda: es.binary([1, 2], [10], [1], [10], "OR"), "differ in length"),
        (lambda: es.binary([1], [10], [1], [10], "SMD"), "not a binary measure"),
    ],
)
def test_impossible_input_is_refused(call, message):
    with pytest.raises(CartsleError, match=message):
        call()


def test_swapping_arms_negates_log_odds_ratio():
    a, n1, c, n2 = BCG
    forward, backward = es.binary(a, n1, c, n2, "OR"), es.binary(c, n2, a, n1, "OR")
    assert np.allclose(forward.yi, -backward.yi) and np.allclose(forward.vi, backward.vi)
