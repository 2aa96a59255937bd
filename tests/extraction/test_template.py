from dataclasses import dataclass
from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.csvfile import read_csv
from cartsle_cli.extraction.layout import layout
from cartsle_cli.extraction.template import describe, write_template_files
from cartsle_cli.protocol import parse_protocol
from tests.extraction.conftest import seed_protocol, validate_pair

SEED = seed_protocol()
STUDY_COLUMNS = layout(SEED).studies.columns
PATIENT_COLUMNS = layout(SEED).file("patients.csv").columns


@dataclass
class Study:
    study_id: str
    first_author: str | None
    year: int | None


STUDIES = [Study("Mackensen 2022", "Mackensen", 2022), Study("Wang 2024", "Wang", None)]


def test_template_has_a_row_per_included_study_and_documents_every_column(tmp_path: Path):
    template = write_template_files(SEED, tmp_path, STUDIES)
    studies = read_csv(template.files[0])
    assert studies.header == tuple(column.name for column in STUDY_COLUMNS)
    assert [
        (row.cells["study_id"], row.cells["first_author"], row.cells["year"]) for row in studies.rows
    ] == [
        ("Mackensen 2022", "Mackensen", "2022"),
        ("Wang 2024", "Wang", ""),
    ]
    text = template.files[0].read_text()
    for column in STUDY_COLUMNS:
        assert f"# {describe(column)}\n" in text
    patients = read_csv(template.files[1])
    assert patients.header == tuple(column.name for column in PATIENT_COLUMNS) and patients.rows == ()
    assert (
        "# sledai (whole number, required, 0-105): SLEDAI-2K score, 0-105\n" in template.files[1].read_text()
    )


def test_column_description_names_type_requirement_and_limits():
    by_name = {column.name: column for column in STUDY_COLUMNS}
    assert (
        describe(by_name["origin"])
        == "origin (one of autologous / allogeneic, required): source of the CAR T cells"
    )
    assert (
        describe(by_name["n_treated"])
        == "n_treated (whole number, required, >= 1): patients who received CAR T cells"
    )


def test_filled_in_template_loads(tmp_path: Path):
    template = write_template_files(SEED, tmp_path, STUDIES[:1])
    # The six blank cells after year are design, country, n_treated, product, target, origin.
    blank = "Mackensen 2022,Mackensen,2022" + "," * 7
    filled = "Mackensen 2022,Mackensen,2022,case series,Germany,5,MB-CART19.1,CD19,autologous,"
    text = template.files[0].read_text()
    assert blank in text
    text = text.replace(blank, filled)
    template.files[0].write_text(text)
    extraction = validate_pair(template.files[0], template.files[1], {"Mackensen 2022"})
    assert extraction.studies.loc[0, "n_treated"] == 5 and len(extraction.patients) == 0


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path):
    template = write_template_files(SEED, tmp_path, STUDIES)
    template.files[0].write_text("work in progress")
    with pytest.raises(CartsleError, match="already exists"):
        write_template_files(SEED, tmp_path, STUDIES)
    assert template.files[0].read_text() == "work in progress"
    write_template_files(SEED, tmp_path, STUDIES, overwrite=True)
    assert template.files[0].read_text().startswith("# studies.csv")


COMPARATIVE = """\
[design]
type = "comparative"

[[design.arms]]
id = "vaccine"
role = "intervention"

[[design.arms]]
id = "control"
role = "control"

[[outcomes]]
id = "tb"
label = "Tuberculosis"
type = "binary"
"""


def test_comparative_template_has_a_row_per_study_and_arm(tmp_path: Path):
    template = write_template_files(parse_protocol(COMPARATIVE), tmp_path, STUDIES)
    assert [path.name for path in template.files] == ["studies.csv", "arms.csv"]
    arms = read_csv(template.files[1])
    assert arms.header == ("study_id", "arm", "tb_events", "tb_n")
    assert [(row.cells["study_id"], row.cells["arm"]) for row in arms.rows] == [
        ("Mackensen 2022", "vaccine"),
        ("Mackensen 2022", "control"),
        ("Wang 2024", "vaccine"),
        ("Wang 2024", "control"),
    ]
    text = template.files[1].read_text()
    assert "# tb_n (whole number, optional, >= 1): Tuberculosis: participants analysed\n" in text
    assert "at most: tb_events <= tb_n" in text
