"""`cartsle pool` on a small hand-made extraction; every expected figure is worked out by hand below.

Studies (n treated; target, origin; CRS any = grades; ICANS; infections/severe; grade 3-4 haem.
toxicity; prolonged cytopenia; B-cell depletion weeks / reconstitution months):
  Ames 2021   4  CD19 autologous       CRS 2 = 2 g1;       ICANS 0;  inf 1/1; haem 1; cyto 0; 1 / 2
  Brook 2022  3  CD19 allogeneic       CRS 3 = 2 g1 + 1 g2; ICANS 1 = 1 g3; inf 0/0; haem 0; cyto 1; 2 / 3
  Cole 2023   3  CD19-BCMA autologous  CRS 1 = 1 g1;       ICANS 0;  inf 2/0; haem 2; cyto 1; 3 / -
Overview: 3 studies, 4 + 3 + 3 = 10 participants; CD19 2/3 (66.7 -> 67%), CD19-BCMA 1/3 (33%);
autologous 2/3 (67%), allogeneic 1/3 (33%); from databases 2/3 (67%), from other methods (Cole)
1/3 (33%); SLEDAI-2K scores for 6 patients of the 3 studies.
Safety: CRS 6/10 (60%), grades of the 6: g1 5/6 (83.3 -> 83%), g2 1/6 (16.7 -> 17%), g3 0/6, g4 0/6;
ICANS 1/10 (10%), grade 3 1/1 (100%); infections 3/10 (30%); severe 1/10 (10%), of the infected
1/3 (33%); haematological 3/10 (30%); cytopenia 2/10 (20%); anti-dsDNA (Ames only) decreased 3/4
(75%), normalised 2/4 (50%); complement normalised 4/4 (100%).
Wilson 95% CI of 6/10, z = 1.959964, z^2 = 3.841459: centre (0.6 + z^2/20) / (1 + z^2/10) =
0.572243, half-width z sqrt(0.6*0.4/10 + z^2/400) / (1 + z^2/10) = 0.259574 -> 31.3-83.2%.

Patients, SLEDAI-2K by month (0 = baseline):
  Ames P1: 0:12 1:6 3:4 6:0   P2: 0:10 1:8 3:4 6:2   P3: 0:16 3:8
  Brook B1: 0:14 1:10 3:2 6:0  B2: 0:8 6:4
  Cole C1: 0:12 1:4 3:0 6:0
Reductions from baseline (R quantile type 7: the p-quantile of sorted x[1..n] sits at 1 + p(n-1)):
  month 1: P1 6, P2 2, B1 4, C1 8 -> 2 4 6 8: median 5, Q1 at 1.75 = 3.5, Q3 at 3.25 = 6.5; n 4
  month 3: 8 6 8 12 12 -> 6 8 8 12 12: median 8, Q1 at 2 = 8, Q3 at 4 = 12; n 5
  month 6: 12 8 14 4 12 -> 4 8 12 12 14: median 12, IQR 8-12; n 5
Means (Student t, t(0.975, 5) = 2.570582, t(0.975, 4) = 2.776445):
  month 0: 12 10 16 14 8 12: mean 12, SD sqrt(40/5) = 2.828427, half 2.570582 * 2.828427 / sqrt 6
           = 2.968252 -> 9.031748-14.968252 -> 9.0-15.0
  month 3: 4 4 8 2 0: mean 3.6, SD sqrt(35.2/4) = 2.966479, half 2.776445 * 1.326650 = 3.683371
           -> -0.083371 to 7.283371 -> -0.1 to 7.3
  month 6: 0 2 0 4 0: mean 1.2, SD sqrt(12.8/4) = 1.788854, half 2.776445 * 0.8 = 2.221156
           -> -1.0 to 3.4
Last follow-up: P1 0, P2 2, P3 8 (month 3), B1 0, B2 4, C1 0: SLEDAI 0 in 3/6 (50%), <= 4 in 5/6
(83.3 -> 83%).
Subgroups (reduction at last follow-up; ties, so the normal approximation with continuity
correction as R's wilcox.test):
  autologous P1 12, P2 8, P3 8, C1 12 vs allogeneic B1 14, B2 4: W = #(x > y) + #(x = y)/2 =
  1 + 1 + 1 + 1 = 4 = n1 n2 / 2, so z = 0 and p = 1; rank-biserial 2 * 4 / 8 - 1 = 0.
  CD19 12 8 8 14 4 vs CD19-BCMA 12: W = 0.5 + 0 + 0 + 1 + 0 = 1.5; mean 2.5, tie-corrected
  variance 5 * 1 / 12 * (7 - (6 + 6) / 30) = 2.75; z = (1.5 - 2.5 + 0.5) / sqrt 2.75 = -0.301511,
  p = 2 Phi(-0.301511) = 0.763; rank-biserial 2 * 1.5 / 5 - 1 = -0.4.
B-cells: depletion 1, 2, 3 weeks: 3 studies, median 2, range 1-3; reconstitution 2, 3 months: 2
studies, median 2.5, range 2-3; phenotype reported by 1 study.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cartsle_cli.store import open_review
from tests.extraction.conftest import include_studies

STUDIES = """\
study_id,first_author,year,n_treated,target,origin,crs_any,crs_g1,crs_g2,crs_g3,crs_g4,icans_any,icans_g1,icans_g2,icans_g3,icans_g4,infections,infections_severe,heme_tox_g34,cytopenia_prolonged,bcell_depletion_weeks,bcell_reconstitution_months,bcell_phenotype,dsdna_measured,dsdna_decreased,dsdna_normalised,complement_measured,complement_normalised
Ames 2021,Ames,2021,4,CD19,autologous,2,2,,,,0,,,,,1,1,1,0,1,2,"naive up, memory down",4,3,2,4,4
Brook 2022,Brook,2022,3,CD19,allogeneic,3,2,1,,,1,,,1,,0,0,0,1,2,3,,,,,,
Cole 2023,Cole,2023,3,CD19-BCMA,autologous,1,1,,,,0,,,,,2,0,2,1,3,,,,,,,
"""

PATIENTS = """\
study_id,patient_id,month,sledai
Ames 2021,P1,0,12
Ames 2021,P1,1,6
Ames 2021,P1,3,4
Ames 2021,P1,6,0
Ames 2021,P2,0,10
Ames 2021,P2,1,8
Ames 2021,P2,3,4
Ames 2021,P2,6,2
Ames 2021,P3,0,16
Ames 2021,P3,3,8
Brook 2022,B1,0,14
Brook 2022,B1,1,10
Brook 2022,B1,3,2
Brook 2022,B1,6,0
Brook 2022,B2,0,8
Brook 2022,B2,6,4
Cole 2023,C1,0,12
Cole 2023,C1,1,4
Cole 2023,C1,3,0
Cole 2023,C1,6,0
"""


@pytest.fixture
def loaded(cli, db: Path, tmp_path: Path) -> Path:
    """Screening included the three studies (Cole 2023 from other methods); the files are loaded."""
    include_studies(db, [("Ames", 2021, False), ("Brook", 2022, False), ("Cole", 2023, True)])
    studies, patients = tmp_path / "studies.csv", tmp_path / "patients.csv"
    studies.write_text(STUDIES)
    patients.write_text(PATIENTS)
    protocol = tmp_path / "protocol.toml"
    cli("protocol", "init", "--preset", "car-t-sle", "--out", protocol)
    cli("protocol", "load", protocol)
    cli("extract", "load", studies, patients)
    return db


def _cells(table_text: str, containing: str) -> list[str]:
    """The cells of the table row that contains ``containing``."""
    row = next(line for line in table_text.splitlines() if containing in line)
    return [cell.strip() for cell in row.strip("│ ").split("│")]


def _analysis(pooled: dict, analysis_id: str) -> dict:
    return next(a for a in pooled["analyses"] if a["id"] == analysis_id)


def _outcome(pooled: dict, analysis_id: str) -> dict:
    """A single-arm analysis's crude, graded and pooled figures."""
    return _analysis(pooled, analysis_id)["proportion"]


