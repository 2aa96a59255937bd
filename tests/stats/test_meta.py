"""Inverse-variance pooling against metafor 3.8-1 (R calls with their printed output in comments).

Every R call is ``rma(yi, vi, data=d, method=M)`` with metafor's defaults (no ``control``), on
``d <- escalc(...)`` as in tests/stats/test_effect_sizes.py; the tau^2 CI is ``confint(r)$random``
(Q-profile) and the prediction interval ``predict(r)``.
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
#         p$pi.lb, p$pi.ub)) with p <- predict(r, transf=exp)
BCG_OR = {
    "dl": [-7.47392349732e-01, 1.92262848971e-01, 3.66343406726e-01, 1.30161462668e-01, 1.18119009212e00,
           9.26454777446e01, 1.35970762651e01, 1.63164915181e02, 1.18877259111e-28,
           4.73599926914e-01, 3.24905597109e-01, 6.90344804056e-01, 1.36408912082e-01, 1.64429792269e00],
    "reml": [-7.45177771837e-01, 1.86027915415e-01, 3.37772045077e-01, 1.30161462668e-01, 1.18119009212e00,
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
#     data=dat.normand1999), method=M); print(c(r$beta, r$se, r$tau2, ci[1,2], ci[1,3], r$I2, r$QE,
#     p$pi.lb, p$pi.ub))
NORMAND_RESULTS = {
    ("MD", "dl"): [-13.98172181704, 5.12669833923, 205.40937546791, 292.91812173417, 2054.09375467911,
                   96.65154015084, 238.91581086201, -43.81520731890, 15.85176368481],
    ("MD", "reml"): [-15.10602747439, 8.94655284569, 684.64615288185, 292.91812165334, 2889.45134912159,
                     98.97127434881, 238.91581086201, -69.30486021330, 39.09280526452],
    ("SMD", "dl"): [-0.530737310616, 0.259218605677, 0.539714374820, 0.325388402172, 3.108403351203,
                    93.534270655511, 123.729274359718, -2.057634368919, 0.996159747687],
    ("SMD", "reml"): [-0.537108258567, 0.308661491598, 0.790842921048, 0.325388402172, 3.108403351203,
                      95.494937113119, 123.729274359718, -2.382094344814, 1.307877827681],
}  # fmt: skip


@pytest.mark.parametrize("measure, method", list(NORMAND_RESULTS))
def test_normand_continuous_outcomes_match_rma(measure, method):
    # the MD tau^2 lower limits differ between DL and REML in the 9th digit: R's uniroot stops
    # where its tolerance (1.2e-4) says, and so do we (stats/zeroin.py)
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
# r <- rma(yi, vi, data=DATA, method=M); ci <- confint(r)$random; p <- predict(r)
# print(c(r$beta, r$se, r$tau2, ci[1,2], ci[1,3], r$I2, r$H2, p$pi.lb, p$pi.ub))
OTHER_ESTIMATORS = [
    ("bcg", "pm", [-0.714970405632, 0.180897984126, 0.318093711863, 0.119695312817, 1.111486262215,
                   92.330900289885, 13.039340180713, -1.875854596044, 0.445913784779]),
    ("bcg", "ml", [-0.711199139190, 0.171896817023, 0.280028171050, 0.119695312817, 1.111486262215,
                   91.378284739847, 11.598620110104, -1.801715573732, 0.379317295351]),
    ("bcg", "sj", [-0.717248592558, 0.187059458416, 0.345515701599, 0.119695312817, 1.111486262215,
                   92.896324095540, 14.077218801215, -1.926257174378, 0.491759989263]),
    ("normand", "pm", [-0.537171693900, 0.309288693672, 0.794315357923, 0.325388402172, 3.108403351203,
                       95.513747951177, 22.290321388926, -2.386171897503, 1.311828509704]),
    ("normand", "ml", [-0.535127886339, 0.290682083197, 0.694351457147, 0.325388402172, 3.108403351203,
                       94.900808709733, 19.610952856560, -2.264841942636, 1.194586169957]),
    ("normand", "sj", [-0.537136233455, 0.308937655013, 0.792370987129, 0.325388402172, 3.108403351203,
                       95.503234331251, 22.238205716382, -2.383889832076, 1.309617365165]),
]  # fmt: skip


def _data(name):
    if name == "bcg":
        return es.binary(*BCG, "RR", labels=BCG_LABELS)
    return es.continuous(*NORMAND, "SMD", labels=NORMAND_LABELS)


@pytest.mark.parametrize("name, method, expected", OTHER_ESTIMATORS)
def test_pm_ml_sj_match_rma_defaults(name, method, expected):
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
