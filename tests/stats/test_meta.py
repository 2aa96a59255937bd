"""Inverse-variance pooling against metafor 3.8-1 (R calls with their printed output in comments).

Every R call is ``rma(yi, vi, data=d, method=M)`` on ``d <- escalc(...)`` as in
tests/stats/test_effect_sizes.py; the tau^2 CI is ``confint(r, control=list(tol=1e-12))$random``
(Q-profile) and the prediction interval ``predict(r)``. Roots are found to 1e-12 (``stats.tau2``), so
R's root searches are run at that tolerance too (``control=list(tol=1e-12)``, also in ``rma`` for
PM): at its default (1.2e-4) ``uniroot`` stops up to about 1e-4 short of the root.
"""

import numpy as np
import pytest
from metafor_datasets import BCG, BCG_LABELS, NORMAND, NORMAND_LABELS, ZERO, ZERO_LABELS

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import effect_sizes as es
from cartsle_cli.stats import meta

TOL = 1e-6


def _summary(r):
    return [
        r.estimate_transformed,
        r.se_transformed,
        r.tau2,
        r.tau2_lower,
        r.tau2_upper,
        r.i2,
        r.h2,
        r.q,
        r.q_p,
    ]


# print(c(r$beta, r$se, r$tau2, ci[1,2], ci[1,3], r$I2, r$H2, r$QE, r$QEp, p$pred, p$ci.lb, p$ci.ub,
#         p$pi.lb, p$pi.ub)) with p <- predict(r, transf=exp), ci <- confint(r, control=list(tol=1e-12))$random
BCG_OR = {
    "dl": [-7.47392349732e-01, 1.92262848971e-01, 3.66343406726e-01, 1.30149115238e-01, 1.18118579216e00,
           9.26454777446e01, 1.35970762651e01, 1.63164915181e02, 1.18877259111e-28,
           4.73599926914e-01, 3.24905597109e-01, 6.90344804056e-01, 1.36408912082e-01, 1.64429792269e00],
    "reml": [-7.45177771837e-01, 1.86027915415e-01, 3.37772045077e-01, 1.30149115238e-01, 1.18118579216e00,
             9.20726915518e01, 1.26146220566e01, 1.63164915181e02, 1.18877259111e-28,
             4.74649913052e-01, 3.29629564724e-01, 6.83471885020e-01, 1.43531174290e-01, 1.56964186405e00],
}  # fmt: skip


@pytest.mark.parametrize("method", ["dl", "reml"])
def test_bcg_odds_ratio_random_effects_match_rma(method):
    result = meta.pool(es.binary(*BCG, "OR", labels=BCG_LABELS), method=method)
    expected = BCG_OR[method]
    assert _summary(result)[:8] == pytest.approx(expected[:8], abs=TOL)
    assert result.q_p == pytest.approx(expected[8], rel=1e-6)
    natural = [result.estimate, result.lower, result.upper, result.pi_lower, result.pi_upper]
    assert natural == pytest.approx(expected[9:], abs=TOL)
    assert "tau^2 by" in result.method.line() and "Q-profile" in result.method.line()


# rma(yi, vi, data=escalc(MEASURE, m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i,
#     data=dat.normand1999), method=M); ci <- confint(r, control=list(tol=1e-12))$random
#     print(c(r$beta, r$se, r$tau2, ci[1,2], ci[1,3], r$I2, r$QE, p$pi.lb, p$pi.ub))
NORMAND_RESULTS = {
    ("MD", "dl"): [-13.98172181704, 5.12669833923, 205.40937546791, 292.918121657, 2054.09375468,
                   96.65154015084, 238.91581086201, -43.81520731890, 15.85176368481],
    ("MD", "reml"): [-15.10602747439, 8.94655284569, 684.64615288185, 292.918121657, 2889.45134912,
                     98.97127434881, 238.91581086201, -69.30486021330, 39.09280526452],
    ("SMD", "dl"): [-0.530737310616, 0.259218605677, 0.539714374820, 0.325384441185, 3.10840340262,
                    93.534270655511, 123.729274359718, -2.057634368919, 0.996159747687],
    ("SMD", "reml"): [-0.537108258567, 0.308661491598, 0.790842921048, 0.325384441185, 3.10840340262,
                      95.494937113119, 123.729274359718, -2.382094344814, 1.307877827681],
}  # fmt: skip


