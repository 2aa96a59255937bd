"""`cartsle appraise ...` on a review whose studies screening included: two appraisers, conflicts,
resolutions, kappa per domain, and bad sheets refused whole."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cartsle_cli.store import open_review
from tests.extraction.conftest import include_studies

STUDIES = ["Alpha 2021", "Beta 2022", "Gamma 2023", "Delta 2024"]


@pytest.fixture
def included(db: Path) -> Path:
    labels = include_studies(db, [(s.split()[0], int(s.split()[1]), False) for s in STUDIES])
    assert labels == STUDIES
    return db


def fill_jbi(template: Path, out: Path, answers: dict[str, str]) -> Path:
    """Fill the template: answers maps study -> ten one-letter answers (Y N U -)."""
    codes = {"Y": "Yes", "N": "No", "U": "Unclear", "-": "Not applicable"}
    lines = template.read_text().splitlines(keepends=True)
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("".join(line for line in lines if not line.startswith("#")))))
    for row in rows:
        for number, code in enumerate(answers[row["study_id"]].split(), start=1):
            row[f"Q{number}"] = codes[code]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text("".join(comments) + buffer.getvalue())
    return out


A = {
    "Alpha 2021": "Y Y Y Y Y Y Y Y Y Y",
    "Beta 2022": "Y Y Y N N Y Y Y N Y",
    "Gamma 2023": "Y N U N N Y N Y N -",
    "Delta 2024": "Y Y Y U Y Y Y Y Y Y",
}
B = {**A, "Beta 2022": "Y Y Y U N Y U Y N Y", "Delta 2024": "Y Y Y Y Y Y Y Y Y Y"}


@pytest.fixture
def two_appraisers(cli, included, tmp_path) -> Path:
    template = tmp_path / "jbi.csv"
    cli("appraise", "template", "--tool", "jbi-case-series", "--out", template)
    header = [line for line in template.read_text().splitlines() if not line.startswith("#")]
    assert header[0].startswith("study_id,Q1,Q1_support,Q2")
    assert [line.split(",")[0] for line in header[1:]] == sorted(STUDIES)  # screening's order, by label
    cli(
        "appraise",
        "load",
        fill_jbi(template, tmp_path / "a.csv", A),
        "--tool",
        "jbi-case-series",
        "--reviewer",
        "A",
    )
    cli(
        "appraise",
        "load",
        fill_jbi(template, tmp_path / "b.csv", B),
        "--tool",
        "jbi-case-series",
        "--reviewer",
        "B",
    )
    return tmp_path


def test_conflicts_are_the_domains_two_appraisers_judged_differently(cli, two_appraisers):
    found = json.loads(cli("appraise", "conflicts", "--json").stdout)
    # Beta overall: A 7/10 Yes (low), B 6/10 (moderate); Delta: 9/10 and 10/10, both low.
    assert [(c["study_id"], c["domain"], c["judgements"]) for c in found] == [
        ("Beta 2022", "Q4", {"A": "No", "B": "Unclear"}),
        ("Beta 2022", "Q7", {"A": "Yes", "B": "Unclear"}),
        ("Beta 2022", "overall", {"A": "low", "B": "moderate"}),
        ("Delta 2024", "Q4", {"A": "Unclear", "B": "Yes"}),
    ]


def test_resolving_ends_the_conflict_and_show_gives_the_consensus(cli, two_appraisers):
    cli(
        "appraise",
        "resolve",
        "--study",
        "Beta 2022",
        "--domain",
        "Q4",
        "--judgement",
        "no",
        "--reviewer",
        "C",
    )
    resolutions = two_appraisers / "resolutions.csv"
    resolutions.write_text(
        "study_id,domain,judgement,note\nDelta 2024,Q4,Yes,consecutive per methods\nBeta 2022,Q7,Yes,table 1\n"
    )
    cli("appraise", "resolve", "--file", resolutions, "--reviewer", "C")
    assert json.loads(cli("appraise", "conflicts", "--json").stdout) == []
    shown = json.loads(cli("appraise", "show", "--json").stdout)
    overall = {s["study_id"]: s["domains"][-1]["judgement"] for s in shown["studies"]}
    # Yes counts by hand on the consensus: Alpha 10/10, Beta 7/10 (Q4 No and Q7 Yes once resolved,
    # which settles its overall conflict), Gamma 3/9 (Q10 not applicable), Delta 10/10.
    assert overall == {"Alpha 2021": "low", "Beta 2022": "low", "Gamma 2023": "high", "Delta 2024": "low"}
    beta_q4 = next(d for d in shown["studies"][1]["domains"] if d["domain"] == "Q4")
    assert shown["studies"][1]["study_id"] == "Beta 2022"
    assert beta_q4["judgement"] == "No" and beta_q4["status"] == "resolved"


def test_kappa_per_domain(cli, two_appraisers):
    results = {r["domain"]: r for r in json.loads(cli("appraise", "agreement", "--json").stdout)}
    # Q4 pairs (A, B): (Y,Y) (N,U) (N,N) (U,Y). p_o = 2/4. A's marginals Y 1/4, N 2/4, U 1/4;
    # B's Y 2/4, N 1/4, U 1/4. p_e = 1/4*2/4 + 2/4*1/4 + 1/4*1/4 = 5/16.
    # kappa = (0.5 - 0.3125) / (1 - 0.3125) = 0.272727...
    assert results["Q4"]["kappa"] == pytest.approx(0.1875 / 0.6875)
    assert results["Q4"]["percent_agreement"] == pytest.approx(50.0)
    assert results["Q1"]["percent_agreement"] == 100.0 and results["Q1"]["kappa"] is None  # one category


def test_an_answer_outside_the_list_is_refused_naming_file_line_and_column(cli, included, tmp_path):
    template = tmp_path / "jbi.csv"
    cli("appraise", "template", "--tool", "jbi-case-series", "--out", template)
    sheet = fill_jbi(template, tmp_path / "a.csv", A)
    text = sheet.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("Gamma 2023"))
    sheet.write_text(text.replace("Gamma 2023,Yes,,No", "Gamma 2023,Yes,,Partly"))
    result = cli("appraise", "load", sheet, "--tool", "jbi-case-series", "--reviewer", "A", ok=False)
    assert result.exit_code == 1
    assert f"a.csv, line {line}, field Q2: 'Partly' is not an answer to Q2" in result.output
    conn = open_review(cli.db)
    assert conn.execute("SELECT count(*) FROM appraisal_rows").fetchone()[0] == 0


def test_a_study_that_is_not_included_is_refused(cli, included, tmp_path):
    template = tmp_path / "jbi.csv"
    cli("appraise", "template", "--tool", "jbi-case-series", "--out", template)
    sheet = fill_jbi(template, tmp_path / "a.csv", A)
    sheet.write_text(sheet.read_text().replace("Delta 2024,", "Epsilon 2020,"))
    result = cli("appraise", "load", sheet, "--tool", "jbi-case-series", "--reviewer", "A", ok=False)
    assert result.exit_code == 1
    assert "field study_id: 'Epsilon 2020' is not an included study" in result.output
    assert open_review(cli.db).execute("SELECT count(*) FROM appraisal_loads").fetchone()[0] == 0


def test_rob2_domain_without_its_support_is_refused(cli, included, tmp_path):
    sheet = tmp_path / "rob2.csv"
    cli("appraise", "template", "--tool", "rob2", "--out", sheet, "--outcome", "remission")
    rows = [line for line in sheet.read_text().splitlines() if not line.startswith("#")]
    header = rows[0].split(",")
    answers = {"1.1": "Y", "1.2": "Y", "1.3": "N", "D1_support": "central randomisation"}
    answers |= {"2.1": "N", "2.2": "N", "2.6": "Y"}  # D2_support left blank
    row = ["Alpha 2021", "remission", *(answers.get(name, "") for name in header[2:])]
    sheet.write_text(",".join(header) + "\n" + ",".join(row) + "\n")
    result = cli("appraise", "load", sheet, "--tool", "rob2", "--reviewer", "A", ok=False)
    assert result.exit_code == 1
    assert "line 2, field D2_support: RoB 2" in result.output
    assert "asks for the support" in result.output


def test_a_per_outcome_template_needs_its_outcomes(cli, included, tmp_path):
    result = cli("appraise", "template", "--tool", "rob2", "--out", tmp_path / "r.csv", ok=False)
    assert result.exit_code == 1 and "--outcome" in result.output


TWO_ARM_PROTOCOL = """\
format = 1
title = "Two-arm trials"

