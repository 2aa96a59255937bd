"""`cartsle grade ...` on the sample review (run once through `cartsle demo`): suggestions, the
reviewers' decisions with history, a downgrade without a reason refused, the summary of findings
and the evidence-profile export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartsle_cli.certainty.findings import PROFILE_COLUMNS
from cartsle_cli.cli.main import app
from cartsle_cli.store import open_review


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("grade") / "review"
    result = CliRunner().invoke(app, ["demo", "--out", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    return folder / "cartsle.db"


def run(db: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(app, [*args, "--db", str(db)])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_a_downgrade_without_a_reason_is_refused_and_nothing_is_stored(sample):
    result = run(
        sample,
        "grade",
        "set",
        "crs",
        "--domain",
        "indirectness",
        "--levels",
        "1",
        "--reviewer",
        "lead",
        ok=False,
    )
    assert result.exit_code == 1
    assert "needs its reason" in result.output
    assert open_review(sample).execute("SELECT count(*) FROM grade_judgements").fetchone()[0] == 0


def test_an_unknown_outcome_or_domain_is_refused(sample):
    assert (
        "not a pooled outcome"
        in run(
            sample,
            "grade",
            "set",
            "nausea",
            "--domain",
            "imprecision",
            "--levels",
            "0",
            "--reviewer",
            "x",
            ok=False,
        ).output
    )
    assert (
        "not a GRADE domain"
        in run(
            sample, "grade", "set", "crs", "--domain", "bias", "--levels", "0", "--reviewer", "x", ok=False
        ).output
    )


def test_suggestions_start_low_for_case_series_and_decisions_change_the_certainty(sample):
    graded = {
        g["evidence"]["outcome"]: g for g in json.loads(run(sample, "grade", "suggest", "--json").stdout)
    }
    icans = graded["icans"]
    assert icans["start"] == "low" and icans["design"] == "case series"
    assert icans["certainty"] == "low" and sum(d["levels"] for d in icans["domains"]) == 0
    run(
        sample,
        "grade",
        "set",
        "icans",
        "--domain",
        "indirectness",
        "--levels",
        "1",
        "--reason",
        "one product in most series",
        "--reviewer",
        "lead",
    )
    shown = {g["evidence"]["outcome"]: g for g in json.loads(run(sample, "grade", "show", "--json").stdout)}
    domain = next(d for d in shown["icans"]["domains"] if d["domain"] == "indirectness")
    assert domain["status"] == "changed" and domain["decided_by"] == "lead"
    assert (
        shown["icans"]["certainty"] == "very low" and shown["icans"]["symbols"] == "\u2295\u25ef\u25ef\u25ef"
    )
    history = json.loads(run(sample, "grade", "history", "--json").stdout)
    assert [(h["outcome"], h["domain"], h["levels"], h["suggested"]) for h in history][-1] == (
        "icans",
        "indirectness",
        1,
        0,
    )


def test_the_summary_of_findings_and_the_evidence_profile(sample, tmp_path):
    table = run(sample, "grade", "show").output
    assert "Summary of findings" in table and "per 1000" in table and "\u2295" in table
    out = tmp_path / "profile.csv"
    run(sample, "grade", "export", "--out", str(out))
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == PROFILE_COLUMNS
    crs = next(row for row in rows if row[0] == "Cytokine release syndrome")
    assert crs[1] == "14" and crs[2] == "case series" and crs[8] == "98"


def test_the_report_carries_the_traffic_light_plot_and_the_summary_of_findings(sample, tmp_path):
    run(sample, "report", "--format", "md", "--out", str(tmp_path / "md"))
    text = (tmp_path / "md" / "report.md").read_text()
    assert (
        "![Risk of bias (JBI checklist for case series): traffic-light plot](figures/rob_traffic_light_jbi_case_series.svg)"
        in text
    )
    assert (
        "## Summary of findings (GRADE)" in text and "## Risk of bias: JBI checklist for case series" in text
    )
    run(sample, "report", "--format", "html", "--out", str(tmp_path / "html"))
    page = (tmp_path / "html" / "report.html").read_text()
    assert "Summary of findings (GRADE)" in page and "traffic-light plot" in page
    run(sample, "report", "--format", "csv", "--out", str(tmp_path / "csv"))
    assert (tmp_path / "csv" / "summary_of_findings.csv").is_file()
    assert (tmp_path / "csv" / "risk_of_bias_jbi_case_series.csv").is_file()
    run(sample, "report", "--format", "json", "--out", str(tmp_path / "json"))
    document = json.loads((tmp_path / "json" / "report.json").read_text())
    assert len(document["risk_of_bias"][0]["studies"]) == 14 and document["certainty"]
