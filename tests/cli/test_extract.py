"""`cartsle extract template / load / loads` on a review whose studies were included by screening."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.extraction.conftest import include_studies


@pytest.fixture
def included(cli, db: Path, tmp_path: Path) -> Path:
    """Two studies included at full text by screening: 'Mackensen 2022' and 'Wang 2024'; the
    review's protocol is the car-t-sle preset."""
    assert include_studies(db, [("Mackensen", 2022, False), ("Wang", 2024, False)]) == [
        "Mackensen 2022",
        "Wang 2024",
    ]
    protocol = tmp_path / "protocol" / "protocol.toml"
    cli("protocol", "init", "--preset", "car-t-sle", "--out", protocol)
    cli("protocol", "load", protocol)
    return db


def _fill(folder: Path, *, wang_origin: str = "allogeneic") -> tuple[Path, Path]:
    studies, patients = folder / "studies.csv", folder / "patients.csv"
    text = studies.read_text()
    text = text.replace(
        "Mackensen 2022,Mackensen,2022" + "," * 7,
        "Mackensen 2022,Mackensen,2022,case series,Germany,5,MB-CART19.1,CD19,autologous,",
    )
    text = text.replace(
        "Wang 2024,Wang,2024" + "," * 7, f"Wang 2024,Wang,2024,phase 1,China,2,,CD19-BCMA,{wang_origin},"
    )
    studies.write_text(text)
    patients.write_text(
        patients.read_text() + "Mackensen 2022,P1,0,16,,,,\nMackensen 2022,P1,3,2,,,,\nWang 2024,W1,0,9,,,,\n"
    )
    return studies, patients


def test_template_lists_the_included_studies_and_loads_once_filled_in(cli, included, tmp_path):
    cli("extract", "template", "--out", tmp_path)
    rows = [line for line in (tmp_path / "studies.csv").read_text().splitlines() if not line.startswith("#")]
    assert [row.split(",")[:3] for row in rows[1:]] == [
        ["Mackensen 2022", "Mackensen", "2022"],
        ["Wang 2024", "Wang", "2024"],
    ]
    loaded = cli("extract", "load", *_fill(tmp_path)).stderr
    assert "load 1 (protocol version 1): 2 studies; 2 rows of studies.csv, 3 rows of patients.csv" in loaded
    loads = json.loads(cli("extract", "loads", "--json").stdout)
    assert [(load["id"], load["study_count"], load["row_count"]) for load in loads] == [(1, 2, 5)]


def test_bad_file_gives_one_line_naming_file_line_and_column_and_stores_nothing(cli, included, tmp_path):
    cli("extract", "template", "--out", tmp_path)
    studies, patients = _fill(tmp_path, wang_origin="donor")
    result = cli("extract", "load", studies, patients, ok=False)
    assert result.exit_code == 1
    lines = studies.read_text().splitlines()
    header = next(number for number, line in enumerate(lines, 1) if not line.startswith("#"))
    # the comment lines, then the header, Mackensen on the next line, Wang on the one after
    assert (
        result.stderr
        == f"error: {studies}, line {header + 2}, field origin: expected one of autologous, allogeneic, got 'donor'\n"
    )
    assert json.loads(cli("extract", "loads", "--json").stdout) == []


def test_template_keeps_existing_files_unless_forced(cli, included, tmp_path):
    cli("extract", "template", "--out", tmp_path)
    (tmp_path / "studies.csv").write_text("my extraction")
    result = cli("extract", "template", "--out", tmp_path, ok=False)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert (tmp_path / "studies.csv").read_text() == "my extraction"
    cli("extract", "template", "--out", tmp_path, "--force")
    assert "Mackensen 2022" in (tmp_path / "studies.csv").read_text()


def test_included_study_left_out_of_studies_csv_is_warned_about(cli, included, tmp_path):
    cli("extract", "template", "--out", tmp_path)
    studies, patients = _fill(tmp_path)
    studies.write_text(
        "".join(line for line in studies.read_text().splitlines(keepends=True) if not line.startswith("Wang"))
    )
    patients.write_text(
        "".join(
            line for line in patients.read_text().splitlines(keepends=True) if not line.startswith("Wang")
        )
    )
    result = cli("extract", "load", studies, patients)
    assert "warning: included study 'Wang 2024' has no row in" in result.stderr


def test_study_that_screening_did_not_include_is_refused(cli, included, tmp_path):
    cli("extract", "template", "--out", tmp_path)
    studies, patients = _fill(tmp_path)
    studies.write_text(studies.read_text().replace("Wang 2024,Wang", "Other 2023,Other"))
    result = cli("extract", "load", studies, patients, ok=False)
    assert "field study_id: 'Other 2023' is not an included study" in result.stderr


def test_two_extractors_are_compared_and_resolved_through_the_cli(cli, included, tmp_path):
    cli("extract", "template", "--out", tmp_path)
    studies, patients = _fill(tmp_path)
    cli("extract", "load", studies, patients, "--extractor", "anna")
    text = studies.read_text()
    studies.write_text(
        text.replace("Wang 2024,Wang,2024,phase 1,China,2,", "Wang 2024,Wang,2024,phase 1,China,3,")
    )
    assert "load 2 by ben" in cli("extract", "load", studies, patients, "--extractor", "ben").stderr
    found = json.loads(cli("extract", "compare", "--json").stdout)
    assert [(d["study_id"], d["field"], d["values"], d["is_resolved"]) for d in found] == [
        ("Wang 2024", "n_treated", {"anna": 2, "ben": 3}, False)
    ]
    assert "1 cells differ between extractors" in cli("pool", ok=False).stderr
    cli(
        "extract",
        "resolve",
        "--study",
        "Wang 2024",
        "--column",
        "n_treated",
        "--value",
        "2",
        "--reviewer",
        "anna",
    )
    assert "(1 unresolved)" not in cli("extract", "compare").stdout
    pooled = json.loads(cli("pool", "--json").stdout)
    assert pooled["overview"]["participants"] == 5 + 2
    assert pooled["overview"]["extractors"] == ["anna", "ben"]