def _characteristic(pooled: dict, name: str) -> dict:
    return next(c for c in pooled["overview"]["characteristics"] if c["name"] == name)


def test_pool_json_has_the_hand_calculated_efficacy(cli, loaded):
    pooled = json.loads(cli("pool", "--json").stdout)
    overview = pooled["overview"]
    assert (overview["studies"], overview["participants"]) == (3, 10)
    assert [(s["label"], s["text"]) for s in _characteristic(pooled, "target")["shares"]] == [
        ("CD19", "2/3 (67%)"),
        ("CD19-BCMA", "1/3 (33%)"),
    ]
    assert [(s["label"], s["text"]) for s in overview["sources"]] == [
        ("databases", "2/3 (67%)"),
        ("other methods", "1/3 (33%)"),
    ]
    efficacy = _analysis(pooled, "sledai")["scores"]
    assert [
        (r["time"], r["summary"]["n"], r["summary"]["median"], r["summary"]["q1"], r["summary"]["q3"])
        for r in efficacy["changes"]
    ] == [
        (1, 4, 5, 3.5, 6.5),
        (3, 5, 8, 8, 12),
        (6, 5, 12, 8, 12),
    ]
    means = [
        (m["summary"]["n"], m["summary"]["mean"], m["summary"]["sd"], m["summary"]["lower"])
        for m in efficacy["means"]
    ]
    for (n, mean, sd, lower), expected in zip(
        means, [(6, 12, 2.828427, 9.031748), (5, 3.6, 2.966479, -0.083371), (5, 1.2, 1.788854, -1.021156)]
    ):
        # Hand figures carry 7 significant digits, t quantiles 7 too.
        assert (n, mean) == pytest.approx(expected[:2]) and (sd, lower) == pytest.approx(
            expected[2:], abs=2e-6
        )
    zero, low = (a["share"] for a in efficacy["at_or_below"])
    assert (zero["events"], zero["total"]) == (3, 6)
    assert (low["events"], low["total"]) == (5, 6)
    origin, target = efficacy["comparisons"]
    assert (origin["test"]["w"], origin["test"]["p_value"], origin["test"]["rank_biserial"]) == (
        4,
        pytest.approx(1),
        pytest.approx(0),
    )
    assert (target["test"]["w"], target["test"]["p_value"], target["test"]["rank_biserial"]) == (
        1.5,
        pytest.approx(0.763025, abs=1e-5),
        pytest.approx(-0.4),
    )


