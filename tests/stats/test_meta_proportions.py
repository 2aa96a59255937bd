"""Meta-analysis of proportions against metafor 3.8-1 / lme4 1.1-31 reference values.

Data sets (x = events, n = totals):
  A  x=c(3,0,1),               n=c(15,12,10)
  C  x=c(2,10,0,15,4,1),       n=c(20,25,12,30,40,9)       (heterogeneous)
  D  x=c(1,0,0,0,1,0,0,0,0,1,0,0,0,0), n=c(15,12,10,8,7,6,6,5,5,5,5,5,5,4)
     (3 ICANS in 98 patients over 14 studies)
  E  x=c(0,0,1,0,0),           n=c(2,3,4,5,8)
  F  x=c(0,0,0,0,0),           n=c(2,3,4,5,8)              (0 events in 22 patients)
REML uses rma(..., method="REML") at metafor's defaults (Fisher scoring stopped at a change below
1e-5, started at the Hedges estimate), as cartsle iterates it (stats/tau2.py). GLMM references use
rma.glmm(measure="PLO", xi=x, ni=n, method="ML", nAGQ=25,
         control=list(glmerCtrl=list(optimizer="bobyqa", optCtrl=list(rhoend=1e-12)))),
so that lme4's optimiser stops well inside 1e-6; cartsle uses the same 25-node adaptive rule.
"""

import numpy as np
import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.meta_proportions import meta_proportions

A = ([3, 0, 1], [15, 12, 10])
C = ([2, 10, 0, 15, 4, 1], [20, 25, 12, 30, 40, 9])
D = ([1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0], [15, 12, 10, 8, 7, 6, 6, 5, 5, 5, 5, 5, 5, 4])
E = ([0, 0, 1, 0, 0], [2, 3, 4, 5, 8])
F = ([0, 0, 0, 0, 0], [2, 3, 4, 5, 8])
SKEWED = ([0, 0, 0, 18, 6, 6, 23, 3, 22, 1, 6], [35, 19, 11, 35, 13, 45, 55, 16, 34, 5, 13])
TOL = 1e-6


def _model_scale(result):
    """(estimate, se, tau2, I2, H2, Q, Q p, PI lower, PI upper) on the analysis scale, like metafor."""
    from scipy import stats

    z = stats.norm.ppf(0.975)
    half = z * np.sqrt(result.se_transformed**2 + result.tau2)
    return [
        result.estimate_transformed,
        result.se_transformed,
        result.tau2,
        result.i2,
        result.h2,
        result.q,
        result.q_p,
        result.estimate_transformed - half,
        result.estimate_transformed + half,
    ]


