"""Extraction in the review: stored long (one row per cell), all or nothing, by extractor, against
the protocol version it was checked with; two extractors compared and resolved."""

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.agreement import Resolution, agreed_extraction, differences, resolve_cell
from cartsle_cli.extraction.layout import layout
from cartsle_cli.extraction.store import extraction_loads, load_extraction
from cartsle_cli.protocol.store import load_protocol
from cartsle_cli.store import open_review
from tests.extraction.conftest import (
    INCLUDED,
    PATIENTS,
    STUDIES,
    load_seed_protocol,
    seed_protocol,
    validate_pair,
    write_pair,
)

LAYOUT = layout(seed_protocol())


def agreed(conn):
    return agreed_extraction(conn, LAYOUT)


@pytest.fixture
def conn(db):
    connection = open_review(db)
    load_seed_protocol(connection)
    yield connection
    connection.close()


def test_good_pair_round_trips_through_the_review(conn, pair):
    load_extraction(conn, pair, known_study_ids=INCLUDED)
    found = agreed(conn)
    expected = validate_pair(*pair, INCLUDED)
    studies, patients = found.frames["studies.csv"], found.frames["patients.csv"]
    assert studies.dtypes.equals(expected.studies.dtypes) and patients.dtypes.equals(expected.patients.dtypes)
    assert studies.equals(expected.studies) and patients.equals(expected.patients)
    assert patients.loc[0, "anti_dsdna"] == 120.5 and studies.loc[0, "followup_months"] == 12.5
    assert found.lines["studies.csv"] == (3, 4)


def test_cells_are_stored_long_with_outcome_line_and_protocol_version(conn, pair):
    result = load_extraction(conn, pair, known_study_ids=INCLUDED)
    assert result.load.protocol_version == 1
    row = conn.execute(
        "SELECT outcome, value, line FROM extract_values WHERE field = 'crs_g2' AND study_id = 'Alpha 2022'"
    ).fetchone()
    assert tuple(row) == ("crs", 1, 3)
    patient = conn.execute(
        "SELECT patient, timepoint, value FROM extract_values WHERE field = 'sledai' AND line = 3"
    ).fetchone()
    assert tuple(patient) == ("P1", "3", 4)
    # no SQL column of the review's own: every field is a row
    columns = {r[1] for r in conn.execute("PRAGMA table_info(extract_values)")}
    assert not columns & {"crs_any", "sledai", "n_treated"}


def test_new_load_replaces_the_current_one_and_keeps_the_earlier_on_record(conn, tmp_path, pair):
    first = load_extraction(conn, pair, known_study_ids=INCLUDED)
    fewer = write_pair(
        tmp_path / "v2", patients=PATIENTS.splitlines(keepends=True)[0] + "Beta 2024,B1,0,8,\n"
    )
    second = load_extraction(conn, fewer, known_study_ids=INCLUDED)
    assert second.replaced == first.load and second.load.id == first.load.id + 1
    assert [load.id for load in extraction_loads(conn)] == [second.load.id, first.load.id]
    assert len(agreed(conn).frames["patients.csv"]) == 1
    kept_text = conn.execute(
        "SELECT text FROM extract_files WHERE load_id = ? AND name = 'patients.csv'", (first.load.id,)
    ).fetchone()[0]
    assert kept_text == PATIENTS


def test_a_load_stays_tied_to_the_protocol_version_it_was_checked_against(conn, tmp_path, pair):
    first = load_extraction(conn, pair, known_study_ids=INCLUDED)
    later = tmp_path / "protocol.toml"
    later.write_text(seed_protocol().text.replace('label = "ICANS"', 'label = "Neurotoxicity"'))
    assert load_protocol(conn, later).version == 2
    second = load_extraction(conn, pair, known_study_ids=INCLUDED)
    assert [load.protocol_version for load in extraction_loads(conn)] == [2, 1]
    assert first.load.protocol_version == 1 and second.load.protocol_version == 2


