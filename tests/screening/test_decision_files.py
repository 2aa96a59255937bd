"""Decision files: cartsle CSV, ASReview LAB (CSV and RIS notes), Rayyan notes."""

from __future__ import annotations

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.record import Record
from cartsle_cli.screening.decision_files import (
    _asreview_ris_row,
    _rayyan_rows,
    read_decision_file,
    with_defaults,
)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_cartsle_csv_with_study_and_resolution_columns(tmp_path):
    path = write(
        tmp_path,
        "d.csv",
        "record_id,reviewer,stage,decision,reason,note,study,resolution\n"
        "7,Kofi,FT,Include,,seen,Mackensen 2022,\n8,,,exclude,wrong population,,,yes\n",
    )
    parsed = read_decision_file(path)
    assert parsed.format == "cartsle-csv"
    first, second = parsed.rows
    assert (first.where, first.record_id, first.stage, first.decision, first.note, first.study) == (
        "row 2",
        7,
        "ft",
        "include",
        "seen",
        "Mackensen 2022",
    )
    assert second.resolution and second.reason == "wrong population" and second.reviewer is None
    filled = with_defaults(parsed.rows, reviewer="Ama", stage=None)
    assert (filled[1].reviewer, filled[1].stage) == ("Ama", "ta")
    assert filled[0].reviewer == "Kofi"


def test_semicolon_csv_with_bom_is_read(tmp_path):
    path = write(
        tmp_path, "d.csv", "doi;reviewer;stage;decision\n10.1/x;Kofi;ta;maybe\n", encoding="utf-8-sig"
    )
    [row] = read_decision_file(path).rows
    assert (row.doi, row.record_id, row.decision) == ("10.1/x", None, "maybe")


def test_asreview_csv_labels_notes_and_unseen_rows(tmp_path):
    path = write(
        tmp_path,
        "asreview.csv",
        "record_id,title,doi,asreview_label,asreview_time,asreview_note,asreview_user_name\n"
        "0,First,10.1/a,1,2024-01-01,good one,Ama\n1,Second,10.1/b,0,2024-01-01,,Ama\n2,Third,10.1/c,,,,\n",
    )
    parsed = read_decision_file(path)
    assert parsed.format == "asreview-csv"
    assert [(r.record_id, r.doi, r.decision, r.note, r.reviewer, r.stage) for r in parsed.rows] == [
        (None, "10.1/a", "include", "good one", "Ama", "ta"),  # ASReview's record_id is not cartsle's
        (None, "10.1/b", "exclude", None, "Ama", "ta"),
    ]


def test_rayyan_csv_gives_one_row_per_reviewer_with_the_first_reason(tmp_path):
    notes = 'RAYYAN-INCLUSION: {""Kofi""=>""Included"", ""Ama""=>""Excluded""} | RAYYAN-EXCLUSION-REASONS: wrong population,background article'
    path = write(tmp_path, "rayyan.csv", f'key,title,doi,notes\n1,A trial,10.1/a,"{notes}"\n2,Other,,\n')
    parsed = read_decision_file(path)
    assert parsed.format == "rayyan-csv"
    assert [(r.reviewer, r.decision, r.reason, r.note, r.doi) for r in parsed.rows] == [
        ("Kofi", "include", None, None, "10.1/a"),
        (
            "Ama",
            "exclude",
            "wrong population",
            "Rayyan reasons: wrong population, background article",
            "10.1/a",
        ),
    ]


def test_rayyan_maybe_and_unknown_decision():
    [row] = _rayyan_rows(
        'RAYYAN-INCLUSION: {"Kofi"=>"Maybe"}', {"doi": None, "pmid": None, "title": "T"}, "record 1"
    )
    assert row.decision == "maybe"
    with pytest.raises(CartsleError, match="unknown Rayyan decision"):
        _rayyan_rows('RAYYAN-INCLUSION: {"Kofi"=>"Perhaps"}', {}, "record 1")


def test_asreview_ris_notes_are_read_from_any_field():
    relevant = Record(line=1, raw="", fields={"N1": ["ASReview_relevant"]}, title="A", doi="10.1/a")
    irrelevant = Record(line=9, raw="", fields={"notes": ["x", "ASReview_irrelevant"]}, title="B")
    unseen = Record(line=17, raw="", fields={"N1": ["ASReview_not_seen"]}, title="C")
    assert _asreview_ris_row(relevant, "record 1").decision == "include"
    assert _asreview_ris_row(irrelevant, "record 2").decision == "exclude"
    assert _asreview_ris_row(unseen, "record 3") is None


@pytest.mark.parametrize(
    "content, message",
    [
        ("a,b\n1,2\n", "not a decisions file"),
        ("title,asreview_label\nx,yes\n", "asreview_label must be 1, 0 or empty"),
        ("record_id,reviewer,stage,decision\nabc,K,ta,include\n", "record_id must be a number"),
    ],
)
def test_files_that_do_not_parse_are_refused_with_file_and_row(tmp_path, content, message):
    path = write(tmp_path, "bad.csv", content)
    with pytest.raises(CartsleError, match=message) as caught:
        read_decision_file(path)
    assert caught.value.file == str(path)