# r <- rma(measure=M, xi=x, ni=n, method=METHOD); p <- predict(r)
# c(r$beta, r$se, r$tau2, r$I2, r$H2, r$QE, r$QEp, p$pi.lb, p$pi.ub)
INVERSE_VARIANCE = [
    (
        C,
        "dl",
        "logit",
        [
            -1.3955762769,
            0.5093842380,
            1.0381592035,
            75.5337299724,
            4.0872597207,
            20.4362986036,
            0.0010347094,
            -3.6282423945,
            0.8370898406,
        ],
    ),
    (
        C,
        "reml",
        "logit",
        [
            -1.3961122203,
            0.5100144135,
            1.0416867579,
            75.5963632657,
            4.0977499005,
            20.4362986036,
            0.0010347094,
            -3.6323628103,
            0.8401383696,
        ],
    ),
    (
        C,
        "dl",
        "ft",
        [
            0.4605099458,
            0.1012001657,
            0.0484240642,
            81.1367416476,
            5.3013110530,
            26.5065552652,
            0.0000711532,
            -0.0142123389,
            0.9352322305,
        ],
    ),
    (
        C,
        "reml",
        "ft",
        [
            0.4607464050,
            0.1000760698,
            0.0470821307,
            80.7028507951,
            5.1821125980,
            26.5065552652,
            0.0000711532,
            -0.0075880060,
            0.9290808159,
        ],
    ),
    (
        C,
        "dl",
        "raw",
        [
            0.1957624137,
            0.0679340440,
            0.0216786925,
            81.7114957929,
            5.4679157392,
            27.3395786958,
            0.0000489808,
            -0.1220524204,
            0.5135772478,
        ],
    ),
    (
        C,
        "reml",
        "raw",
        [
            0.1983683473,
            0.0761576156,
            0.0287070235,
            85.5416831961,
            6.9164344201,
            27.3395786958,
            0.0000489808,
            -0.1657157672,
            0.5624524618,
        ],
    ),
    (
        A,
        "dl",
        "ft",
        [
            0.3384634107,
            0.1049099330,
            0.0133354682,
            40.3262667099,
            1.6757791827,
            3.3515583653,
            0.1871622890,
            0.0326740892,
            0.6442527322,
        ],
    ),
    (
        A,
        "reml",
        "ft",
        [
            0.3383876987,
            0.1055734402,
            0.0137507517,
            41.0663619904,
            1.6968238069,
            3.3515583653,
            0.1871622890,
            0.0291323173,
            0.6476430802,
        ],
    ),
    (
        A,
        "reml",
        "raw",
        [
            0.0813814747,
            0.0454750823,
            0.0005966506,
            8.1216323913,
            1.0883954798,
            1.9986799616,
            0.3681223288,
            -0.0197920425,
            0.1825549919,
        ],
    ),
    (
        A,
        "dl",
        "logit",
        [
            -1.8123679660,
            0.5142921733,
            0.0,
            0.0,
            1.0,
            1.5200847036,
            0.4676466209,
            -2.8203621031,
            -0.8043738289,
        ],
    ),
    (
        D,
        "dl",
        "logit",
        [
            -2.3809878383,
            0.3605862834,
            0.0,
            0.0,
            1.0,
            1.8427921340,
            0.9998578997,
            -3.0877239672,
            -1.6742517095,
        ],
    ),
    (
        D,
        "reml",
        "ft",
        [0.2388589696, 0.0487950036, 0.0, 0.0, 1.0, 4.3964415215, 0.9861971552, 0.1432225199, 0.3344954194],
    ),
]


@pytest.mark.parametrize("data, method, scale, expected", INVERSE_VARIANCE)
def test_inverse_variance_pool_matches_metafor_rma(data, method, scale, expected):
    result = meta_proportions(*data, method=method, scale=scale)
    assert _model_scale(result) == pytest.approx(expected, abs=TOL)


def test_ft_back_transformation_matches_metafor_transf_ipft_hm():
    # predict(rma(measure="PFT", xi=x, ni=n, method="DL"), transf=transf.ipft.hm, targs=list(ni=n)) on C
    result = meta_proportions(*C, method="dl", scale="ft")
    assert [result.estimate, result.lower, result.upper, result.pi_lower, result.pi_upper] == pytest.approx(
        [0.1809512883, 0.0451146232, 0.3678610471, 0.0, 0.6557841914], abs=TOL
    )


def test_reml_weights_match_metafor_weights():
    # weights(rma(measure="PLO", xi=x, ni=n, method="REML")) on C (metafor's default convergence)
    result = meta_proportions(*C, method="reml", scale="logit")
    weights = [study.weight for study in result.studies]
    assert weights == pytest.approx(
        [16.28523735932, 21.52637603031, 8.33250489644, 22.13704292273, 19.71365617755, 12.00518261366],
        abs=TOL,
    )


# g <- rma.glmm(measure="PLO", xi=x, ni=n, method="ML", nAGQ=25, control=<tight bobyqa>); p <- predict(g)
# c(g$beta, g$se, g$tau2, g$I2, g$H2, g$QE.LRT, g$QEp.LRT, p$pi.lb, p$pi.ub)
GLMM = [
    (
        A,
        [
            -2.1126684663,
            0.6303069940,
            0.0048405522,
            0.4773827513,
            1.0047967263,
            3.8343394157,
            0.1470224904,
            -3.3555506306,
            -0.8697863021,
        ],
    ),
    (
        C,
        [
            -1.6149963912,
            0.5522465910,
            1.1782143478,
            77.7962969707,
            4.5037532644,
            27.8733754032,
            0.0000385330,
            -4.0019642976,
            0.7719715153,
        ],
    ),
    (
        D,
        [
            -3.4552645827,
            0.5863953290,
            0.0,
            0.0,
            1.0,
            8.7317891877,
            0.7928851012,
            -4.6045783082,
            -2.3059508572,
        ],
    ),
    # large tau^2 with zero-event studies: here 25 nodes are not yet converged (see below)
    (
        SKEWED,
        [
            -1.4797282972,
            0.5763001355,
            2.6817836946,
            91.1122081211,
            11.2513885747,
            85.3993665021,
            0.0,
            -4.8823440593,
            1.9228874648,
        ],
    ),
]


