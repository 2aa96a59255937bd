from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from tests.extraction.conftest import INCLUDED, PATIENTS, STUDIES, validate_pair, write_pair

# Line numbers count the comment line: the studies header is line 2, Alpha line 3, Beta line 4;
# in patients.csv the header is line 1 and the rows are lines 2-6.
ALPHA = "Alpha 2022,Alpha,2022,3,CD19,autologous,12.5,2,1,1,,,1,0,3,2,naive up"
BETA = "Beta 2024,Beta,2024,2,CD19-BCMA,Allogeneic,,0,,,,,0,,,,"


def _studies_with(old: str, new: str) -> str:
    assert old in STUDIES
    return STUDIES.replace(old, new, 1)


def _patients_with(old: str, new: str) -> str:
    assert old in PATIENTS
    return PATIENTS.replace(old, new, 1)


STUDY_PROBLEMS = [
    # (what is wrong, studies.csv text, line, column, words of the message)
    (
        "year not a number",
        _studies_with("Alpha,2022,3", "Alpha,twenty,3"),
        3,
        "year",
        "expected a whole number, got 'twenty'",
    ),
    (
        "fractional count",
        _studies_with("12.5,2,1,1", "12.5,2.5,1,1"),
        3,
        "crs_any",
        "expected a whole number",
    ),
    (
        "negative count",
        _studies_with("0,,,,,0,,,,", "0,,,,,-1,,,,"),
        4,
        "infections",
        "below the minimum of 0",
    ),
    (
        "origin not a choice",
        _studies_with("Allogeneic", "donor"),
        4,
        "origin",
        "expected one of autologous, allogeneic",
    ),
    (
        "required cell blank",
        _studies_with("CD19,autologous", ",autologous"),
        3,
        "target",
        "required, but blank",
    ),
    ("n_treated zero", _studies_with("2024,2,", "2024,0,"), 4, "n_treated", "below the minimum of 1"),
    (
        "n_treated beyond any count",
        _studies_with("2024,2,", "2024,1e300,"),
        4,
        "n_treated",
        "'1e300' is too large to be a count",
    ),
    (
        "count above n_treated",
        _studies_with("12.5,2,1,1,,,1,0,3,2", "12.5,2,1,1,,,1,0,4,2"),
        3,
        "dsdna_measured",
        "dsdna_measured is 4 but n_treated is 3",
    ),
    (
        "grades do not add up",
        _studies_with("2,1,1,,,1", "2,1,0,,,1"),
        3,
        "crs_any",
        "crs_any is 2 but its grades add up to 1 (1 + 0 + 0 + 0)",
    ),
    (
        "grade without any count",
        _studies_with("12.5,2,1,1", "12.5,,1,1"),
        3,
        "crs_g1",
        "grades are given but crs_any is blank",
    ),
    (
        "severe infections above infections",
        _studies_with(",,1,0,3,2", ",,1,2,3,2"),
        3,
        "infections_severe",
        "infections_severe is 2 but infections is only 1",
    ),
    (
        "decreased above measured",
        _studies_with("1,0,3,2,", "1,0,1,2,"),
        3,
        "dsdna_decreased",
        "dsdna_decreased is 2 but dsdna_measured is only 1",
    ),
    (
        "sub-count without its parent",
        _studies_with("1,0,3,2,", "1,0,,2,"),
        3,
        "dsdna_decreased",
        "dsdna_measured, the count it is part of, is blank",
    ),
    (
        "study not included",
        _studies_with("Beta 2024,Beta", "Delta 2021,Beta"),
        4,
        "study_id",
        "'Delta 2021' is not an included study",
    ),
    (
        "study row twice",
        STUDIES + BETA + "\n",
        5,
        "study_id",
        "study 'Beta 2024' already has a row on line 4",
    ),
    (
        "required column missing",
        STUDIES.replace(",origin,", ",").replace(",autologous,", ",").replace(",Allogeneic,", ","),
        2,
        "origin",
        "required column 'origin' is missing",
    ),
    (
        "unknown column",
        STUDIES.replace(",bcell_phenotype", ",bcell_phenotyp"),
        2,
        "bcell_phenotyp",
        "unknown column 'bcell_phenotyp' (did you mean 'bcell_phenotype'?)",
    ),
    ("column twice", STUDIES.replace(",bcell_phenotype", ",year"), 2, "year", "column 'year' appears twice"),
    (
        "more cells than columns",
        STUDIES.replace("naive up", "naive up,extra"),
        3,
        None,
        "18 cells but the header has 17 columns",
    ),
]


