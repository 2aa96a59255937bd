"""The grey band for a person: pending pairs, bulk decisions from CSV, undo."""

from __future__ import annotations

import csv

import pytest

from cartsle_cli.dedup import run_dedup
from cartsle_cli.dedup.decisions import record_decision
from cartsle_cli.dedup.review import (
    Implied,
    decide_from_csv,
    differing_words,
    export_pairs,
    pending_pairs,
    undo,
)
from cartsle_cli.dedup.run import rebuild_clusters
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
    assert (result.same, result.different, result.skipped, result.unchanged) == (1, 0, 0, 0)
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


def test_differing_words_are_marked_not_whole_fields():
    marks, other = differing_words(
        "Early mobilisation after acute stroke", "early MOBILISATION after stroke trial"
    )
    assert marks == {3} and other == {4}  # "acute" and "trial"; case does not count


def test_pair_whose_answer_follows_from_decisions_in_the_cluster_is_not_asked(conn, add, rec):
    add([rec(TITLE), rec(TITLE[:50], journal=None, volume=None, issue=None, pages=None)], "PubMed")
    add([rec(TITLE[:48], journal=None, volume=None, issue=None, pages=None, year=2021)], "Embase")
    with transaction(conn):
        run_dedup(conn)
    assert {(p.record_id, p.other_record_id) for p in pending_pairs(conn)} == {(1, 2), (1, 3), (2, 3)}
    with transaction(conn):
        record_decision(conn, 1, 2, "same", reviewer="AB", how="review")
        record_decision(conn, 1, 3, "different", reviewer="AB", how="review")
        rebuild_clusters(conn)
    # 2 is in 1's cluster and 1 is not 3: the answer on 2 and 3 follows
    assert pending_pairs(conn) == []
    implied = Implied(conn)
    assert implied.follows(1, 2) == "same" and implied.follows(2, 3) == "different"