@pytest.mark.parametrize("data, expected", GLMM)
def test_glmm_matches_rma_glmm_with_25_point_quadrature(data, expected):
    result = meta_proportions(*data, method="glmm")
    # lme4's standard error comes from a finite-difference Hessian (step 1e-4): agreement ~2e-7
    assert _model_scale(result) == pytest.approx(expected, abs=TOL)


def test_glmm_keeps_zero_event_studies_without_correction():
    # predict(rma.glmm(... E ...), transf=transf.ilogit): pred, ci.lb, ci.ub
    result = meta_proportions(*E, method="glmm")
    assert result.k == 5
    assert [result.estimate, result.lower, result.upper] == pytest.approx(
        [0.0454545455, 0.0063646607, 0.2614519753], abs=TOL
    )
    assert result.method.continuity_correction is None
    assert result.warnings == []


def test_three_icans_in_98_patients_ft_pools_far_below_crude_and_warns():
    # predict(rma(measure="PFT", xi=x, ni=n, method="DL"), transf=transf.ipft.hm, targs=list(ni=n)) on D
    ft = meta_proportions(*D, method="dl", scale="ft")
    assert [ft.estimate, ft.lower, ft.upper] == pytest.approx([0.0079671124, 0.0, 0.0552937941], abs=TOL)
    assert ft.crude_proportion == pytest.approx(3 / 98)
    assert any("biased for small sparse studies" in w and "0.8%" in w and "3.1%" in w for w in ft.warnings)
    assert any("clamped" in w for w in ft.warnings)
    # predict(rma.glmm(... D ...), transf=transf.ilogit): the GLMM recovers the crude 3.1%
    glmm = meta_proportions(*D, method="glmm")
    assert [glmm.estimate, glmm.lower, glmm.upper] == pytest.approx(
        [0.0306122455, 0.0099067939, 0.0906313113], abs=TOL
    )


def test_continuity_correction_on_all_zero_logit_pool_inflates_and_warns():
    # predict(rma(measure="PLO", xi=rep(0,5), ni=c(2,3,4,5,8), method="DL"), transf=transf.ilogit)
    result = meta_proportions(*F, method="dl", scale="logit")
    assert [result.estimate, result.lower, result.upper] == pytest.approx(
        [0.0985021972, 0.0286069839, 0.2884595822], abs=TOL
    )
    assert "0.5 added to the cells of 5 of 5 studies" in result.method.continuity_correction
    assert any("pooled 9.9% against crude 0.0%" in w for w in result.warnings)


def test_ft_with_no_events_anywhere_clamps_to_zero_and_says_so():
    # predict(rma(measure="PFT", xi=rep(0,5), ni=c(2,3,4,5,8), method="DL"), transf=transf.ipft.hm, targs=list(ni=n))
    result = meta_proportions(*F, method="dl", scale="ft")
    assert [result.estimate, result.lower, result.upper] == pytest.approx([0.0, 0.0, 0.0875748878], abs=TOL)
    assert any("clamped to 0 or 1: estimate, CI lower" in w for w in result.warnings)


def test_raw_interval_below_zero_is_reported_and_warned():
    # predict(rma(measure="PR", xi=c(3,0,1), ni=c(15,12,10), method="DL")): ci.lb = -0.0051223783
    result = meta_proportions(*A, method="dl", scale="raw")
    assert result.lower == pytest.approx(-0.0051223783, abs=TOL)
    assert any("leaves [0, 1]" in w for w in result.warnings)


def test_every_result_names_estimator_transformation_and_intervals():
    line = meta_proportions(*C, method="reml", scale="ft").method.line()
    assert "REML" in line and "Freeman-Tukey" in line and "Miller (1978)" in line and "Wald z" in line
    glmm_line = meta_proportions(*C).method.line()
    assert "binomial-normal GLMM" in glmm_line and "25 nodes" in glmm_line