def test_pool_json_has_the_hand_counted_safety(cli, loaded):
    pooled = json.loads(cli("pool", "--json").stdout)
    counts = {
        a["id"]: (a["proportion"]["crude"]["events"], a["proportion"]["crude"]["total"])
        for a in pooled["analyses"]
        if a["proportion"]
    }
    assert counts == {
        "crs": (6, 10),
        "icans": (1, 10),
        "infections": (3, 10),
        "infections_severe": (1, 10),
        "infections_severe_of_infected": (1, 3),
        "heme_tox_g34": (3, 10),
        "cytopenia_prolonged": (2, 10),
        "dsdna_decreased": (3, 4),
        "dsdna_normalised": (2, 4),
        "complement_normalised": (4, 4),
    }
    crs = _outcome(pooled, "crs")
    assert [g["patients"] for g in crs["grades"]] == [5, 1, 0, 0]
    assert (crs["crude"]["wilson"]["lower"], crs["crude"]["wilson"]["upper"]) == (
        pytest.approx(0.312669, abs=1e-5),
        pytest.approx(0.831817, abs=1e-5),
    )
    assert crs["meta"]["k"] == 3 and crs["meta"]["method"]["estimator"].startswith("binomial-normal GLMM")
    depletion = _characteristic(pooled, "bcell_depletion_weeks")["numbers"]
    reconstitution = _characteristic(pooled, "bcell_reconstitution_months")["numbers"]
    assert (depletion["studies"], depletion["median"]) == (3, 2)
    assert (reconstitution["median"], reconstitution["maximum"]) == (2.5, 3)


