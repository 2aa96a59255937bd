"""A review cartsle has never seen, through its protocol: two-arm trials of BCG vaccine (the 13
trials of Colditz et al. 1994, metafor's ``dat.bcg``), extracted into studies.csv and arms.csv,
pooled as declared (RR by REML with subgroups, meta-regression and leave-one-out) and reported.

Golden numbers from R 4 / metafor 3.8.1, not from cartsle:
    dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
    r <- rma(yi, vi, data=dat)            # -0.7145323484 (se 0.1797815318), tau2 0.3132433260, I2 92.2213860750
    m <- rma(yi, vi, mods=~ablat, data=dat)  # 0.2514642944, -0.0291016609, tau2 0.0763546947, R2 75.6244783615
    leave1out(r)$estimate[8]              # without TPT Madras: -0.7947676109
    rma(yi, vi, data=dat, subset=alloc=="random")  # -0.9709644758, tau2 0.3925265491
    regtest(r, model="lm", predictor="sei")  # t = -1.4012820023, p = 0.1887069951 (classic Egger)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cartsle_cli.extraction.store import load_extraction
from cartsle_cli.protocol.store import load_protocol
from cartsle_cli.review.pooling import pool_review
from cartsle_cli.store import open_review

PROTOCOL = """\
format = 1
title = "BCG vaccine for preventing tuberculosis"

[question]
population = "people without tuberculosis"
intervention = "BCG vaccination"
comparator = "no vaccination"

[design]
type = "comparative"

[[design.arms]]
id = "vaccine"
label = "BCG"
role = "intervention"

[[design.arms]]
id = "control"
label = "No vaccine"
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

[[characteristics]]
name = "alloc"
label = "Allocation"
type = "choice"
values = ["random", "alternate", "systematic"]
role = "subgroup"

[[characteristics]]
name = "ablat"
label = "Absolute latitude"
type = "number"
unit = "degrees"
role = "covariate"

[[outcomes]]
id = "tb"
label = "Tuberculosis"
type = "binary"
direction = "lower-is-better"

