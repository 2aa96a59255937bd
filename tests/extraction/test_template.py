from dataclasses import dataclass
from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.columns import PATIENT_COLUMNS, STUDY_COLUMNS
from cartsle_cli.extraction.csvfile import read_csv
from cartsle_cli.extraction.template import describe, write_template_files
from cartsle_cli.extraction.validation import validate_extraction


@dataclass
class Study:
    study_id: str
    first_author: str | None
    year: int | None


STUDIES = [Study("Mackensen 2022", "Mackensen", 2022), Study("Wang 2024", "Wang", None)]


def test_template_has_a_row_per_included_study_and_documents_every_column(tmp_path: Path):
    template = write_template_files(tmp_path, STUDIES)
    studies = read_csv(template.studies)
    assert studies.header == tuple(column.name for column in STUDY_COLUMNS)
    assert [
        (row.cells["study_id"], row.cells["first_author"], row.cells["year"]) for row in studies.rows
    ] == [
        ("Mackensen 2022", "Mackensen", "2022"),
        ("Wang 2024", "Wang", ""),
    ]
    text = template.studies.read_text()
    for column in STUDY_COLUMNS:
        assert f"# {describe(column)}\n" in text
    patients = read_csv(template.patients)
    assert patients.header == tuple(column.name for column in PATIENT_COLUMNS) and patients.rows == ()
    assert (
        "# sledai (whole number, required, 0-105): SLEDAI-2K score, 0-105\n" in template.patients.read_text()
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
    template = write_template_files(tmp_path, STUDIES[:1])
    # The six blank cells after year are design, country, n_treated, product, target, origin.
    blank = "Mackensen 2022,Mackensen,2022" + "," * 7
    filled = "Mackensen 2022,Mackensen,2022,case series,Germany,5,MB-CART19.1,CD19,autologous,"
    text = template.studies.read_text()
    assert blank in text
    text = text.replace(blank, filled)
    template.studies.write_text(text)
    extraction = validate_extraction(template.studies, template.patients, {"Mackensen 2022"})
    assert extraction.studies.loc[0, "n_treated"] == 5 and len(extraction.patients) == 0


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path):
    template = write_template_files(tmp_path, STUDIES)
    template.studies.write_text("work in progress")
    with pytest.raises(CartsleError, match="already exists"):
        write_template_files(tmp_path, STUDIES)
    assert template.studies.read_text() == "work in progress"
    write_template_files(tmp_path, STUDIES, overwrite=True)
    assert template.studies.read_text().startswith("# studies.csv")
