"""`cartsle pool meta`: numbers in, pooled results with their method out (the contract of the README)."""

import json
import math
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "meta"


def test_counts_on_the_command_line_give_tables_and_method_line(cli):
    result = cli("pool", "meta", "--events", "3,0,1", "--totals", "15,12,10")
    # rma.glmm(measure="PLO", xi=c(3,0,1), ni=c(15,12,10), method="ML", nAGQ=25): transf.ilogit(-2.11267) = 10.8%
    assert "10.8% (95% CI 3.4% to 29.4%)" in result.output
    assert "binomial-normal GLMM" in result.output


def test_json_output_carries_method_and_metafor_figures(cli):
    result = cli(
        "pool",
        "meta",
        "--events",
        "2,10,0,15,4,1",
        "--totals",
        "20,25,12,30,40,9",
        "--method",
        "reml",
        "--scale",
        "ft",
        "--json",
    )
    data = json.loads(result.output)
    # rma(measure="PFT", xi=c(2,10,0,15,4,1), ni=c(20,25,12,30,40,9), method="REML")$tau2
    assert data["tau2"] == pytest.approx(0.0470821307, abs=1e-6)
    assert "Freeman-Tukey" in data["method_line"]


def test_csv_input_and_forest_plot(cli, tmp_path):
    counts = tmp_path / "counts.csv"
    counts.write_text("study,events,total\nMackensen 2022,2,20\nWang 2024,10,25\nMuller 2024,0,12\n")
    plot = tmp_path / "forest.svg"
    result = cli("pool", "meta", "--csv", counts, "--method", "dl", "--plot", plot)
    assert "Wang 2024" in result.output and "0.5 added" in result.output
    assert "Mackensen 2022" in plot.read_text()


def test_sparse_ft_pool_warns_in_output(cli):
    result = cli(
        "pool",
        "meta",
        "--events",
        "1,0,0,0,1,0,0,0,0,1,0,0,0,0",
        "--totals",
        "15,12,10,8,7,6,6,5,5,5,5,5,5,4",
        "--method",
        "dl",
        "--scale",
        "ft",
    )
    assert "warning: the Freeman-Tukey back-transformation" in result.output


def test_glmm_on_all_zero_counts_fails_in_one_line_naming_the_alternative(cli):
    result = cli("pool", "meta", "--events", "0,0", "--totals", "4,5", ok=False)
    assert result.exit_code == 1
    assert "all studies have 0 events" in result.output and "--method dl" in result.output


def test_bad_csv_cell_is_located(cli, tmp_path):
    counts = tmp_path / "counts.csv"
    counts.write_text("study,events,total\nA,2,20\nB,x,25\n")
    result = cli("pool", "meta", "--csv", counts, ok=False)
    assert result.exit_code == 1 and "line 3, field events" in result.output


def test_missing_counts_are_explained(cli):
    result = cli("pool", "meta", "--events", "1,2", ok=False)
    assert result.exit_code == 1 and "--totals" in result.output


def test_binary_csv_pools_risk_ratios_with_both_scales_in_json(cli):
    result = cli("pool", "meta", "--csv", SAMPLE / "bcg.csv", "--measure", "RR", "--method", "reml", "--json")
    data = json.loads(result.output)
    # r <- rma(yi, vi, data=escalc("RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)); predict(r, transf=exp)
    # beta -0.714532348365, se 0.179781531780, tau2 0.313243325981
    # confint(r, control=list(tol=1e-12))$random: 0.119718361141 1.11147908406
    # pred 0.489427 ci 0.344... (exp of beta -+ 1.96 se), pi exp(-1.86669234661) exp(0.437627649877)
    assert data["estimate_transformed"] == pytest.approx(-0.714532348365, abs=1e-6)
    assert data["se_transformed"] == pytest.approx(0.179781531780, abs=1e-6)
    assert data["estimate"] == pytest.approx(math.exp(-0.714532348365), abs=1e-6)
    assert data["pi_lower"] == pytest.approx(math.exp(-1.86669234661), abs=1e-6)
    assert data["pi_upper"] == pytest.approx(math.exp(0.437627649877), abs=1e-6)
    assert [data["tau2_lower"], data["tau2_upper"]] == pytest.approx(
        [0.119718361141, 1.11147908406], abs=1e-6
    )
    assert data["measure"] == "RR" and "REML" in data["method_line"]
    assert data["subgroups"] is None and data["egger"] is None