@pytest.mark.parametrize(
    "data, reason",
    [
        (([2], [10]), "at least 2 studies"),
        ((F[0], F[1]), "all studies have 0 events"),
        (([5, 3], [5, 3]), "all studies have all events"),
        (([2, 2, 2], [10, 10, 10]), "same proportion"),
    ],
)
def test_glmm_refuses_data_it_cannot_fit_and_names_the_alternative(data, reason):
    # R: rma.glmm fails on each ("Number of parameters ... larger than ..." / "Cannot fit ML model")
    with pytest.raises(CartsleError) as error:
        meta_proportions(*data, method="glmm")
    assert reason in str(error.value) and "--method dl" in str(error.value)
    assert "\n" not in str(error.value)


def test_glmm_on_other_scales_is_refused():
    with pytest.raises(CartsleError, match="logit scale"):
        meta_proportions(*A, method="glmm", scale="ft")


def test_25_nodes_are_converged_on_moderate_heterogeneity():
    assert meta_proportions(*C, nodes=60).tau2 == pytest.approx(meta_proportions(*C).tau2, abs=1e-9)


def test_more_nodes_move_a_skewed_fit_by_about_1e_6_as_they_would_move_lme4():
    # 25 nodes leave ~1.3e-6 of quadrature error in tau^2 here; 60 and 100 nodes agree to 1e-9
    assert abs(meta_proportions(*SKEWED, nodes=60).tau2 - meta_proportions(*SKEWED).tau2) > 1e-7
    assert meta_proportions(*SKEWED, nodes=60).tau2 == pytest.approx(
        meta_proportions(*SKEWED, nodes=100).tau2, abs=1e-9
    )


@pytest.mark.parametrize(
    "method, expected",
    [
        # r <- rma(measure="PLO", xi=x, ni=n, method=M, control=list(tol=1e-12)) on C
        # ci <- confint(r, control=list(tol=1e-12))$random; c(r$beta, r$se, r$tau2, ci[1,2], ci[1,3])
        ("pm", [-1.37896499863, 0.490631461801, 0.935659004778, 0.158287894648, 8.29298735651]),
        ("ml", [-1.35274908838, 0.463777973334, 0.797250814432, 0.158287894648, 8.29298735651]),
        ("sj", [-1.39240525339, 0.505689019228, 1.01758292744, 0.158287894648, 8.29298735651]),
    ],
)
def test_other_tau2_estimators_and_q_profile_reach_proportions(method, expected):
    result = meta_proportions(*C, method=method, scale="logit")
    got = [
        result.estimate_transformed,
        result.se_transformed,
        result.tau2,
        result.tau2_lower,
        result.tau2_upper,
    ]
    assert got == pytest.approx(expected, abs=TOL)
    assert "Q-profile" in result.method.line()


def test_hksj_and_t_prediction_interval_reach_proportions():
    # r <- rma(measure="PFT", xi=x, ni=n, method="REML", test="knha"); p <- predict(r, pi.type="riley") on C
    # c(r$beta, r$se, r$ci.lb, r$ci.ub, p$pi.lb, p$pi.ub)
    result = meta_proportions(*C, method="reml", scale="ft", ci="hksj", pi="t")
    got = [result.estimate_transformed, result.se_transformed, result.lower_transformed, result.upper_transformed,
           result.pi_lower_transformed, result.pi_upper_transformed]  # fmt: skip
    assert got == pytest.approx(
        [0.4607464050, 0.0990892349, 0.2060294175, 0.7154633924, -0.2015437584, 1.1230365683], abs=TOL
    )
    assert "Hartung-Knapp-Sidik-Jonkman" in result.method.line() and "k-2" not in result.method.line()


def test_common_effect_proportion_uses_q_based_i2():
    # rma(measure="PLO", xi=x, ni=n, method="FE") on C: beta -0.8729171552 se 0.2221144372 I2 75.5337299724
    result = meta_proportions(*C, method="fe", scale="logit")
    assert [result.estimate_transformed, result.se_transformed, result.i2] == pytest.approx(
        [-0.8729171552, 0.2221144372, 75.5337299724], abs=TOL
    )