def test_pool_tables_print_counts_with_half_up_percentages_and_the_method(cli, loaded):
    out = cli("pool").stdout
    assert _cells(out, "3.5-6.5") == ["1", "4", "5", "3.5-6.5"]  # month 1 reduction: n, median, IQR
    for text in [
        "2/3 (67%) studies",  # CD19 target, autologous, databases
        "6 (from 3 studies)",  # patients with SLEDAI-2K scores
        "9.0-15.0",
        "-0.1 to 7.3",
        "-1.0 to 3.4",  # mean SLEDAI CIs
        "3/6 (50%)",
        "5/6 (83%)",  # SLEDAI 0 and <= 4 at last follow-up
        "6/10 (60%)",
        "31.3-83.2%",  # CRS with its Wilson interval
        "5/6 (83%)",
        "1/6 (17%)",  # CRS grades 1 and 2
        "1/3 (33%)",  # severe infections among the infected
        "0.763",  # CD19 vs CD19-BCMA Mann-Whitney p
        "method: binomial-normal GLMM",
    ]:
        assert text in out, text


def test_pool_options_reach_the_statistics(cli, loaded):
    pooled = json.loads(
        cli("pool", "--json", "--method", "reml", "--scale", "ft", "--quantile-method", "hazen").stdout
    )
    assert pooled["options"] == {"method": "reml", "scale": "ft", "quantile_method": "hazen"}
    assert "REML" in _outcome(pooled, "crs")["meta"]["method"]["estimator"]
    # Hazen (R type 5): the p-quantile sits at n p + 1/2; month 1, n 4: Q1 at 1.5 = 3, Q3 at 3.5 = 7.
    month1 = _analysis(pooled, "sledai")["scores"]["changes"][0]["summary"]
    assert (month1["q1"], month1["q3"]) == (3, 7)


def test_glmm_on_another_scale_is_refused_in_one_line(cli, loaded):
    result = cli("pool", "--scale", "ft", ok=False)
    assert result.exit_code == 1
    assert "the GLMM works on the logit scale; for --scale ft use --method dl or reml" in result.stderr


def test_pool_before_any_extraction_says_what_to_do(cli, db, tmp_path):
    open_review(db).close()
    result = cli("pool", ok=False)
    assert result.exit_code == 1 and "this review has no protocol yet" in result.stderr
    cli("protocol", "init", "--preset", "car-t-sle", "--out", tmp_path / "protocol.toml")
    cli("protocol", "load", tmp_path / "protocol.toml")
    result = cli("pool", ok=False)
    assert result.exit_code == 1 and "no extraction loaded yet" in result.stderr


def test_plots_option_writes_a_forest_plot_per_pooled_outcome(cli, loaded, tmp_path):
    result = cli("pool", "--plots", tmp_path / "plots")
    assert "forest plot files" in result.stderr
    written = {path.name for path in (tmp_path / "plots").iterdir()}
    assert {"crs.png", "crs.svg", "icans.png", "icans.svg"} <= written


def test_method_lines_that_differ_by_outcome_name_their_outcomes(cli, loaded):
    # Freeman-Tukey back-transforms with each outcome's harmonic mean n: 3/(1/4 + 1/3 + 1/3) =
    # 3.27 for the outcomes of all three studies, 2/(1/1 + 1/2) = 1.33 for severe infections among
    # the infected (Ames 1, Cole 2), 4 for the biomarkers (Ames only).
    out = cli("pool", "--method", "dl", "--scale", "ft").stdout
    assert "method (Severe infections among the infected): " in " ".join(out.split())
    assert "harmonic mean n = 1.33" in " ".join(out.split())