[[outcomes.analyses]]
measure = "RR"
method = "reml"
subgroups = ["alloc"]
covariates = ["ablat"]
sensitivity = ["leave-one-out"]
bias = "egger"
"""

# author, year, tpos, tneg, cpos, cneg, ablat, alloc (dat.bcg)
BCG = [
    ("Aronson", 1948, 4, 119, 11, 128, 44, "random"),
    ("Ferguson", 1949, 6, 300, 29, 274, 55, "random"),
    ("Rosenthal", 1960, 3, 228, 11, 209, 42, "random"),
    ("Hart", 1977, 62, 13536, 248, 12619, 52, "random"),
    ("Frimodt-Moller", 1973, 33, 5036, 47, 5761, 13, "alternate"),
    ("Stein", 1953, 180, 1361, 372, 1079, 44, "alternate"),
    ("Vandiviere", 1973, 8, 2537, 10, 619, 19, "random"),
    ("TPT Madras", 1980, 505, 87886, 499, 87892, 13, "random"),
    ("Coetzee", 1968, 29, 7470, 45, 7232, 27, "random"),
    ("Rosenthal", 1961, 17, 1699, 65, 1600, 42, "systematic"),
    ("Comstock", 1974, 186, 50448, 141, 27197, 18, "systematic"),
    ("Comstock", 1969, 5, 2493, 3, 2338, 33, "systematic"),
    ("Comstock", 1976, 27, 16886, 29, 17825, 33, "systematic"),
]
IDS = [f"{author} {year}" for author, year, *_ in BCG]


def write_files(folder: Path, arms_rows: list[str] | None = None) -> list[Path]:
    studies = folder / "studies.csv"
    studies.write_text(
        "study_id,first_author,year,alloc,ablat\n"
        + "".join(f"{i},{a},{y},{alloc},{lat}\n" for i, (a, y, *_, lat, alloc) in zip(IDS, BCG))
    )
    arms = folder / "arms.csv"
    rows = arms_rows or [
        line
        for i, (_, _, tpos, tneg, cpos, cneg, *_rest) in zip(IDS, BCG)
        for line in (f"{i},vaccine,{tpos},{tpos + tneg}", f"{i},control,{cpos},{cpos + cneg}")
    ]
    arms.write_text("study_id,arm,tb_events,tb_n\n" + "\n".join(rows) + "\n")
    return [studies, arms]


@pytest.fixture
def conn(db, tmp_path):
    protocol = tmp_path / "protocol.toml"
    protocol.write_text(PROTOCOL)
    connection = open_review(db)
    load_protocol(connection, protocol)
    yield connection
    connection.close()


def test_bcg_trials_pool_as_the_protocol_declares(conn, tmp_path):
    load_extraction(conn, write_files(tmp_path), known_study_ids=set(IDS))
    result = pool_review(conn)
    (tb,) = result.analyses
    effect = tb.effect
    assert (tb.measure, tb.method, effect.k) == ("RR", "reml", 13)
    assert effect.estimate_transformed == pytest.approx(-0.7145323484, abs=1e-6)
    assert effect.se_transformed == pytest.approx(0.1797815318, abs=1e-6)
    assert effect.tau2 == pytest.approx(0.3132433260, abs=1e-6)
    assert effect.estimate == pytest.approx(np.exp(-0.7145323484), abs=1e-6)
    by_alloc = effect.subgroups[0]
    random = next(s for s in by_alloc.subgroups if s.level == "random")
    assert random.result.estimate_transformed == pytest.approx(-0.9709644758, abs=1e-6)
    assert random.result.tau2 == pytest.approx(0.3925265491, abs=1e-6)
    slope = effect.meta_regression.coefficients[1]
    assert (slope.name, slope.estimate) == ("ablat", pytest.approx(-0.0291016609, abs=1e-6))
    assert effect.meta_regression.tau2 == pytest.approx(0.0763546947, abs=1e-6)
    without_madras = next(o for o in effect.leave_one_out.omitted if o.study == "TPT Madras 1980")
    assert without_madras.estimate_transformed == pytest.approx(-0.7947676109, abs=1e-6)
    assert (effect.egger.statistic, effect.egger.p) == (
        pytest.approx(-1.4012820023, abs=1e-6),
        pytest.approx(0.1887069951, abs=1e-6),
    )
    assert result.overview.participants is None  # no participants count declared for this design


def test_bcg_report_has_the_outcome_section_its_forest_plot_and_methods(cli, conn, tmp_path):
    load_extraction(conn, write_files(tmp_path), known_study_ids=set(IDS))
    cli("report", "--format", "md", "--out", tmp_path / "report")
    text = (tmp_path / "report" / "report.md").read_text()
    section = text.index("\n## Tuberculosis\n")
    assert section < text.index("](figures/forest_tb.svg)") < text.index("](figures/forest_tb_funnel.svg)")
    assert "### Tuberculosis: Egger&\\#x27;s test for small-study effects" in text  # Markdown-escaped
    assert "Review question (PICOS) - population: people without tuberculosis" in text
    assert (
        "Tuberculosis was pooled as RR: random effects, inverse variance, tau^2 by restricted maximum" in text
    )
    assert "0.49 (0.34-0.70)" in text  # exp(-0.7145) = 0.489 with its CI, as a reader quotes it
    assert "### Tuberculosis by alloc (Q = " in text and "### Tuberculosis: meta-regression" in text
    assert "| ablat | -0.0291 (" in text  # metafor: -0.0291016609
    assert "| TPT Madras 1980 | 0.45 (" in text  # leave-one-out: exp(-0.7947676109) = 0.452
    assert "For Tuberculosis: subgroups by alloc" in text and "leave-one-out sensitivity analysis" in text
    assert "Egger&\\#x27;s regression test with a funnel plot" in text  # Markdown-escaped apostrophe
    table = text[text.index("## Characteristics of included studies") :]
    assert "| Study | First author | Year | Allocation | Absolute latitude |" in table
    pooled = json.loads(cli("pool", "--json").stdout)
    assert pooled["analyses"][0]["effect"]["meta_regression"]["coefficients"][1]["name"] == "ablat"


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        ("Aronson 1948,vaccine,4,123", "Aronson 1948,vaccine,124,123", 2, "tb_events is 124 but tb_n is only 123"),
        ("Aronson 1948,control,11,139", "Aronson 1948,control,eleven,139", 3, "expected a whole number, got 'eleven'"),
    ],
)  # fmt: skip
def test_bad_arm_rows_name_file_line_and_column_and_store_nothing(conn, tmp_path, change, line, field, words):
    files = write_files(tmp_path)
    text = files[1].read_text()
    assert change in text
    files[1].write_text(text.replace(change, line))
    with pytest.raises(Exception) as raised:
        load_extraction(conn, files, known_study_ids=set(IDS))
    error = raised.value
    assert (error.file, error.line, error.field) == (str(files[1]), field, "tb_events")
    assert words in error.message
    assert conn.execute("SELECT count(*) FROM extract_values").fetchone()[0] == 0


def test_an_arm_missing_for_a_comparative_outcome_is_refused(conn, tmp_path):
    files = write_files(tmp_path)
    lines = files[1].read_text().splitlines()
    files[1].write_text("\n".join(line for line in lines if line != "Ferguson 1949,control,29,303") + "\n")
    with pytest.raises(Exception) as raised:
        load_extraction(conn, files, known_study_ids=set(IDS))
    error = raised.value
    assert (error.file, error.line, error.field) == (str(files[1]), 4, "tb_events")
    assert "tb of 'Ferguson 1949' is given for vaccine but not for arm 'control'" in error.message
    assert conn.execute("SELECT count(*) FROM extract_loads").fetchone()[0] == 0


CONTINUOUS = """\
[design]
type = "comparative"