[design]
type = "comparative"

[[design.arms]]
id = "treated"
label = "Treated"
role = "intervention"

[[design.arms]]
id = "control"
label = "Control"
role = "control"

[[outcomes]]
id = "attacks"
label = "Asthma attacks"
type = "binary"

[[outcomes.analyses]]
measure = "RR"

[[outcomes]]
id = "quality"
label = "Quality of life"
type = "continuous"

[[outcomes.analyses]]
measure = "SMD"

[[outcomes]]
id = "cost"
label = "Cost"
type = "continuous"
"""


def test_a_per_outcome_template_defaults_to_the_protocols_analysed_outcomes(cli, included, tmp_path):
    from cartsle_cli.protocol.store import load_protocol

    (tmp_path / "protocol.toml").write_text(TWO_ARM_PROTOCOL)
    conn = open_review(included)
    load_protocol(conn, tmp_path / "protocol.toml")
    conn.close()
    result = cli("appraise", "template", "--tool", "rob2", "--out", tmp_path / "r.csv")
    assert "4 studies x 2 outcomes: attacks, quality" in " ".join(result.output.split())
    lines = [x for x in (tmp_path / "r.csv").read_text().splitlines() if not x.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    # one row per study and analysed outcome; "cost" has no analysis, so no summary of findings row
    keys = [(r["study_id"], r["outcome"]) for r in rows]
    assert len(keys) == 8 and set(keys) == {(s, o) for s in STUDIES for o in ("attacks", "quality")}
    cli("appraise", "template", "--tool", "rob2", "--outcome", "cost", "--out", tmp_path / "c.csv")
    assert (tmp_path / "c.csv").read_text().count(",cost,") == 4
    # a per-study tool ignores the outcomes
    cli("appraise", "template", "--tool", "nos", "--out", tmp_path / "n.csv")
    assert "outcome" not in (tmp_path / "n.csv").read_text().splitlines()[-1].split(",")[:2]


def test_a_later_load_replaces_the_appraisers_earlier_judgement_and_keeps_the_history(cli, two_appraisers):
    template = two_appraisers / "jbi.csv"
    fixed = fill_jbi(template, two_appraisers / "a2.csv", B)
    cli("appraise", "load", fixed, "--tool", "jbi-case-series", "--reviewer", "A")
    assert json.loads(cli("appraise", "conflicts", "--json").stdout) == []
    assert [load["reviewer"] for load in json.loads(cli("appraise", "loads", "--json").stdout)] == [
        "A",
        "B",
        "A",
    ]


def test_rob2_per_outcome_two_appraisers_conflicts_and_resolutions(cli, included, tmp_path):
    from cartsle_cli.sample.appraisals import comparative_rob2

    files = comparative_rob2(sorted(STUDIES), ["remission", "relapse"], seed=7)
    for name, text in (("a", files.reviewer_a), ("b", files.reviewer_b)):
        (tmp_path / f"rob2_{name}.csv").write_text(text)
        cli("appraise", "load", tmp_path / f"rob2_{name}.csv", "--tool", "rob2", "--reviewer", name.upper())
    found = json.loads(cli("appraise", "conflicts", "--tool", "rob2", "--json").stdout)
    planted = list(csv.DictReader(io.StringIO(files.resolutions)))
    domains = {(c["study_id"], c["outcome"], c["domain"]) for c in found if c["domain"] != "overall"}
    assert domains == {(r["study_id"], r["outcome"], r["domain"]) for r in planted}
    (tmp_path / "resolutions.csv").write_text(files.resolutions)
    cli("appraise", "resolve", "--tool", "rob2", "--file", tmp_path / "resolutions.csv", "--reviewer", "C")
    assert json.loads(cli("appraise", "conflicts", "--tool", "rob2", "--json").stdout) == []
    shown = json.loads(cli("appraise", "show", "--tool", "rob2", "--json").stdout)
    assert len(shown["studies"]) == 8 and {s["outcome"] for s in shown["studies"]} == {"remission", "relapse"}
    # the overall judgement of the consensus is the worst consensus domain (RoB 2's rule)
    order = ["low", "some concerns", "high"]
    for study in shown["studies"]:
        domains = [d["judgement"] for d in study["domains"][:-1]]
        assert study["domains"][-1]["judgement"] == max(domains, key=order.index)


def test_resolving_a_study_without_appraisals_is_refused(cli, two_appraisers):
    result = cli(
        "appraise",
        "resolve",
        "--study",
        "Zeta 2020",
        "--domain",
        "Q1",
        "--judgement",
        "Yes",
        "--reviewer",
        "C",
        ok=False,
    )
    assert (
        result.exit_code == 1 and "no JBI checklist for case series appraisal of 'Zeta 2020'" in result.output
    )
    bad = cli(
        "appraise",
        "resolve",
        "--study",
        "Beta 2022",
        "--domain",
        "Q4",
        "--judgement",
        "Maybe",
        "--reviewer",
        "C",
        ok=False,
    )
    assert bad.exit_code == 1 and "'Maybe' is not a judgement here" in bad.output


def test_a_study_label_that_looks_like_a_formula_is_neutralised_in_the_sheet_and_read_back(cli, db, tmp_path):
    (label,) = include_studies(db, [("=HYPERLINK", 2021, False)])
    assert label.startswith("=")
    sheet = tmp_path / "jbi.csv"
    cli("appraise", "template", "--tool", "jbi-case-series", "--out", sheet)
    row = next(
        line for line in sheet.read_text().splitlines() if "HYPERLINK" in line and not line.startswith("#")
    )
    assert row.startswith("'=HYPERLINK")  # a spreadsheet shows it as text
    filled = fill_jbi(sheet, tmp_path / "a.csv", {"'" + label: "Y Y Y Y Y Y Y Y Y Y"})
    cli("appraise", "load", filled, "--tool", "jbi-case-series", "--reviewer", "A")
    shown = json.loads(cli("appraise", "show", "--json").stdout)
    assert [s["study_id"] for s in shown["studies"]] == [label]


def test_nos_show_gives_each_domain_its_stars(cli, included, tmp_path):
    sheet = tmp_path / "nos.csv"
    cli("appraise", "template", "--tool", "nos", "--out", sheet)
    lines = [line for line in sheet.read_text().splitlines() if not line.startswith("#")]
    header = lines[0].split(",")
    # S1 b* S2 c S3 a* S4 a* (3 stars: good); C1 a* C2 b (1: good); O1 c O2 a* O3 d (1: poor) -> poor
    answers = dict(zip(["S1", "S2", "S3", "S4", "C1", "C2", "O1", "O2", "O3"], "b c a a a b c a d".split()))
    rows = [
        ",".join(answers.get(name, label if name == "study_id" else "") for name in header)
        for label in sorted(STUDIES)
    ]
    sheet.write_text("\n".join([lines[0], *rows]) + "\n")
    cli("appraise", "load", sheet, "--tool", "nos", "--reviewer", "A")
    table = cli("appraise", "show").stdout
    assert "good (3*)" in table and "good (1*)" in table and "poor (1*)" in table
    shown = json.loads(cli("appraise", "show", "--json").stdout)
    assert {s["domains"][-1]["judgement"] for s in shown["studies"]} == {"poor"}
