"""The grey band for a person: pending pairs, bulk decisions from CSV, undo."""

from __future__ import annotations

import csv

import pytest

from cartsle_cli.dedup import run_dedup
from cartsle_cli.dedup.review import decide_from_csv, export_pairs, pending_pairs, undo
from cartsle_cli.errors import CartsleError
from cartsle_cli.store import transaction

TITLE = "Transcranial direct current stimulation for improving aphasia after stroke"


@pytest.fixture
def grey_pair(conn, add, rec):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE[:50], journal=None, volume=None, issue=None, pages=None)], "Web of Science")
    with transaction(conn):
        run_dedup(conn)
    return conn


def test_grey_band_pair_is_listed_with_its_differences(grey_pair):
    [pair] = pending_pairs(grey_pair)
    assert (pair.record_id, pair.other_record_id) == (1, 2)
    assert {"title", "journal", "pages", "database"} <= set(pair.differing())
    assert "authors" not in pair.differing()


def test_exported_pairs_decided_in_bulk_are_merged(grey_pair, tmp_path, clusters):
    path = tmp_path / "pairs.csv"
    assert export_pairs(grey_pair, path) == 1
    rows = list(csv.DictReader(path.open()))
    rows[0]["decision"] = "same"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    with transaction(grey_pair):
        result = decide_from_csv(grey_pair, path, reviewer="AB")
    assert (result.same, result.different, result.skipped) == (1, 0, 0)
    assert clusters() == [{1, 2}]
    assert pending_pairs(grey_pair) == []


def test_bad_decision_in_csv_names_the_row_and_stores_nothing(grey_pair, tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("record_id,other_record_id,decision\n1,2,maybe\n")
    with pytest.raises(CartsleError) as error, transaction(grey_pair):
        decide_from_csv(grey_pair, path, reviewer=None)
    assert "line 2" in str(error.value) and "decision" in str(error.value)
    assert grey_pair.execute("SELECT COUNT(*) FROM dedup_decisions").fetchone()[0] == 0


def test_undo_of_a_member_takes_it_out_and_later_runs_keep_it_out(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE)], "Embase")
    add([rec(TITLE)], "Scopus")
    with transaction(conn):
        run_dedup(conn)
    kept = conn.execute("SELECT DISTINCT cluster_id FROM record_clusters").fetchone()[0]
    member = next(i for i in (1, 2, 3) if i != kept)
    with transaction(conn):
        result = undo(conn, member, reviewer="AB")
    assert result.separated == [member]
    assert clusters() == [{1, 2, 3} - {member}]
    with transaction(conn):
        run_dedup(conn)
    assert clusters() == [{1, 2, 3} - {member}]


def test_undo_of_a_cluster_id_splits_the_whole_cluster(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE)], "Embase")
    with transaction(conn):
        run_dedup(conn)
    kept = conn.execute("SELECT DISTINCT cluster_id FROM record_clusters").fetchone()[0]
    with transaction(conn):
        undo(conn, kept, reviewer=None)
    assert clusters() == []


def test_undo_of_a_record_in_no_cluster_is_refused(conn, add, rec):
    add([rec(TITLE)], "PubMed")
    with transaction(conn):
        run_dedup(conn)
    with pytest.raises(CartsleError, match="not in a cluster"), transaction(conn):
        undo(conn, 1, reviewer=None)