PATIENT_PROBLEMS = [
    (
        "sledai above 105",
        _patients_with("P1,3,4,", "P1,3,106,"),
        3,
        "sledai",
        "106 is above the maximum of 105",
    ),
    (
        "sledai not a number",
        _patients_with("P1,3,4,", "P1,3,high,"),
        3,
        "sledai",
        "expected a whole number, got 'high'",
    ),
    ("negative month", _patients_with("P1,3,4,", "P1,-1,4,"), 3, "month", "below the minimum of 0"),
    (
        "lab value not a number",
        _patients_with("16,120.5", "16,nan"),
        2,
        "anti_dsdna",
        "expected a finite number, got 'nan'",
    ),
    (
        "study not in studies.csv",
        _patients_with("Beta 2024,B1,6", "Gamma 2023,B1,6"),
        6,
        "study_id",
        "study 'Gamma 2023' has no row in the studies file",
    ),
    (
        "patient-month twice",
        PATIENTS + "Alpha 2022,P1,3.0,2,\n",
        7,
        "month",
        "patient 'P1' of 'Alpha 2022' already has month 3 on line 3",
    ),
    (
        "more patients than treated",
        PATIENTS + "Beta 2024,B2,0,7,\nBeta 2024,B3,0,9,\n",
        8,
        "patient_id",
        "'Beta 2024' treated 2 patients but this is its patient number 3",
    ),
    (
        "required column missing",
        "study_id,patient_id,month\nAlpha 2022,P1,0\n",
        1,
        "sledai",
        "required column 'sledai' is missing",
    ),
]


PROBLEMS = [("studies", *problem) for problem in STUDY_PROBLEMS] + [
    ("patients", *problem) for problem in PATIENT_PROBLEMS
]


@pytest.mark.parametrize(
    ("wrong", "problem", "text", "line", "column", "message"),
    PROBLEMS,
    ids=[f"{p[0]}: {p[1]}" for p in PROBLEMS],
)
def test_problem_is_named_by_file_line_and_column(
    tmp_path: Path, wrong, problem, text, line, column, message
):
    paths = write_pair(tmp_path, **{wrong: text})
    with pytest.raises(CartsleError) as raised:
        validate_pair(*paths, INCLUDED)
    error = raised.value
    wrong_path = paths[0] if wrong == "studies" else paths[1]
    assert (error.file, error.line, error.field) == (str(wrong_path), line, column)
    assert message in error.message


def test_error_prints_as_one_line_with_file_line_and_column(tmp_path: Path):
    studies_path, patients_path = write_pair(tmp_path, patients=_patients_with("P1,3,4,", "P1,3,106,"))
    with pytest.raises(CartsleError) as raised:
        validate_pair(studies_path, patients_path, INCLUDED)
    assert str(raised.value) == f"{patients_path}, line 3, field sledai: 106 is above the maximum of 105"


def test_first_problem_in_file_order_is_reported(tmp_path: Path):
    # Both Alpha (line 3) and Beta (line 4) are wrong; patients.csv is wrong too.
    studies = _studies_with("Alpha,2022", "Alpha,20x2").replace("Allogeneic", "donor")
    studies_path, patients_path = write_pair(tmp_path, studies=studies, patients="nonsense\n")
    with pytest.raises(CartsleError) as raised:
        validate_pair(studies_path, patients_path, INCLUDED)
    assert (raised.value.line, raised.value.field) == (3, "year")


def test_valid_pair_reads_to_frames_with_columns_dtypes_and_filled_grades(pair):
    extraction = validate_pair(*pair, INCLUDED)
    studies, patients = extraction.studies, extraction.patients
    assert list(studies["study_id"]) == ["Alpha 2022", "Beta 2024"]
    assert str(studies["crs_any"].dtype) == "Int64" and str(patients["sledai"].dtype) == "Int64"
    assert str(studies["followup_months"].dtype) == "float64"
    assert list(studies["origin"]) == ["autologous", "allogeneic"]  # choices are lower-cased
    # Alpha filled grades 1 and 2, so its blank grades 3 and 4 are 0; Beta filled none.
    assert list(studies.loc[0, ["crs_g1", "crs_g2", "crs_g3", "crs_g4"]]) == [1, 1, 0, 0]
    assert studies.loc[1, ["crs_g1", "crs_g2", "crs_g3", "crs_g4"]].isna().all()
    # Columns absent from the file are there, empty.
    assert studies["dose"].isna().all() and patients["c3"].isna().all()
    assert extraction.study_lines == (3, 4) and extraction.patient_lines == (2, 3, 4, 5, 6)
    assert extraction.missing_study_ids == ("Gamma 2023",)


def test_semicolon_file_from_a_comma_decimal_spreadsheet_is_read(tmp_path: Path):
    studies = STUDIES.replace(",", ";")
    patients = "study_id;patient_id;month;sledai\nAlpha 2022;P1;0;16\n"
    extraction = validate_pair(*write_pair(tmp_path, studies, patients), INCLUDED)
    assert list(extraction.patients["sledai"]) == [16]


def test_windows_1252_file_is_read(tmp_path: Path):
    # Charset detection needs a few accented words: one "ï" alone also reads as Windows-1250.
    phenotype = "naïve B cells up, mémoire B cells down; Müller, Köln, Genève"
    studies_path, patients_path = write_pair(tmp_path)
    studies_path.write_bytes(STUDIES.replace("naive up", f'"{phenotype}"').encode("cp1252"))
    extraction = validate_pair(studies_path, patients_path, INCLUDED)
    assert extraction.studies.loc[0, "bcell_phenotype"] == phenotype


def test_empty_cells_a_spreadsheet_adds_after_the_last_column_are_ignored(tmp_path: Path):
    studies = STUDIES.replace(",bcell_phenotype\n", ",bcell_phenotype,,\n").replace(
        "naive up\n", "naive up,,\n"
    )
    extraction = validate_pair(*write_pair(tmp_path, studies=studies), INCLUDED)
    assert list(extraction.studies["bcell_phenotype"].fillna("")) == ["naive up", ""]