@pytest.mark.parametrize("measure, method", list(NORMAND_RESULTS))
def test_normand_continuous_outcomes_match_rma(measure, method):
    result = meta.pool(es.continuous(*NORMAND, measure, labels=NORMAND_LABELS), method=method)
    got = [result.estimate, result.se_transformed, result.tau2, result.tau2_lower, result.tau2_upper,
           result.i2, result.q, result.pi_lower, result.pi_upper]  # fmt: skip
    assert got == pytest.approx(NORMAND_RESULTS[(measure, method)], abs=TOL)


@pytest.mark.parametrize(
    "measure, expected",
    [
        # rma(yi, vi, data=escalc(M, ai=ai, n1i=n1, ci=ci, n2i=n2, drop00=TRUE), method="REML")
        # print(c(r$k, r$beta, r$se, r$tau2))
        ("OR", [4, -0.714770515385, 0.417932774313, 0]),
        ("RR", [4, -0.609798317803, 0.361031886263, 0]),
        # RD keeps the double-zero study (escalc drop00=FALSE)
        ("RD", [5, -0.0478013466585, 0.0338699537777, 0]),
    ],
)
def test_zero_cells_and_double_zeros_pool_as_metafor(measure, expected):
    result = meta.pool(es.binary(*ZERO, measure, labels=ZERO_LABELS), method="reml")
    assert [result.k, result.estimate_transformed, result.se_transformed, result.tau2] == pytest.approx(
        expected, abs=TOL
    )
    if measure != "RD":
        assert "C (no events in either arm)" in result.method.line()
        assert "1/2 added to every cell of 1 of 4" in result.method.line()


def test_study_order_does_not_change_the_pool():
    effects = es.binary(*BCG, "OR", labels=BCG_LABELS)
    order = np.random.default_rng(3).permutation(effects.k)
    shuffled = es.binary(*(column[order] for column in BCG), "OR", labels=[BCG_LABELS[i] for i in order])
    for method in ("dl", "reml", "pm", "ml", "sj"):
        a, b = meta.pool(effects, method=method), meta.pool(shuffled, method=method)
        assert _summary(a) == pytest.approx(_summary(b), abs=1e-9)


def test_one_study_pools_to_itself_with_no_heterogeneity():
    effects = es.generic([0.3], [0.2])
    for method in ("fe", "dl", "reml", "pm", "ml", "sj"):
        result = meta.pool(effects, method=method)
        assert result.estimate_transformed == pytest.approx(0.3)
        assert result.se_transformed == pytest.approx(0.2)
        assert result.tau2 == 0 and result.q == 0


def test_peto_with_a_risk_ratio_is_refused():
    with pytest.raises(CartsleError, match="odds ratios only"):
        meta.pool(es.binary(*BCG, "RR"), method="peto")


