"""GRADE, the summary of findings and the sensitivity analysis for comparative outcomes, on two
synthetic reviews declared by their protocols: the 13 BCG trials (metafor's ``dat.bcg``, binary,
RR) and the 9 stroke-care trials (``dat.normand1999``, continuous, MD in days), each with RoB 2
appraisals per outcome that put some trials at high risk.

Goldens from R 4 / metafor, not from cartsle:
    dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg); r <- rma(yi, vi, data=dat)
    exp(predict(r)) -> 0.4894209368 [0.3440742934, 0.6961660838], PI [0.1546342935, 1.5490280193]
    sum(weights(r)[c(5,6,10)]) -> 27.331802 (Frimodt-Moller 1973, Stein 1953, Rosenthal 1961)
    s <- rma(yi, vi, data=dat, subset=-c(5,6,10)); exp(predict(s))
      -> 0.4981926126 [0.3188006265, 0.7785300862], I2 91.7332141663, k 10
    sum(dat.bcg$cpos) / sum(dat.bcg$cpos + dat.bcg$cneg) -> 1510 / 166283
    d <- escalc(measure="MD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=dat.normand1999)
    m <- rma(yi, vi, data=d) -> -15.1060274744 [-32.6409488377, 2.4288938889]; sum(weights(m)[c(1,4)]) 20.625001
    m2 <- rma(yi, vi, data=d, subset=-c(1,4)) -> -7.7708595420 [-24.0647762660, 8.5230571819], I2 98.8169359143
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest

from cartsle_cli.appraisal.files import template_text
from cartsle_cli.appraisal.store import load_appraisals
from cartsle_cli.appraisal.tool import get_tool
from cartsle_cli.certainty.comparative import absolute_per_1000, absolute_text
from cartsle_cli.certainty.evidence import grade_outcomes, pooled_evidence
from cartsle_cli.certainty.findings import summary_of_findings
from cartsle_cli.certainty.sensitivity import sensitivity
from cartsle_cli.certainty.suggest import optimal_information_size_binary, optimal_information_size_continuous
from cartsle_cli.extraction.store import load_extraction
from cartsle_cli.protocol.store import load_protocol
from cartsle_cli.review.pooling import pool_review
from cartsle_cli.store import open_review
from tests.extraction.conftest import include_studies

HEAD = """\
format = 1
title = "{title}"

[design]
type = "comparative"

[[design.arms]]
id = "treated"
label = "Intervention"
role = "intervention"

[[design.arms]]
id = "control"
label = "Control"
role = "control"

[[characteristics]]
name = "first_author"
label = "First author"
type = "text"
required = true

[[characteristics]]
name = "year"
label = "Year"
type = "integer"
required = true
"""
BCG_PROTOCOL = (
    HEAD.format(title="BCG vaccine")
    + """
[[outcomes]]
id = "tb"
label = "Tuberculosis"
type = "binary"
direction = "lower-is-better"

[[outcomes.analyses]]
measure = "RR"
method = "reml"
"""
)
STROKE_PROTOCOL = (
    HEAD.format(title="Specialist stroke care")
    + """
[[outcomes]]
id = "stay"
label = "Length of stay"
type = "continuous"
unit = "days"
direction = "lower-is-better"

