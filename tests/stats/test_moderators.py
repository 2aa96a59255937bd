"""Subgroup analysis and meta-regression against metafor 3.8-1.

R: d <- escalc("RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
"""

import pytest
from metafor_datasets import BCG, BCG_ABLAT, BCG_ALLOC, BCG_LABELS, ZERO, ZERO_LABELS

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import effect_sizes as es
from cartsle_cli.stats import moderators

TOL = 1e-6


def _bcg():
    return es.binary(*BCG, "RR", labels=BCG_LABELS)


def test_subgroups_have_their_own_tau2_and_q_between_matches_separate_fits():
    # for (g in c("random","alternate","systematic")) r <- rma(yi, vi, data=d, subset=alloc==g)
    #   random 7 -0.970964475758 0.275955701509 0.392526549118
    #   alternate 2 -0.540792961849 0.281601613104 0.132577039878
    #   systematic 4 -0.424207342954 0.359745387369 0.400346296814
    # rma(sapply(res, coef), sei=sapply(res, function(x) x$se), method="FE"): QE 1.86144614123 p 0.394268523295
    result = moderators.subgroups(_bcg(), BCG_ALLOC, variable="alloc")
    got = [(s.level, s.result.k, s.result.estimate_transformed, s.result.se_transformed, s.result.tau2)
           for s in result.subgroups]  # fmt: skip
    expected = [
        ("random", 7, -0.970964475758, 0.275955701509, 0.392526549118),
        ("alternate", 2, -0.540792961849, 0.281601613104, 0.132577039878),
        ("systematic", 4, -0.424207342954, 0.359745387369, 0.400346296814),
    ]
    for row, want in zip(got, expected):
        assert row[:2] == want[:2] and row[2:] == pytest.approx(want[2:], abs=TOL)
    assert (result.q_between, result.q_between_df) == pytest.approx((1.86144614123, 2), abs=TOL)
    assert result.q_between_p == pytest.approx(0.394268523295, abs=TOL)


def test_a_subgroup_of_only_double_zero_studies_is_listed_not_pooled():
    groups = ["x", "x", "y", "x", "y"]  # "y" keeps E; C (double zero) is listed in its effects
    result = moderators.subgroups(es.binary(*ZERO, "OR", labels=ZERO_LABELS), groups, method="dl")
    y = result.subgroups[1].result
    assert y.k == 1 and [e.study for e in y.excluded] == ["C"]


def test_meta_regression_on_latitude_matches_rma_mods():
    # r <- rma(yi, vi, mods=~ablat, data=d); c(r$beta, r$se, r$zval, r$pval, r$ci.lb, r$ci.ub, r$tau2,
    #   r$QM, r$QMp, r$QE, r$QEp, r$R2, r$I2, r$H2); confint(r, control=list(tol=1e-12))$random[1, ]
    r = moderators.meta_regression(_bcg(), {"ablat": BCG_ABLAT})
    expected = [
        (2.51464294374e-01, 2.49103666389e-01, 1.00947648832e00, 3.12746171947e-01, -2.36769920165e-01, 7.39698508914e-01),
        (-2.91016609280e-02, 7.19555475708e-03, -4.04439433935e00, 5.24585597431e-05, -4.32046891007e-02, -1.49986327554e-02),
    ]  # fmt: skip
    for c, want in zip(r.coefficients, expected):
        assert (c.estimate, c.se, c.statistic, c.p, c.lower, c.upper) == pytest.approx(want, abs=TOL)
    got = [r.tau2, r.qm, r.qm_p, r.qe, r.qe_p, r.r2, r.i2, r.h2, r.tau2_lower, r.tau2_upper]
    want = [7.63546947057e-02, 1.63571255722e01, 5.24585597431e-05, 3.07330900107e01, 1.21429098742e-03,
            7.56244783615e01, 6.83931305090e01, 3.16386917181e00, 0.0166800683208, 0.784835254576]  # fmt: skip
    assert got == pytest.approx(want, abs=TOL)


def test_meta_regression_with_a_categorical_moderator_under_hksj_matches_rma():
    # r <- rma(yi, vi, mods=~ablat+factor(alloc), data=d, method="DL", test="knha")
    # rownames: intrcpt ablat factor(alloc)random factor(alloc)systematic
    r = moderators.meta_regression(_bcg(), {"ablat": BCG_ABLAT, "alloc": BCG_ALLOC}, method="dl", ci="hksj")
    assert [c.name for c in r.coefficients] == [
        "intercept", "ablat", "alloc: random (vs alternate)", "alloc: systematic (vs alternate)"
    ]  # fmt: skip
    # beta, se, tval, pval, ci.lb, ci.ub (4 each)
    columns = [
        [0.30783179777606, -0.02764604337259, -0.25777950028360, 0.04333450081319],
        [0.40824122672742, 0.00925762711749, 0.35127597302815, 0.38132655152268],
        [0.75404387803684, -2.98629908309424, -0.73383755245606, 0.11364144626213],
        [0.47009043624162, 0.01529246382466, 0.48172627401432, 0.91201667980221],
        [-0.61567401741489, -0.04858825086694, -1.05242095878814, -0.81928608907897],
        [1.23133761296701, -0.00670383587824, 0.53686195822094, 0.90595509070535],
    ]
    for j, c in enumerate(r.coefficients):
        assert (c.estimate, c.se, c.statistic, c.p, c.lower, c.upper) == pytest.approx(
            [col[j] for col in columns], abs=TOL
        )
    # tau2 0.11783238142686, QM (F) 3.62185769292334, QMp 0.05810868143184, QMdf 3 9, R2 61.83693447644784, I2 65.65335999776805
    assert [r.tau2, r.qm, r.qm_p, r.r2, r.i2] == pytest.approx(
        [0.11783238142686, 3.62185769292334, 0.05810868143184, 61.83693447644784, 65.65335999776805], abs=TOL
    )
    assert r.qm_df == (3, 9) and r.qm_test == "F(3, 9)"


def test_a_moderator_with_one_value_or_the_wrong_length_is_refused():
    with pytest.raises(CartsleError, match="one value"):
        moderators.meta_regression(_bcg(), {"alloc": ["random"] * 13})
    with pytest.raises(CartsleError, match="12 values for 13 studies"):
        moderators.meta_regression(_bcg(), {"ablat": BCG_ABLAT[:12]})