def test_extras_are_in_the_json_and_the_tables_name_their_methods(cli, tmp_path):
    args = ["pool", "meta", "--csv", SAMPLE / "bcg.csv", "--measure", "RR", "--subgroup", "alloc",
            "--moderator", "ablat", "--leave-one-out", "--bias", "egger"]  # fmt: skip
    data = json.loads(cli(*args, "--json").output)
    # rma(sapply(res, coef), sei=sapply(res, function(x) x$se), method="FE")$QE (tests/stats/test_moderators.py)
    assert data["subgroups"]["q_between"] == pytest.approx(1.86144614123, abs=1e-6)
    # rma(yi, vi, mods=~ablat, data=d)$QM
    assert data["meta_regression"]["qm"] == pytest.approx(16.3571255722, abs=1e-6)
    assert len(data["leave_one_out"]["omitted"]) == 13
    # regtest(rma(yi, vi, data=d), model="lm", predictor="sei")$zval
    assert data["egger"]["statistic"] == pytest.approx(-1.401282002289, abs=1e-6)
    text = cli(*args, "--plot", tmp_path / "bcg.svg").output
    for expected in ("method: random effects", "test for subgroup differences", "test of moderators",
                     "Leave-one-out", "Egger's test"):  # fmt: skip
        assert expected in text
    assert (tmp_path / "bcg.svg").exists() and (tmp_path / "bcg_funnel.svg").exists()


def test_continuous_and_generic_csvs(cli, tmp_path):
    data = json.loads(
        cli(
            "pool",
            "meta",
            "--csv",
            SAMPLE / "normand1999.csv",
            "--measure",
            "SMD",
            "--method",
            "dl",
            "--json",
        ).output
    )
    # rma(yi, vi, data=escalc("SMD", ..., data=dat.normand1999), method="DL")$beta
    assert data["estimate"] == pytest.approx(-0.530737310616, abs=1e-6)
    generic = tmp_path / "hr.csv"
    generic.write_text("study,yi,sei\nA,-0.2,0.1\nB,0.1,0.2\nC,-0.4,0.15\n")
    data = json.loads(
        cli(
            "pool",
            "meta",
            "--csv",
            generic,
            "--measure",
            "GEN",
            "--scale",
            "log hazard ratio",
            "--method",
            "fe",
            "--json",
        ).output
    )
    # rma(c(-0.2,0.1,-0.4), sei=c(0.1,0.2,0.15), method="FE")$beta: -0.208196721311 (= sum(w y)/sum(w), w = 1/se^2)
    assert data["estimate_transformed"] == pytest.approx(-0.208196721311, abs=1e-9)
    assert data["estimate"] == pytest.approx(math.exp(-0.208196721311), abs=1e-9)


def test_mantel_haenszel_lists_double_zero_studies(cli, tmp_path):
    counts = tmp_path / "zero.csv"
    counts.write_text(
        "study,events_e,n_e,events_c,n_c\nA,0,20,2,20\nB,3,30,6,31\nC,0,15,0,16\nD,5,40,9,38\nE,2,25,2,25\n"
    )
    data = json.loads(
        cli("pool", "meta", "--csv", counts, "--measure", "OR", "--method", "mh", "--json").output
    )
    # rma.mh(measure="OR", ai=c(0,3,0,5,2), n1i=c(20,30,15,40,25), ci=c(2,6,0,9,2), n2i=c(20,31,16,38,25))
    assert data["estimate_transformed"] == pytest.approx(-0.764999161883, abs=1e-6)
    assert data["excluded"] == [{"study": "C", "reason": "no events in either arm", "row": 2}]


BAD = [
    (
        "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c\nA,1,0,10,2,1,10\nB,1,1,10,2,1,10\n",
        "MD",
        [],
        "line 2, field sd_e",
    ),
    ("study,events_e,n_e,events_c,n_c\nA,1,10,2,10\n", "OR", [], "1 study"),
    ("study,events_e,n_e,events_c\nA,1,10,2\nB,1,10,2\n", "OR", [], "missing n_c"),
    ("study,events_e,n_e,events_c,n_c\nA,1,10,2,10\nB,1,10,2\n", "OR", [], "line 3: 4 fields for 5 columns"),
    ("study,events_e,n_e,events_c,n_c\nA,1,10,2,10\nB,one,10,2,10\n", "OR", [], "line 3, field events_e"),
    ("study,events_e,n_e,events_c,n_c\nA,11,10,2,10\nB,1,10,2,10\n", "OR", [], "events_e 11 is above n_e 10"),
    (
        "study,events_e,n_e,events_c,n_c\nA,1,10,2,10\nB,1,10,2,10\n",
        "OR",
        ["--subgroup", "region"],
        "missing region",
    ),
    (
        "study,events_e,n_e,events_c,n_c\nA,1,10,2,10\nB,1,10,2,10\n",
        "RR",
        ["--method", "peto"],
        "Peto's method pools odds ratios only",
    ),
]