[[outcomes.analyses]]
measure = "MD"
method = "reml"
"""
)
# dat.bcg: tpos, tneg, cpos, cneg (one-word family names, so the labels are screening's)
BCG = {
    "Aronson 1948": (4, 119, 11, 128), "Ferguson 1949": (6, 300, 29, 274),
    "Rosenthal 1960": (3, 228, 11, 209), "Hart 1977": (62, 13536, 248, 12619),
    "Frimodt 1973": (33, 5036, 47, 5761), "Stein 1953": (180, 1361, 372, 1079),
    "Vandiviere 1973": (8, 2537, 10, 619), "Madras 1980": (505, 87886, 499, 87892),
    "Coetzee 1968": (29, 7470, 45, 7232), "Rosenthal 1961": (17, 1699, 65, 1600),
    "Comstock 1974": (186, 50448, 141, 27197), "Comstock 1969": (5, 2493, 3, 2338),
    "Comstock 1976": (27, 16886, 29, 17825),
}  # fmt: skip
BCG_HIGH = ["Frimodt 1973", "Stein 1953", "Rosenthal 1961"]
# dat.normand1999: n1i, m1i, sd1i, n2i, m2i, sd2i
STROKE = {
    "Edinburgh 1990": (155, 55, 47, 156, 75, 64), "Mild 1991": (31, 27, 7, 32, 29, 4),
    "Moderate 1992": (75, 64, 17, 71, 119, 29), "Severe 1993": (18, 66, 20, 18, 137, 48),
    "Home 1994": (8, 14, 8, 13, 18, 11), "Transfer 1995": (57, 19, 7, 52, 18, 4),
    "Newcastle 1996": (34, 52, 45, 33, 41, 34), "Umea 1997": (110, 21, 16, 183, 31, 27),
    "Uppsala 1998": (60, 30, 27, 52, 23, 20),
}  # fmt: skip
STROKE_HIGH = ["Edinburgh 1990", "Severe 1993"]

LOW_ROB2 = {
    "1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "N", "2.2": "N", "2.6": "Y", "3.1": "Y",
    "4.1": "N", "4.2": "N", "4.3": "N", "5.1": "Y", "5.2": "N", "5.3": "N",
}  # fmt: skip


def rob2_sheet(path: Path, studies: list[str], outcome: str, high: list[str], names: dict[str, str]) -> Path:
    """One appraiser's RoB 2 sheet: low risk throughout, high in domain 1 (1.2 N) for ``high``;
    ``names`` gives some studies' outcome column another name (the outcome's label)."""
    tool = get_tool("rob2")
    text = template_text(tool, studies, [outcome])
    comments = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO("\n".join(x for x in text.splitlines() if not x.startswith("#")))))
    for row in rows:
        row.update(LOW_ROB2)
        row.update({f"D{i}_support": "as reported" for i in range(1, 6)})
        if row["study_id"] in high:
            row["1.2"] = "N"
        row["outcome"] = names.get(row["study_id"], outcome)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(comments + buffer.getvalue())
    return path


def review(db: Path, folder: Path, protocol: str, studies: list[str], arms: str, arm_rows: list[str]):
    labels = include_studies(db, [(s.split()[0], int(s.split()[1]), False) for s in studies])
    assert labels == studies
    conn = open_review(db)
    (folder / "protocol.toml").write_text(protocol)
    load_protocol(conn, folder / "protocol.toml")
    (folder / "studies.csv").write_text(
        "study_id,first_author,year\n" + "".join(f"{s},{s.split()[0]},{s.split()[1]}\n" for s in studies)
    )
    (folder / "arms.csv").write_text(f"study_id,arm,{arms}\n" + "\n".join(arm_rows) + "\n")
    load_extraction(conn, [folder / "studies.csv", folder / "arms.csv"], known_study_ids=set(studies))
    return conn


@pytest.fixture
def bcg(db, tmp_path):
    studies = list(BCG)
    rows = [
        line
        for s, (tpos, tneg, cpos, cneg) in BCG.items()
        for line in (f"{s},treated,{tpos},{tpos + tneg}", f"{s},control,{cpos},{cpos + cneg}")
    ]
    conn = review(db, tmp_path, BCG_PROTOCOL, studies, "tb_events,tb_n", rows)
    sheet = rob2_sheet(tmp_path / "rob2.csv", studies, "tb", BCG_HIGH, {"Stein 1953": "Tuberculosis"})
    load_appraisals(conn, get_tool("rob2"), sheet, "ana")
    yield conn
    conn.close()


@pytest.fixture
def stroke(db, tmp_path):
    studies = list(STROKE)
    rows = [
        line
        for s, (n1, m1, sd1, n2, m2, sd2) in STROKE.items()
        for line in (f"{s},treated,{m1},{sd1},{n1}", f"{s},control,{m2},{sd2},{n2}")
    ]
    conn = review(db, tmp_path, STROKE_PROTOCOL, studies, "stay_mean,stay_sd,stay_n", rows)
    load_appraisals(
        conn, get_tool("rob2"), rob2_sheet(tmp_path / "rob2.csv", studies, "stay", STROKE_HIGH, {}), "ana"
    )
    yield conn
    conn.close()


def test_absolute_effects_per_1000_by_hand():
    # RR 0.5 (0.3 to 0.8) at a control risk of 20%: 1000 x 0.2 x (RR - 1) = -100 (-140 to -40)
    assert absolute_per_1000("RR", 0.5, 0.3, 0.8, 0.2) == pytest.approx((-100, -140, -40))
    # OR 2 at a control risk of 10%: 2 x 0.1 / (0.9 + 0.2) = 0.181818..., so 81.8 more per 1000
    assert absolute_per_1000("OR", 2.0, 2.0, 2.0, 0.1)[0] == pytest.approx(1000 * (0.2 / 1.1 - 0.1))
    # a risk difference is already absolute: RD -0.05 is 50 fewer per 1000
    assert absolute_per_1000("RD", -0.05, -0.08, -0.02, 0.3) == pytest.approx((-50, -80, -20))
    text = absolute_text({"measure": "RR", "absolute": (-100, -140, -40), "control_risk": 0.2})
    assert text == "100 fewer per 1000 (from 140 fewer to 40 fewer); control risk 200 per 1000"
    text = absolute_text({"measure": "MD", "estimate": -2.5, "lower": -4.25, "upper": 0.5, "unit": "days"})
    assert text == "MD 2.50 lower days (4.25 lower to 0.50 higher)"


def test_optimal_information_sizes_by_hand():
    z2 = (1.959963985 + 0.841621234) ** 2  # z_0.975 + z_0.80, squared: 7.848879
    # two proportions, 20% control risk, 25% relative reduction: p_e = 0.15
    per_group = z2 * (0.2 * 0.8 + 0.15 * 0.85) / 0.05**2  # 902.6
    assert optimal_information_size_binary(0.2, 0.25) == 2 * math.ceil(per_group) == 1806
    # two means, 0.2 SD: 2 z^2 / 0.2^2 = 392.4 per group; SD 10 and a difference of 5: 62.8 per group
    assert optimal_information_size_continuous(1.0, 0.2) == 2 * 393 == 786
    assert optimal_information_size_continuous(10.0, 5.0) == 2 * 63 == 126


def test_binary_outcome_is_graded_with_its_absolute_effect_from_the_control_risk(bcg):
    (tb,) = pooled_evidence(pool_review(bcg))
    assert (tb.measure, tb.k, tb.null) == ("RR", 13, 1.0)
    assert (tb.estimate, tb.lower, tb.upper) == pytest.approx(
        (0.4894209368, 0.3440742934, 0.6961660838), abs=1e-6
    )
    assert tb.control_risk == pytest.approx(1510 / 166283)
    assert tb.participants == sum(sum(row) for row in BCG.values()) == 357347
    assert tb.events == 2575
    cr = 1510 / 166283
    assert tb.absolute == pytest.approx(
        tuple(1000 * cr * (rr - 1) for rr in (0.4894209368, 0.3440742934, 0.6961660838)), abs=1e-4
    )
    (graded,) = grade_outcomes(bcg, [tb])
    by = {d.domain: d.suggestion for d in graded.domains}
    # 27.3% of the weight at high risk (metafor's weights): under half, not rated down
    assert by["risk_of_bias"].levels == 0 and by["risk_of_bias"].reason.startswith("27% of the weight")
    # I^2 92% and the PI (0.15 to 1.55) crosses 1 while the CI does not: two levels
    assert by["inconsistency"].levels == 2
    # the CI excludes 1 and 357347 participants exceed the OIS for a 25% RRR from 0.91%
    p_e = cr * 0.75
    ois = 2 * math.ceil(7.848879 * (cr * (1 - cr) + p_e * (1 - p_e)) / (cr - p_e) ** 2)
    assert by["imprecision"].levels == 0 and f"optimal information size {ois}" in by["imprecision"].reason
    # 13 studies: Egger's test is read (metafor regtest: p = 0.1887)
    assert by["publication_bias"].levels == 0 and "p = 0.189" in by["publication_bias"].reason
    (row,), _ = summary_of_findings([graded.to_dict()])
    assert row[1] == "357347 (13 studies)"
    assert row[2] == "RR 0.49 (0.34 to 0.70)"
    assert row[3] == "5 fewer per 1000 (from 6 fewer to 3 fewer); control risk 9 per 1000"


def test_binary_rerun_without_high_risk_trials_agrees_with_metafor(bcg):
    (result,) = sensitivity(bcg, pool_review(bcg))
    # Stein 1953's row names the outcome by its label; it counts as the same outcome
    assert sorted(result.left_out) == sorted(BCG_HIGH)
    assert result.measure == "RR" and result.main.k == 13
    w = result.without
    assert w.k == 10
    assert (w.estimate, w.lower, w.upper) == pytest.approx(
        (0.4981926126, 0.3188006265, 0.7785300862), abs=1e-6
    )
    assert w.i2 == pytest.approx(91.7332141663, abs=1e-6)


def test_continuous_outcome_is_graded_and_rerun_without_high_risk_trials(stroke):
    pool = pool_review(stroke)
    (stay,) = pooled_evidence(pool)
    assert (stay.measure, stay.null, stay.unit) == ("MD", 0.0, "days")
    assert (stay.estimate, stay.lower, stay.upper) == pytest.approx(
        (-15.1060274744, -32.6409488377, 2.4288938889), abs=1e-6
    )
    (graded,) = grade_outcomes(stroke, [stay])
    by = {d.domain: d.suggestion for d in graded.domains}
    assert by["risk_of_bias"].levels == 0 and by["risk_of_bias"].reason.startswith("21% of the weight")
    # the CI crosses 0, and 1158 participants clear the OIS of 786 (0.2 SD): one level
    participants = sum(n1 + n2 for n1, _, _, n2, _, _ in STROKE.values())
    assert stay.participants == participants == 1158
    assert by["imprecision"].levels == 1 and "crosses the line of no effect (0)" in by["imprecision"].reason
    assert "optimal information size 786" in by["imprecision"].reason
    assert by["publication_bias"].levels == 0 and "fewer than 10" in by["publication_bias"].reason
    (row,), _ = summary_of_findings([graded.to_dict()])
    assert row[2] == "not applicable"
    assert row[3] == "MD 15.11 lower days (32.64 lower to 2.43 higher)"
    (result,) = sensitivity(stroke, pool)
    assert sorted(result.left_out) == sorted(STROKE_HIGH) and result.measure == "MD"
    w = result.without
    assert w.k == 7
    assert (w.estimate, w.lower, w.upper) == pytest.approx(
        (-7.7708595420, -24.0647762660, 8.5230571819), abs=1e-6
    )
    assert w.i2 == pytest.approx(98.8169359143, abs=1e-6)


def test_the_absolute_effect_can_use_the_median_control_risk(cli, bcg, tmp_path):
    import json
    import statistics

    median = statistics.median(cpos / (cpos + cneg) for _, _, cpos, cneg in BCG.values())
    (shown,) = json.loads(cli("grade", "show", "--control-risk", "median", "--json").stdout)
    evidence = shown["evidence"]
    assert evidence["control_risk_basis"] == "median"
    assert evidence["control_risk"] == pytest.approx(median)
    assert evidence["control_risk_pooled"] == pytest.approx(1510 / 166283)
    rr = (0.4894209368, 0.3440742934, 0.6961660838)
    assert evidence["absolute"] == pytest.approx([1000 * median * (x - 1) for x in rr], abs=1e-4)
    (row,), _ = summary_of_findings([shown])
    assert row[3].endswith(f"; control risk {round(1000 * median)} per 1000 (median of the studies)")
    refused = cli("grade", "show", "--control-risk", "mean", ok=False)
    assert refused.exit_code == 1 and "unknown control risk 'mean'" in refused.output
    cli("grade", "export", "--out", tmp_path / "profile.csv")
    profile = list(csv.DictReader((tmp_path / "profile.csv").open()))
    assert profile[0]["Effect, relative (95% CI)"] == "RR 0.49 (0.34 to 0.70)"
    assert profile[0]["No of participants"] == "357347" and profile[0]["Events"] == "2575"


def test_the_report_of_a_comparative_review_has_its_summary_of_findings_and_sensitivity(cli, bcg, tmp_path):
    from cartsle_cli.report.appraisal_methods import appraisal_methods

    graded = [g.to_dict() for g in grade_outcomes(bcg, pooled_evidence(pool_review(bcg)))]
    assert "(control events over control participants)" in appraisal_methods({"certainty": graded})
    cli("report", "--format", "md", "--rob-domains", "--out", tmp_path / "report")
    text = (tmp_path / "report" / "report.md").read_text()
    assert "5 fewer per 1000 (from 6 fewer to 3 fewer); control risk 9 per 1000" in text
    assert "Sensitivity: without studies at high risk of bias" in text
    forest = (tmp_path / "report" / "figures" / "forest_tb.svg").read_text()
    words = [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", forest)]
    assert {"D1", "D2", "D3", "D4", "D5", "Overall"} <= set(words)  # a column per domain
    # 13 trials x 6 columns: 3 high in D1 and overall (X), the rest low (+)
    assert words.count("X") == 3 * 2 and words.count("+") >= 13 * 6 - 6