def test_invalid_patients_file_stores_nothing_not_even_the_valid_studies(conn, tmp_path):
    pair = write_pair(tmp_path, patients=PATIENTS + "Alpha 2022,P1,0,16,\n")
    with pytest.raises(CartsleError, match="already has month 0"):
        load_extraction(conn, pair, known_study_ids=INCLUDED)
    for table in ("extract_loads", "extract_files", "extract_values"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_failed_reload_leaves_the_previous_load_current(conn, tmp_path, pair):
    first = load_extraction(conn, pair, known_study_ids=INCLUDED)
    bad = write_pair(tmp_path / "bad", studies=STUDIES.replace("CD19,autologous", "CD19,auto"))
    with pytest.raises(CartsleError, match="expected one of autologous, allogeneic"):
        load_extraction(conn, bad, known_study_ids=INCLUDED)
    assert [load.id for load in extraction_loads(conn)] == [first.load.id]


def test_extraction_before_any_load_says_what_to_do(conn):
    with pytest.raises(CartsleError, match="no extraction loaded yet"):
        agreed(conn)


def test_loading_without_a_protocol_says_how_to_get_one(db, pair):
    with pytest.raises(CartsleError, match="no protocol yet: `cartsle protocol init"):
        load_extraction(open_review(db), pair, known_study_ids=INCLUDED)


def test_a_file_the_protocol_does_not_declare_is_refused(conn, tmp_path, pair):
    other = tmp_path / "arms.csv"
    other.write_text("study_id\n")
    with pytest.raises(CartsleError) as raised:
        load_extraction(conn, [*pair, other], known_study_ids=INCLUDED)
    assert (raised.value.file, raised.value.field) == (str(other), "file name")
    assert "declares studies.csv, patients.csv" in raised.value.message


def test_two_extractors_differ_on_cells_until_resolved(conn, tmp_path, pair):
    load_extraction(conn, pair, extractor="anna", known_study_ids=INCLUDED)
    # Ben reads Alpha's CRS grade 2 as 0 and grade 3 as 1, and a month-3 SLEDAI of 6
    ben = write_pair(
        tmp_path / "ben",
        studies=STUDIES.replace("12.5,2,1,1,,,", "12.5,2,1,0,1,,"),
        patients=PATIENTS.replace("Alpha 2022,P1,3,4,", "Alpha 2022,P1,3,6,"),
    )
    load_extraction(conn, ben, extractor="ben", known_study_ids=INCLUDED)
    found = {(d.file, d.study_id, d.patient, d.timepoint, d.field): d.values for d in differences(conn)}
    assert found == {
        ("studies.csv", "Alpha 2022", "", "", "crs_g2"): {"anna": 1, "ben": 0},
        ("studies.csv", "Alpha 2022", "", "", "crs_g3"): {"anna": 0, "ben": 1},
        ("patients.csv", "Alpha 2022", "P1", "3", "sledai"): {"anna": 4, "ben": 6},
    }
    with pytest.raises(CartsleError, match="3 cells differ between extractors and are not resolved"):
        agreed(conn)
    for field, value in (("crs_g2", "1"), ("crs_g3", "0")):
        resolve_cell(conn, LAYOUT, Resolution("studies.csv", "Alpha 2022", field, value), reviewer="anna")
    resolve_cell(
        conn, LAYOUT, Resolution("patients.csv", "Alpha 2022", "sledai", "5", patient="P1", timepoint="3")
    )
    result = agreed(conn)
    studies, patients = result.frames["studies.csv"], result.frames["patients.csv"]
    assert list(studies.loc[0, ["crs_g1", "crs_g2", "crs_g3"]]) == [1, 1, 0]
    assert patients.loc[1, "sledai"] == 5  # the agreed value, neither extractor's
    assert result.resolved_cells == 3


def test_a_resolution_is_checked_like_a_cell_and_names_a_cell_of_a_current_load(conn, tmp_path, pair):
    load_extraction(conn, pair, extractor="anna", known_study_ids=INCLUDED)
    ben = write_pair(tmp_path / "ben", studies=STUDIES.replace("12.5,2,1,1,,,", "12.5,2,1,0,1,,"))
    load_extraction(conn, ben, extractor="ben", known_study_ids=INCLUDED)
    with pytest.raises(CartsleError, match="expected a whole number"):
        resolve_cell(conn, LAYOUT, Resolution("studies.csv", "Alpha 2022", "crs_g2", "one"))
    with pytest.raises(CartsleError, match="no cell crs_any of 'Gamma 2023'"):
        resolve_cell(conn, LAYOUT, Resolution("studies.csv", "Gamma 2023", "crs_any", "2"))
    assert conn.execute("SELECT count(*) FROM extract_resolutions").fetchone()[0] == 0
    # a cell both extractors agree on can still be given another agreed value, and that value wins
    resolve_cell(conn, LAYOUT, Resolution("studies.csv", "Alpha 2022", "crs_any", "3"))
    resolve_cell(conn, LAYOUT, Resolution("studies.csv", "Alpha 2022", "crs_g2", "1"))
    resolve_cell(conn, LAYOUT, Resolution("studies.csv", "Alpha 2022", "crs_g3", "1"))
    assert agreed(conn).frames["studies.csv"].loc[0, "crs_any"] == 3