@pytest.mark.parametrize("text, measure, options, message", BAD)
def test_bad_input_is_one_line_naming_where(cli, tmp_path, text, measure, options, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = cli("pool", "meta", "--csv", path, "--measure", measure, *options, ok=False)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    if "line" in message:
        assert str(path) in result.output


def test_hksj_ci_and_t_prediction_interval_reach_the_json(cli):
    args = [
        "pool",
        "meta",
        "--csv",
        SAMPLE / "bcg.csv",
        "--measure",
        "RR",
        "--ci",
        "hksj",
        "--pi",
        "t",
        "--json",
    ]
    data = json.loads(cli(*args).output)
    # r <- rma(yi, vi, data=d, test="knha"); r$ci.lb -1.10844372300005; predict(r, pi.type="riley")$pi.lb -2.00905778448572
    assert data["lower_transformed"] == pytest.approx(-1.10844372300005, abs=1e-6)
    assert data["pi_lower_transformed"] == pytest.approx(-2.00905778448572, abs=1e-6)
    assert data["df"] == 12 and "Hartung-Knapp-Sidik-Jonkman" in data["method_line"]


def test_proportions_pool_by_subgroup_on_their_analysis_scale(cli, tmp_path):
    """It raised AttributeError (a function that does not exist), found by mypy.

    R (metafor 3.8.1):
        d <- escalc(measure="PLO", xi=c(4,10,3,15,2,30), ni=c(20,40,25,50,16,60))
        g <- c("a","a","a","b","b","b")
        a <- rma(yi, vi, data=d, subset=g=="a", method="REML")  # beta -1.3445089772, se 0.2737928391
        b <- rma(yi, vi, data=d, subset=g=="b", method="REML")  # beta -0.7509267010, tau2 0.5535255770
        rma(c(a$beta, b$beta), sei=c(a$se, b$se), method="FE")$QE   # 1.0931348733, p 0.2957776646
    """
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "study,events,total,g\nA1,4,20,a\nA2,10,40,a\nA3,3,25,a\nB1,15,50,b\nB2,2,16,b\nB3,30,60,b\n"
    )
    result = cli(
        "pool", "meta", "--csv", counts, "--measure", "PLO", "--method", "reml", "--subgroup", "g", "--json"
    )
    (grouped,) = [json.loads(result.output)["subgroups"]]
    a, b = grouped["subgroups"]
    assert a["estimate_transformed"] == pytest.approx(-1.3445089772, abs=1e-6)
    assert a["se_transformed"] == pytest.approx(0.2737928391, abs=1e-6)
    assert b["estimate_transformed"] == pytest.approx(-0.7509267010, abs=1e-6)
    assert b["tau2"] == pytest.approx(0.5535255770, abs=1e-6)
    assert (grouped["q_between"], grouped["q_between_p"]) == (
        pytest.approx(1.0931348733, abs=1e-6),
        pytest.approx(0.2957776646, abs=1e-6),
    )
    refused = cli(
        "pool", "meta", "--csv", counts, "--measure", "PLO", "--method", "glmm", "--subgroup", "g", ok=False
    )
    assert refused.exit_code == 1
    assert "inverse-variance method" in refused.output and "Traceback" not in refused.output


def test_a_perfect_fit_under_hksj_says_the_moderator_test_is_not_computable(cli, tmp_path):
    """yi = 0.1 x exactly: the HKSJ scale (residual Q / (k - p)) is 0, the coefficients' covariance
    is singular and QM has no value; it raised TypeError (float(None)) before, found by mypy."""
    data = tmp_path / "perfect.csv"
    data.write_text("study,yi,sei,x\nA,0.1,0.1,1\nB,0.2,0.2,2\nC,0.3,0.15,3\nD,0.4,0.1,4\n")
    args = (
        "pool",
        "meta",
        "--csv",
        data,
        "--measure",
        "GEN",
        "--method",
        "reml",
        "--ci",
        "hksj",
        "--moderator",
        "x",
    )
    assert "test of moderators: not computable" in cli(*args).output
    regression = json.loads(cli(*args, "--json").output)["meta_regression"]
    assert regression["qm"] is None and regression["qm_p"] is None
    assert regression["coefficients"][1]["estimate"] == pytest.approx(0.1, abs=1e-9)
