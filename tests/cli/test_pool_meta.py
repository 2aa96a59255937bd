"""`cartsle pool meta`: counts in, the pooled proportion with its method and warnings out."""

import json

import pytest


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
    # rma(measure="PFT", ..., method="REML", control=list(threshold=1e-12))$tau2
    assert data["tau2"] == pytest.approx(0.0470820482, abs=1e-6)
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
