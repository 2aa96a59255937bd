"""Leave-one-out and Egger's test against metafor 3.8-1.

R: d <- escalc("RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
   y <- dat.yusuf1985[dat.yusuf1985$table == "6" & dat.yusuf1985$trial != "Snow 1", ]
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from metafor_datasets import BCG, BCG_LABELS, NORMAND, YUSUF, YUSUF_LABELS

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import effect_sizes as es
from cartsle_cli.stats import meta, rma, sensitivity
from cartsle_cli.stats.leave_one_out_batch import leave_one_out_batch

TOL = 1e-6


def test_leave_one_out_reml_matches_leave1out():
    # l <- leave1out(rma(yi, vi, data=d)); c(l$estimate[1:2], l$se[1:2], l$zval[1:2], l$pval[1:2],
    #   l$ci.lb[1:2], l$ci.ub[1:2], l$Q[1:2], l$Qp[1:2], l$tau2[1:2], l$I2[1:2], l$H2[1:2])
    expected = [
        -7.07083788031e-01, -6.54031200398e-01, 1.89961024703e-01, 1.80695386624e-01, -3.72225717953e00,
        -3.61952351202e00, 1.97449759023e-04, 2.95145993900e-04, -1.07940055492e00, -1.00818765035e00,
        -3.34767021148e-01, -2.99874750443e-01, 1.51582572747e02, 1.45317607670e02, 7.07785997678e-27,
        1.34580182821e-25, 3.36156745300e-01, 2.92583085554e-01, 9.32259349111e01, 9.22539555055e01,
        1.47621846983e01, 1.29098148185e01,
    ]  # fmt: skip
    result = sensitivity.leave_one_out(es.binary(*BCG, "RR", labels=BCG_LABELS))
    fields = ["estimate_transformed", "se_transformed", "statistic", "p", "lower_transformed",
              "upper_transformed", "q", "q_p", "tau2", "i2", "h2"]  # fmt: skip
    got = [getattr(result.omitted[i], f) for f in fields for i in (0, 1)]
    assert got == pytest.approx(expected, abs=TOL, rel=1e-6)
    assert result.omitted[0].study == BCG_LABELS[0]


def test_leave_one_out_with_pm_and_hksj_matches_leave1out():
    # l <- leave1out(rma(yi, vi, data=d, method="PM", test="knha", control=list(tol=1e-12)))
    # c(l$estimate[13], l$se[13], l$ci.lb[13], l$ci.ub[13], l$tau2[13], l$I2[13])
    o = sensitivity.leave_one_out(es.binary(*BCG, "RR"), method="pm", ci="hksj").omitted[12]
    got = [o.estimate_transformed, o.se_transformed, o.lower_transformed, o.upper_transformed, o.tau2, o.i2]
    assert got == pytest.approx(
        [-0.777538364962, 0.185541135846, -1.18591165155, -0.369165078378, 0.303754432084, 92.3448908278],
        abs=TOL,
    )


def test_leave_one_out_mantel_haenszel_matches_leave1out_rma_mh():
    # l <- leave1out(rma.mh(measure="OR", ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=y))
    # c(l$estimate[1:2], l$se[1:2], l$Q[1:2], l$Qp[1:2], l$I2[1:2])
    result = sensitivity.leave_one_out(es.binary(*YUSUF, "OR", labels=YUSUF_LABELS), method="mh")
    got = [
        getattr(result.omitted[i], f)
        for f in ("estimate_transformed", "se_transformed", "q", "q_p", "i2")
        for i in (0, 1)
    ]
    assert got == pytest.approx(
        [-0.0709160159750, -0.0638125711154, 0.1240401577298, 0.1252177913356, 9.4218648553067,
         9.4005966761523, 0.8950290453976, 0.8960039493048, 0, 0], abs=TOL
    )  # fmt: skip
    assert len(result.omitted) == 18  # the three double-zero trials are not analysed, so not left out


def test_egger_classic_matches_regtest_lm_sei():
    # e <- regtest(rma(yi, vi, data=d), model="lm", predictor="sei"); c(e$zval, e$pval, e$dfs, e$est, e$ci.lb, e$ci.ub)
    # -1.401282002289 0.188706995082 11 -0.190928642360 -0.675332350276 0.293475065556
    # coef(summary(e$fit))["Xsei", ]: -2.11204212089 1.507221328357
    e = sensitivity.egger_test(es.binary(*BCG, "RR"))
    got = [e.statistic, e.p, e.df, e.limit_estimate, e.limit_lower, e.limit_upper, e.slope, e.slope_se]
    assert got == pytest.approx(
        [-1.401282002289, 0.188706995082, 11, -0.190928642360, -0.675332350276, 0.293475065556,
         -2.11204212089, 1.507221328357], abs=TOL
    )  # fmt: skip
    assert e.warning is None


def test_egger_below_ten_studies_warns():
    # regtest(rma(yi, vi, data=escalc("SMD", ..., data=dat.normand1999)), model="lm", predictor="sei")
    # -0.499488604525 0.632749382450 7 -0.112672677789 -1.646156816416 1.420811460837
    e = sensitivity.egger_test(es.continuous(*NORMAND, "SMD"))
    assert [e.statistic, e.p, e.df, e.limit_estimate, e.limit_lower, e.limit_upper] == pytest.approx(
        [-0.499488604525, 0.632749382450, 7, -0.112672677789, -1.646156816416, 1.420811460837], abs=TOL
    )
    assert "fewer than 10" in e.warning


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-3, 3), st.floats(0.01, 2)), min_size=3, max_size=12),
    st.floats(-5, 5),
)
def test_shifting_every_estimate_shifts_the_pool_and_leaves_tau2(studies, shift):
    yi = [y for y, _ in studies]
    sei = [s for _, s in studies]
    for method in ("dl", "reml", "pm"):
        try:
            a = meta.pool(es.generic(yi, sei), method=method)
        except CartsleError:  # REML's Fisher scoring can cycle (metafor's rma fails on the same data)
            assume(method != "reml")
            raise
        b = meta.pool(es.generic([y + shift for y in yi], sei), method=method)
        assert b.estimate_transformed == pytest.approx(a.estimate_transformed + shift, abs=1e-6)
        assert b.tau2 == pytest.approx(a.tau2, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-2, 2), st.floats(0.05, 1)), min_size=3, max_size=15),
    st.sampled_from(["fe", "dl", "reml", "ml", "pm", "sj"]),
    st.sampled_from(["z", "knha"]),
)
def test_batched_leave_one_out_equals_one_fit_per_study(studies, method, test):
    yi = np.array([y for y, _ in studies])
    vi = np.array([s for _, s in studies]) ** 2
    assume(method != "fe" or test == "z")
    batch = leave_one_out_batch(yi, vi, method, test, 0.95)
    for i in range(len(yi)):
        try:
            f = rma.fit(np.delete(yi, i), np.delete(vi, i), method=method, test=test)
        except CartsleError:
            assume(False)
        expected = [f.beta[0], f.se[0], f.tau2, f.qe, f.i2, f.ci_lower[0], f.ci_upper[0]]
        got = [
            batch.beta[i],
            batch.se[i],
            batch.tau2[i],
            batch.q[i],
            batch.i2[i],
            batch.lower[i],
            batch.upper[i],
        ]
        assert got == pytest.approx(expected, abs=1e-9, rel=1e-9)
