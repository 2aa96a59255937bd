"""`cartsle screen simulate`, driven through a runner on a small labelled CSV."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cartsle_cli.cli.common import group
from cartsle_cli.cli.screen_ranking import simulate_command


@pytest.fixture
def run():
    # the command on its own; cli/screen.py registers it as `cartsle screen simulate`
    app = group("test")
    app.command("simulate")(simulate_command)
    app.command("other")(lambda: None)  # two commands keep typer from collapsing the group
    return lambda *args: CliRunner().invoke(app, ["simulate", *map(str, args)])


@pytest.fixture
def labelled_csv(tmp_path):
    rows = ["record_id,title,abstract,label_included"]
    for number in range(1, 61):
        relevant = number % 6 == 0
        topic = "aspirin after stroke randomised trial" if relevant else f"knee surgery cohort {number % 5}"
        rows.append(f"r{number},Study {number} of {topic},We report {topic}.,{int(relevant)}")
    path = tmp_path / "labelled.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_simulate_prints_both_wss_formulas_named_with_definitions(run, labelled_csv):
    result = run(labelled_csv, "--runs", "2")
    assert result.exit_code == 0, result.output
    assert "WSS@95 (asreview-insights)" in result.output
    assert "WSS@95 (Cohen 2006)" in result.output
    text = " ".join(result.output.split())  # the table wraps at the runner's 80 columns
    assert "(N - records read to reach the recall level) / N - (1 - level)" in text
    assert "RRF@10" in result.output and "linear SVM" in result.output


def test_simulate_json_has_recall_at_every_step_and_the_priors(run, labelled_csv):
    result = run(labelled_csv, "--json", "--priors", "r6,r1")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["label_column"] == "label_included"
    first = report["models"]["default"]["runs"][0]
    assert report["runs"][0] == first
    assert first["priors"] == ["r6", "r1"]
    assert len(first["recall"]) == 60 - 2
    assert first["metrics"]["includes"] == 10 - 1
    # ten near-identical includes: the model finds the other nine first
    assert first["metrics"]["screened_to_find_all"] == 9
    assert report["summary"]["wss95_cohen"]["mean"] == pytest.approx((58 - 9) / 58 - 0.05)


def test_simulate_writes_the_recall_plot(run, labelled_csv, tmp_path):
    result = run(labelled_csv, "--plot", tmp_path / "curve.png")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "curve.png").read_bytes()[:4] == b"\x89PNG"


def test_unknown_prior_id_is_one_line_error(run, labelled_csv):
    result = run(labelled_csv, "--priors", "nope")
    assert result.exit_code == 1
    assert "no record with id nope" in result.output


def test_cartsle_screen_simulate_needs_no_review_file(labelled_csv, tmp_path, monkeypatch):
    from cartsle_cli.cli.main import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["screen", "simulate", str(labelled_csv), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["includes"] == 10
    assert not (tmp_path / "cartsle.db").exists()


def test_simulate_prints_the_default_and_elas_u4_side_by_side(run, labelled_csv):
    result = run(labelled_csv, "--runs", "1")
    assert result.exit_code == 0, result.output
    assert "default" in result.output and "elas-u4" in result.output
    report = json.loads(run(labelled_csv, "--json").stdout)
    assert set(report["models"]) == {"default", "elas-u4"}


def test_simulate_model_elas_u4_alone(run, labelled_csv):
    report = json.loads(run(labelled_csv, "--json", "--model", "elas-u4").stdout)
    assert list(report["models"]) == ["elas-u4"]
    assert "linear SVM (squared hinge, C=0.11)" in report["model"]


def test_unknown_model_is_one_line_error(run, labelled_csv):
    result = run(labelled_csv, "--model", "nope")
    assert result.exit_code == 1 and "no model 'nope'" in result.output


def test_simulate_stopping_reports_recall_at_stop_and_runs_below_target(run, labelled_csv):
    result = run(labelled_csv, "--json", "--model", "elas-u4", "--stopping", "--draws", "10", "--runs", "2")
    assert result.exit_code == 0, result.output
    test, stress, heuristic = json.loads(result.stdout)["stopping"]["elas-u4"]
    assert test["runs"] == 20 and heuristic["runs"] == 2
    assert "hypergeometric" in test["rule"] and "heuristic" in heuristic["rule"]
    # the guarantee: at most 5% of runs stop below 95% recall at 95% confidence
    assert test["below_target"] <= 0.05 and stress["below_target"] <= 0.05
    assert 0 <= test["mean_work_saved"] < 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["record_id,title,abstract", "1,a,b"], "no label column"),
        (["record_id,title,abstract,label_included", "1,a,b,2", "2,c,d,0"], "is not 1/0"),
        (["record_id,title,abstract,label_included", "1,a,b,0", "2,c,d,0"], "0 includes"),
    ],
)
def test_bad_labelled_files_are_one_line_errors(run, tmp_path, rows, message):
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(path)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_stopping_target_outside_zero_one_is_refused(run, labelled_csv):
    result = run(labelled_csv, "--stopping", "--target", "1.5")
    assert result.exit_code == 1 and "between 0 and 1" in result.output