# d <- escalc("RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
# n <- escalc("SMD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=dat.normand1999)
# r <- rma(yi, vi, data=DATA, method=M, control=list(tol=1e-12)); ci <- confint(r, control=list(tol=1e-12))$random
# p <- predict(r)
# print(c(r$beta, r$se, r$tau2, ci[1,2], ci[1,3], r$I2, r$H2, p$pi.lb, p$pi.ub))
OTHER_ESTIMATORS = [
    ("bcg", "pm", [-0.714968153493, 0.180892191538, 0.318068452205, 0.119718361141, 1.11147908406,
                   92.3303379542, 13.0383841429, -1.87580708248, 0.445870775497]),
    ("bcg", "ml", [-0.71119913919, 0.171896817023, 0.28002817105, 0.119718361141, 1.11147908406,
                   91.3782847398, 11.5986201101, -1.80171557373, 0.379317295351]),
    ("bcg", "sj", [-0.717248592558, 0.187059458416, 0.345515701599, 0.119718361141, 1.11147908406,
                   92.8963240955, 14.0772188012, -1.92625717438, 0.491759989263]),
    ("normand", "pm", [-0.537171963653, 0.309291368283, 0.794330180963, 0.325384441185, 3.10840340262,
                       95.5138279136, 22.2907186962, -2.3861892839, 1.31184535659]),
    ("normand", "ml", [-0.535127886339, 0.290682083197, 0.694351457147, 0.325384441185, 3.10840340262,
                       94.9008087097, 19.6109528566, -2.26484194264, 1.19458616996]),
    ("normand", "sj", [-0.537136233455, 0.308937655013, 0.792370987129, 0.325384441185, 3.10840340262,
                       95.5032343313, 22.2382057164, -2.38388983208, 1.30961736516]),
]  # fmt: skip


def _data(name):
    if name == "bcg":
        return es.binary(*BCG, "RR", labels=BCG_LABELS)
    return es.continuous(*NORMAND, "SMD", labels=NORMAND_LABELS)


@pytest.mark.parametrize("name, method, expected", OTHER_ESTIMATORS)
def test_pm_ml_sj_match_rma(name, method, expected):
    r = meta.pool(_data(name), method=method)
    got = [r.estimate_transformed, r.se_transformed, r.tau2, r.tau2_lower, r.tau2_upper, r.i2, r.h2,
           r.pi_lower_transformed, r.pi_upper_transformed]  # fmt: skip
    assert got == pytest.approx(expected, abs=TOL)


# r <- rma(yi, vi, data=DATA, method="REML", test="knha"); p <- predict(r); p2 <- predict(r, pi.type="riley")
# r0 <- rma(yi, vi, data=DATA); p3 <- predict(r0, pi.type="riley")
# print(c(r$beta, r$se, r$zval, r$pval, r$ci.lb, r$ci.ub, p$pi.lb, p$pi.ub, p2$pi.lb, p2$pi.ub, p3$pi.lb, p3$pi.ub))
HKSJ = {
    "bcg": [-0.71453234836510, 0.18079174551910, -3.95223988967799, 0.00192001508513, -1.10844372300005,
            -0.32062097373015, -1.99601696702229, 0.56695227029209, -2.00905778448572, 0.57999308775552,
            -2.00837605069052, 0.57931135396032],
    "normand": [-0.537108258567, 0.309285633869, -1.736609139741, 0.120664532128, -1.250322209227,
                0.176105692093, -2.708307007956, 1.634090490823, -2.763500284260, 1.689283767127,
                -2.763015916975, 1.688799399842],
}  # fmt: skip


@pytest.mark.parametrize("name", list(HKSJ))
def test_hksj_ci_and_the_three_prediction_intervals_match_metafor(name):
    effects = _data(name)
    hksj, hksj_t = meta.pool(effects, ci="hksj"), meta.pool(effects, ci="hksj", pi="t")
    z_t = meta.pool(effects, pi="t")
    got = [hksj.estimate_transformed, hksj.se_transformed, hksj.zval, hksj.pval, hksj.lower_transformed,
           hksj.upper_transformed, hksj.pi_lower_transformed, hksj.pi_upper_transformed,
           hksj_t.pi_lower_transformed, hksj_t.pi_upper_transformed, z_t.pi_lower_transformed,
           z_t.pi_upper_transformed]  # fmt: skip
    assert got == pytest.approx(HKSJ[name], abs=TOL)
    assert hksj.df == effects.k - 1
    assert f"t with {effects.k - 2} df (Higgins" in z_t.method.line()
    assert "Hartung-Knapp-Sidik-Jonkman" in hksj.method.line()


