"""`cartsle demo`: the sample review generated into a folder and run end to end."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cartsle_cli.cli.main import app


def test_demo_prints_every_step_and_ends_with_prisma_efficacy_and_safety(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "review")])
    assert result.exit_code == 0, result.output
    output = result.output
    assert "$ cartsle import searches/pubmed.nbib" in output
    assert (
        output.index("PRISMA 2020 flow")
        < output.index("Mean SLEDAI-2K")
        < output.index("Safety and biomarkers")
    )
    assert (tmp_path / "review" / "cartsle.db").is_file()
    assert (tmp_path / "review" / "report" / "report.md").is_file()
    # issue 18: the two appraisers' JBI appraisals, the traffic-light plot and a summary of findings
    assert (
        output.index("Appraisal conflicts")
        < output.index("Risk of bias (JBI checklist")
        < output.index("Summary of findings")
    )
    assert (tmp_path / "review" / "figures" / "traffic_light.png").is_file()
    assert (tmp_path / "review" / "figures" / "traffic_light_summary.png").is_file()
    assert "\u2295" in output  # the certainty symbols


def test_demo_refuses_a_folder_that_already_holds_a_review(tmp_path: Path) -> None:
    (tmp_path / "cartsle.db").write_bytes(b"")
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "already there" in result.output


def test_demo_json_gives_prisma_and_pooled_results(tmp_path: Path) -> None:
    import json

    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "review"), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["prisma"]["databases"]["identified_total"] == 4943  # abstract: 4,943 results
    assert document["pool"]["overview"]["participants"] == 98  # abstract: 98 participants
    assert document["commands"][0].startswith("cartsle import searches/pubmed.nbib")
