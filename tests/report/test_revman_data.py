"""RevMan Web's study characteristics and study results files, from a synthetic two-arm review.

Two trials, both included at full text, extracted as the protocol below declares: a binary, a
continuous and a generic outcome. Every expected cell is the number written into the extraction
files here (RevMan takes the raw counts, means and SDs and computes the effects itself).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cartsle_cli.extraction.store import load_extraction
from cartsle_cli.formats.record import Record
from cartsle_cli.protocol.store import load_protocol
from cartsle_cli.report.revman import write_revman
from cartsle_cli.report.revman_data import RESULT_COLUMNS
from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search

PROTOCOL = """\
format = 1
title = "Drug A against placebo"

[design]
type = "comparative"

[[design.arms]]
id = "drug"
label = "Drug A"
role = "intervention"

[[design.arms]]
id = "placebo"
label = "Placebo"
role = "control"

[[characteristics]]
name = "country"
label = "Country"
type = "text"

[[characteristics]]
name = "allocation"
label = "Allocation"
type = "choice"
values = ["random", "alternate"]

[[characteristics]]
name = "duration"
label = "Duration"
type = "integer"
unit = "weeks"

[[outcomes]]
id = "relapse"
label = "Relapse"
type = "binary"

[[outcomes.analyses]]
measure = "RR"

[[outcomes]]
id = "pain"
label = "Pain score"
type = "continuous"

[[outcomes.analyses]]
measure = "MD"

[[outcomes]]
id = "loghr"
label = "Time to relapse"
type = "generic"
scale = "log hazard ratio"

[[outcomes.analyses]]
measure = "GEN"
"""

STUDIES = """\
study_id,country,allocation,duration,loghr_estimate,loghr_se
Alpha 2020,=HYPERLINK(1),random,12,-0.5,0.25
Beta 2021,Kenya,alternate,,,
"""
ARMS = """\
study_id,arm,relapse_events,relapse_n,pain_mean,pain_sd,pain_n
Alpha 2020,drug,4,50,3.5,1.25,48
Alpha 2020,placebo,9,51,4.75,1.5,50
Beta 2021,drug,2,30,,,
Beta 2021,placebo,6,29,,,
"""


@pytest.fixture
def folder(db: Path, tmp_path: Path) -> Path:
    conn = open_review(db)
    with transaction(conn):
        add_search(
            conn,
            database="PubMed",
            other_methods=False,
            format="test",
            file_name="pubmed",
            sha256="pubmed",
            records=[
                Record(line=1, raw="1", title="Drug A for pain", authors=["Alpha, A"], year=2020),
                Record(line=2, raw="2", title="Drug A again", authors=["Beta, B"], year=2021),
            ],
        )
        for (record_id,) in conn.execute("SELECT id FROM records").fetchall():
            for stage in ("ta", "ft"):
                for reviewer in ("kofi", "ama"):
                    record_decision(conn, Decision(record_id, stage, reviewer, "include"))
    (tmp_path / "protocol.toml").write_text(PROTOCOL)
    load_protocol(conn, tmp_path / "protocol.toml")
    (tmp_path / "studies.csv").write_text(STUDIES)
    (tmp_path / "arms.csv").write_text(ARMS)
    load_extraction(conn, [tmp_path / "studies.csv", tmp_path / "arms.csv"])
    out = tmp_path / "revman"
    written = write_revman(conn, out)
    conn.close()
    assert [path.name for path in written] == [
        "study_information.csv",
        "study_characteristics.csv",
        "study_results.csv",
    ]
    return out


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_characteristics_have_one_row_per_included_study_and_a_column_per_characteristic(folder):
    header, *rows = read(folder / "study_characteristics.csv")
    assert header == ["Study", "Char: Country", "Char: Allocation", "Char: Duration"]
    # the formula is neutralised by for_spreadsheet; a blank cell stays blank, 12 stays 12 (not 12.0)
    assert rows == [["Alpha 2020", "'=HYPERLINK(1)", "random", "12"], ["Beta 2021", "Kenya", "alternate", ""]]


def test_results_are_arm_level_for_binary_and_continuous_and_contrast_level_for_generic(folder):
    header, *rows = read(folder / "study_results.csv")
    assert tuple(header) == RESULT_COLUMNS
    assert header == [
        "Study ID",
        "Outcome",
        "Intervention",
        "Arm",
        "Events",
        "Total",
        "Mean",
        "SD",
        "Estimate",
        "SE",
    ]
    assert rows == [
        ["Alpha 2020", "Relapse", "Drug A", "Drug A", "4", "50", "", "", "", ""],
        ["Alpha 2020", "Relapse", "Placebo", "Placebo", "9", "51", "", "", "", ""],
        ["Beta 2021", "Relapse", "Drug A", "Drug A", "2", "30", "", "", "", ""],
        ["Beta 2021", "Relapse", "Placebo", "Placebo", "6", "29", "", "", "", ""],
        # Beta 2021 reported no pain score and no hazard ratio: no rows of its own for them
        ["Alpha 2020", "Pain score", "Drug A", "Drug A", "", "48", "3.5", "1.25", "", ""],
        ["Alpha 2020", "Pain score", "Placebo", "Placebo", "", "50", "4.75", "1.5", "", ""],
        ["Alpha 2020", "Time to relapse", "Drug A vs Placebo", "", "", "", "", "", "-0.5", "0.25"],
    ]


def test_negative_estimate_stays_a_number_a_spreadsheet_can_use(folder):
    rows = list(csv.DictReader((folder / "study_results.csv").open(encoding="utf-8", newline="")))
    (generic,) = [row for row in rows if row["Estimate"]]
    assert float(generic["Estimate"]) == -0.5 and not generic["Estimate"].startswith("'")


def test_a_review_without_a_protocol_gets_the_study_information_only(cli, db, tmp_path):
    conn = open_review(db)
    assert [path.name for path in write_revman(conn, tmp_path / "out")] == ["study_information.csv"]
    conn.close()
