"""`cartsle export` by decision: the right records, and RIS that reference managers read whole."""

from __future__ import annotations

import csv
import io

import pytest
import rispy

from cartsle_cli.report.references import full_page_range


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("164-78", ("164", "178")),  # PubMed's abbreviated range: pages 164 to 178
        ("1279-97", ("1279", "1297")),
        ("1095-8", ("1095", "1098")),
        ("99-101", ("99", "101")),
        ("e1234-40", ("e1234", "e1240")),
        ("S12-5", ("S12", "S15")),
        ("164\u201378", ("164", "178")),  # en dash
        ("12", ("12", None)),
        ("iii-xii", ("iii", "xii")),
        ("185-9", ("185", "189")),
        ("98-102", ("98", "102")),
    ],
)
def test_full_page_range_writes_the_last_page_in_full(pages, expected):
    assert full_page_range(pages) == expected


def exported(cli, *options: str) -> str:
    return cli("export", *options).stdout


def ris_ids(text: str) -> list[int]:
    return [int(entry["id"]) for entry in rispy.loads(text)]


def test_each_decision_exports_the_records_it_names(cli, screened):
    p = screened
    assert ris_ids(exported(cli, "--stage", "ta", "--decision", "include")) == [p[0], p[4]]
    assert ris_ids(exported(cli, "--stage", "ta", "--decision", "exclude")) == [p[1]]
    assert ris_ids(exported(cli, "--stage", "ta", "--decision", "conflict")) == [p[2]]
    assert ris_ids(exported(cli, "--stage", "ta", "--decision", "undecided")) == [p[3], p[5]]
    assert ris_ids(exported(cli, "--stage", "ta", "--decision", "maybe")) == [p[3], p[4]]
    assert ris_ids(exported(cli, "--stage", "ft", "--decision", "exclude")) == [p[4]]
    assert ris_ids(exported(cli, "--included")) == [p[0]]


def test_ris_keeps_keywords_full_pages_databases_notes_and_full_text_link(cli, screened):
    text = exported(cli, "--included")
    (entry,) = rispy.loads(text)  # the parser ASReview uses reads every field
    assert entry["type_of_reference"] == "JOUR"
    assert entry["keywords"] == ["lupus", "CAR T", "systemic lupus erythematosus"]
    assert (entry["start_page"], entry["end_page"]) == ("164", "178")
    assert entry["name_of_database"] == "PubMed; Embase"
    assert entry["urls"] == ["https://doi.org/10.1000/t.0"]
    notes = entry["notes"]
    assert "cartsle title/abstract: include (votes: ama: include; kofi: include)" in notes
    assert "cartsle full text: include (votes: ama: include; kofi: include)" in notes
    reasons = rispy.loads(exported(cli, "--stage", "ft", "--decision", "exclude"))[0]["notes"]
    assert (
        "cartsle full text: exclude, reason: wrong population (votes: ama: exclude (wrong population); kofi: exclude (wrong population))"
        in reasons
    )


def test_exported_ris_imports_into_cartsle_again(cli, screened, tmp_path):
    path = tmp_path / "included.ris"
    cli("export", "--stage", "ta", "--decision", "include", "-o", path)
    from cartsle_cli.formats import read_file

    parsed = read_file(path)
    assert [r.pages for r in parsed.records] == ["164-178", None]
    assert parsed.records[0].keywords == ["lupus", "CAR T", "systemic lupus erythematosus"]


def test_csv_export_has_decisions_and_neutralised_cells(cli, screened):
    rows = list(
        csv.DictReader(
            io.StringIO(exported(cli, "--stage", "ta", "--decision", "conflict", "--format", "csv"))
        )
    )
    assert [int(row["id"]) for row in rows] == [screened[2]]
    assert rows[0]["ta_decision"] == "conflict" and rows[0]["ta_votes"] == "ama: exclude; kofi: include"
    included = list(csv.DictReader(io.StringIO(exported(cli, "--included", "--format", "csv"))))[0]
    assert (included["first_page"], included["last_page"]) == ("164", "178")
    assert (
        included["databases"] == "PubMed; Embase"
        and included["fulltext"] == "URL: https://doi.org/10.1000/t.0"
    )


def test_export_needs_a_set_and_refuses_unknown_decisions(cli, screened):
    assert "say which records" in cli("export", ok=False).output
    bad = cli("export", "--stage", "ta", "--decision", "perhaps", ok=False)
    assert bad.exit_code == 1 and "decision must be one of" in bad.output
