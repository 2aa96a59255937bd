"""`cartsle export` by decision: the right records, and RIS that reference managers read whole."""

from __future__ import annotations

import csv
import io

import pytest
import rispy

from cartsle_cli.formats.record import Record
from cartsle_cli.report.references import full_page_range
from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.screening.fulltext import set_fulltext
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search


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


def record(number: int, **values) -> Record:
    values.setdefault("title", f"Trial {number} of CAR T cells")
    values.setdefault("authors", [f"Author{number}, A"])
    values.setdefault("doi", f"10.1000/t.{number}")
    return Record(line=number, raw=str(number), **values)


@pytest.fixture
def screened(cli):
    """Six PubMed records, record 0 also found by Embase; decisions of kofi and ama."""
    conn = open_review(cli.db)
    ids = {}
    with transaction(conn):
        for database, records in (
            (
                "PubMed",
                [
                    record(0, pages="164-78", keywords=["lupus", "CAR T"], year=2022, journal="N Engl J Med"),
                    *[record(i) for i in range(1, 6)],
                ],
            ),
            ("Embase", [record(0, keywords=["systemic lupus erythematosus", "lupus"], pages="164-178")]),
        ):
            search = add_search(
                conn,
                database=database,
                other_methods=False,
                format="test",
                file_name=database,
                sha256=database,
                records=records,
            )
            ids[database] = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM records WHERE search_id = ? ORDER BY position", (search,)
                )
            ]
        pubmed = ids["PubMed"]
        conn.execute(
            "INSERT INTO record_clusters VALUES (?, ?), (?, ?)",
            (pubmed[0], pubmed[0], ids["Embase"][0], pubmed[0]),
        )
        for unit, kofi, ama in (
            (pubmed[0], "include", "include"),
            (pubmed[1], "exclude", "exclude"),
            (pubmed[2], "include", "exclude"),  # conflict
            (pubmed[3], "maybe", None),  # undecided, and a maybe
            (pubmed[4], "include", "maybe"),  # maybe counts as include at title/abstract
        ):
            record_decision(conn, Decision(unit, "ta", "kofi", kofi))
            if ama:
                record_decision(conn, Decision(unit, "ta", "ama", ama))
        for reviewer in ("kofi", "ama"):
            record_decision(conn, Decision(pubmed[0], "ft", reviewer, "include"))
            record_decision(conn, Decision(pubmed[4], "ft", reviewer, "exclude", "wrong population"))
        set_fulltext(conn, pubmed[0], url="https://doi.org/10.1000/t.0")
    conn.close()
    return pubmed


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