def test_reml_that_cycles_at_metafor_defaults_halves_its_steps_and_says_so():
    # rma(c(0,0,0,0,2), sei=c(2,2,2,2,.5), method="REML") stops: "Fisher scoring algorithm did not converge"
    # rma(..., control=list(stepadj=0.5, maxiter=1000)): tau2 0.574395043261 beta 1.162197521605 se 0.692137947269
    result = meta.pool(es.generic([0, 0, 0, 0, 2], [2, 2, 2, 2, 0.5]), method="reml")
    assert [result.tau2, result.estimate_transformed, result.se_transformed] == pytest.approx(
        [0.574395043261, 1.162197521605, 0.692137947269], abs=TOL
    )
    assert "stepadj=0.5" in result.method.line() and any("steps halved" in w for w in result.warnings)


def test_paule_mandel_finds_a_root_above_100_in_metafor_s_interval_raised_by_the_spread():
    # rma.uni searches PM's root in [0, tau2.max], tau2.max <- max(100, 10 * mad(yi)^2) (here 2198.103),
    # and stops with "Value of 'tau2.max' too low" when the root lies above it.
    # rma(c(-30, -10, 0, 10, 30), c(1, 2, 1, 3, 1), method="PM", control=list(tol=1e-12))
    # c(r$beta, r$se, r$tau2): -0.0039820581636425 10.0044905587174 498.850433823882
    result = meta.pool(es.generic([-30, -10, 0, 10, 30], np.sqrt([1, 2, 1, 3, 1])), method="pm")
    assert [result.estimate_transformed, result.se_transformed, result.tau2] == pytest.approx(
        [-0.0039820581636425, 10.0044905587174, 498.850433823882], abs=TOL
    )


def test_paule_mandel_root_above_metafor_s_interval_is_refused():
    # rma(c(0, 0, 0, 0, 100), rep(1, 5), method="PM"): mad(yi) = 0, so tau2.max = 100 and
    # Error: Value of 'tau2.max' too low. Try increasing 'tau2.max' or switch to another 'method'.
    with pytest.raises(CartsleError, match="Paule-Mandel tau\\^2 lies above 100"):
        meta.pool(es.generic([0, 0, 0, 0, 100], [1, 1, 1, 1, 1]), method="pm")


def test_paule_mandel_on_mean_differences_matches_rma():
    # d <- data.frame(m1i=..., ...) as below;
    # r <- rma(yi, vi, data=escalc("MD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=d),
    #          method="PM", control=list(tol=1e-12))
    # c(r$beta, r$se, r$tau2): 0.0232491327148577 1.19260038671886 19.3356896755632
    m1 = [
        11.418,
        12.229,
        10.861,
        12.976,
        8.328,
        10.704,
        5.295,
        12.291,
        10.46,
        8.753,
        13.485,
        12.075,
        1.551,
        10.12,
    ]
    s1 = [4.37, 4.363, 5.122, 3.452, 3.287, 2.519, 5.259, 5.456, 1.383, 4.747, 2.015, 1.511, 1.585, 3.653]
    n1 = [11, 49, 48, 87, 149, 41, 29, 113, 94, 58, 105, 73, 133, 139]
    m2 = [
        4.635,
        12.2,
        16.467,
        7.444,
        9.224,
        8.247,
        10.052,
        10.934,
        12.862,
        6.038,
        13.715,
        6.205,
        9.831,
        12.476,
    ]
    s2 = [2.039, 1.833, 1.042, 2.286, 4.758, 0.619, 3.155, 3.815, 0.773, 2.117, 5.486, 5.969, 5.177, 1.433]
    n2 = [49, 108, 77, 111, 57, 52, 5, 126, 79, 59, 82, 148, 125, 134]
    result = meta.pool(es.continuous(m1, s1, n1, m2, s2, n2, "MD"), method="pm")
    assert [result.estimate_transformed, result.se_transformed, result.tau2] == pytest.approx(
        [0.0232491327148577, 1.19260038671886, 19.3356896755632], abs=TOL
    )
