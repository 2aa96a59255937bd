import re
from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.columns import PATIENT_COLUMNS, STUDY_COLUMNS
from cartsle_cli.extraction.store import extraction_loads, load_extraction, stored_extraction
from cartsle_cli.extraction.validation import validate_extraction
from cartsle_cli.store import open_review
from tests.extraction.conftest import INCLUDED, PATIENTS, STUDIES, write_pair

SCHEMA = Path(__file__).resolve().parents[2] / "cartsle_cli" / "store" / "schema" / "extraction.sql"


def test_good_pair_round_trips_through_the_review(db, pair):
    conn = open_review(db)
    load_extraction(conn, *pair, known_study_ids=INCLUDED)
    studies, patients = stored_extraction(conn)
    expected = validate_extraction(*pair, INCLUDED)
    assert list(studies.columns) == [column.name for column in STUDY_COLUMNS]
    assert list(patients.columns) == [column.name for column in PATIENT_COLUMNS]
    assert studies.dtypes.equals(expected.studies.dtypes) and patients.dtypes.equals(expected.patients.dtypes)
    assert studies.equals(expected.studies) and patients.equals(expected.patients)
    assert patients.loc[0, "anti_dsdna"] == 120.5 and studies.loc[0, "followup_months"] == 12.5


def test_new_load_replaces_the_current_one_and_keeps_the_earlier_on_record(db, tmp_path, pair):
    conn = open_review(db)
    first = load_extraction(conn, *pair, known_study_ids=INCLUDED)
    fewer = write_pair(
        tmp_path / "v2", patients=PATIENTS.splitlines(keepends=True)[0] + "Beta 2024,B1,0,8,\n"
    )
    second = load_extraction(conn, *fewer, known_study_ids=INCLUDED)
    assert second.replaced == first.load and second.load.id == first.load.id + 1
    assert [load.id for load in extraction_loads(conn)] == [second.load.id, first.load.id]
    assert len(stored_extraction(conn)[1]) == 1
    assert len(stored_extraction(conn, first.load.id)[1]) == 5
    kept_text = conn.execute(
        "SELECT patients_text FROM extraction_loads WHERE id = ?", (first.load.id,)
    ).fetchone()[0]
    assert kept_text == PATIENTS


def test_invalid_patients_file_stores_nothing_not_even_the_valid_studies(db, tmp_path):
    conn = open_review(db)
    pair = write_pair(tmp_path, patients=PATIENTS + "Alpha 2022,P1,0,16,\n")
    with pytest.raises(CartsleError, match="already has month 0"):
        load_extraction(conn, *pair, known_study_ids=INCLUDED)
    for table in ("extraction_loads", "extraction_studies", "extraction_patients"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_failed_reload_leaves_the_previous_load_current(db, tmp_path, pair):
    conn = open_review(db)
    first = load_extraction(conn, *pair, known_study_ids=INCLUDED)
    bad = write_pair(tmp_path / "bad", studies=STUDIES.replace("CD19,autologous", "CD19,auto"))
    with pytest.raises(CartsleError, match="expected one of autologous, allogeneic"):
        load_extraction(conn, *bad, known_study_ids=INCLUDED)
    assert [load.id for load in extraction_loads(conn)] == [first.load.id]


def test_stored_extraction_before_any_load_says_what_to_do(db):
    with pytest.raises(CartsleError, match="no extraction loaded yet"):
        stored_extraction(open_review(db))


def test_schema_columns_match_the_column_contract():
    sql = SCHEMA.read_text()
    for table, columns in (("extraction_studies", STUDY_COLUMNS), ("extraction_patients", PATIENT_COLUMNS)):
        body = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", sql, re.S).group(1)
        names = [
            line.split()[0]
            for line in body.splitlines()
            if line.strip() and not line.strip().startswith(("PRIMARY", "FOREIGN", "--"))
        ]
        assert names == ["load_id", "line", *(column.name for column in columns)]