[[design.arms]]
id = "new"
role = "intervention"

[[design.arms]]
id = "old"
role = "control"

[[outcomes]]
id = "pain"
label = "Pain score"
type = "continuous"
convert = "iqr"
convert_method = "wan2014"

[[outcomes.analyses]]
measure = "MD"
model = "common"
method = "fe"
pi = "none"

[[outcomes]]
id = "death"
label = "Death"
type = "generic"
scale = "log hazard ratio"

[[outcomes.analyses]]
measure = "GEN"
method = "dl"
"""


def test_median_and_iqr_are_converted_only_as_declared_and_flagged(db, tmp_path):
    protocol = tmp_path / "protocol.toml"
    protocol.write_text(CONTINUOUS)
    conn = open_review(db)
    load_protocol(conn, protocol)
    (tmp_path / "studies.csv").write_text("study_id,death_estimate,death_se\nA,-0.2,0.1\nB,-0.4,0.2\n")
    # B's new arm is reported as median 4 (IQR 2-7), n 30: Wan 2014 gives mean 13/3, SD 5/(2*0.642326583936)
    (tmp_path / "arms.csv").write_text(
        "study_id,arm,pain_mean,pain_sd,pain_n,pain_median,pain_q1,pain_q3\n"
        "A,new,5,2,20,,,\nA,old,6,2,20,,,\nB,new,,,30,4,2,7\nB,old,5,4,30,,,\n"
    )
    load_extraction(conn, [tmp_path / "studies.csv", tmp_path / "arms.csv"], known_study_ids={"A", "B"})
    pain, death = pool_review(conn).analyses
    assert "mean and SD estimated from the median and iqr by wan2014 in 1 arms" in pain.notes
    # common-effect MD by inverse variance: A -1 (var 4/20 + 4/20 = 0.4), B 13/3 - 5 (var sd^2/30 + 16/30)
    sd_b = 5 / (2 * 0.642326583936)
    v = [0.4, sd_b**2 / 30 + 16 / 30]
    y = [-1.0, 13 / 3 - 5]
    expected = (y[0] / v[0] + y[1] / v[1]) / (1 / v[0] + 1 / v[1])
    assert pain.effect.estimate == pytest.approx(expected, abs=1e-9)
    # DL of two generic estimates: Q = (0.2)^2 / (0.01 + 0.04) = 0.8 < df 1, so tau^2 = 0 and the
    # pooled log HR is the IV mean (-0.2/0.01 - 0.4/0.04) / (1/0.01 + 1/0.04) = -0.24
    assert death.effect.tau2 == 0 and death.effect.estimate_transformed == pytest.approx(-0.24, abs=1e-12)
    conn.close()


def test_pool_prints_leave_one_out_as_one_row_per_analysis(cli, conn, tmp_path):
    """The terminal gets the range and the most influential study; every refit stays in --json.

    R (metafor 3.8.1):
        dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
        l <- leave1out(rma(yi, vi, data=dat, method="REML"))
        exp(range(l$estimate))                 # 0.4516862 0.5334396
        which.max(abs(l$estimate - -0.7145323484))   # 4: Hart & Sutherland 1977, -0.6284094079
        exp(c(l$ci.lb[4], l$ci.ub[4]))         # 0.3773522 0.7540907
    """
    load_extraction(conn, write_files(tmp_path), known_study_ids=set(IDS))
    text = cli("pool").stdout
    assert "Leave-one-out sensitivity analysis" in text
    row = next(line for line in text.splitlines() if line.startswith("│ Tuberculosis") and "Hart" in line)
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    assert cells == ["Tuberculosis", "RR", "13", "0.49", "0.45-0.53", "Hart 1977", "0.53 (0.38-0.75)"]
    assert "Aronson 1948" not in text  # no per-refit rows on the terminal
    pooled = json.loads(cli("pool", "--json").stdout)
    assert len(pooled["analyses"][0]["effect"]["leave_one_out"]["omitted"]) == 13
