"""Incremental runs, removed searches, kept records and merged fields."""

from __future__ import annotations

import json

from cartsle_cli.dedup import merged_record, run_dedup
from cartsle_cli.dedup.decisions import record_decision
from cartsle_cli.dedup.run import rebuild_clusters
from cartsle_cli.store import transaction
from cartsle_cli.store.searches import remove_search

TITLE = "Mirror therapy for improving motor function after stroke"
OTHER = "Constraint-induced movement therapy in the first week after stroke"


def dedup(conn):
    with transaction(conn):
        return run_dedup(conn)


def test_cluster_keeps_the_most_complete_record_and_fills_in_the_rest(conn, add, rec):
    add([rec(TITLE, pages=None, doi="10.1002/14651858.cd008449")], "CENTRAL")
    add(
        [
            rec(
                TITLE,
                abstract="Background: mirror therapy ...",
                pmid="29356880",
                doi="10.1002/14651858.cd008449",
                issue=None,
            )
        ],
        "PubMed",
    )
    dedup(conn)
    rows = conn.execute("SELECT record_id, cluster_id FROM record_clusters ORDER BY record_id")
    assert [tuple(row) for row in rows] == [(1, 2), (2, 2)]
    merged = merged_record(conn, 2)
    assert merged.abstract.startswith("Background") and merged.pmid == "29356880"
    assert merged.issue == "3" and merged.filled_from == {"issue": 1}
    assert [(s.record_id, s.database) for s in merged.sources] == [(1, "CENTRAL"), (2, "PubMed")]
    assert [row["id"] for row in conn.execute("SELECT id FROM unique_records")] == [2]


def test_one_article_in_four_databases_and_twice_in_one_is_one_cluster(conn, add, rec, clusters):
    add([rec(TITLE), rec(TITLE)], "PubMed")
    for database in ("Embase", "Scopus", "CENTRAL"):
        add([rec(TITLE)], database)
    dedup(conn)
    assert clusters() == [{1, 2, 3, 4, 5}]


def test_second_run_compares_only_new_records_and_keeps_earlier_clusters(conn, add, rec, clusters):
    # OTHER is in another volume, so that no block holds it with TITLE's records.
    add([rec(TITLE), rec(OTHER, authors=("Lee, A",), volume="14", pages="200-210")], "PubMed")
    add([rec(TITLE)], "Embase")
    first = dedup(conn)
    assert clusters() == [{1, 3}] and first.new_records == 3
    add([rec(OTHER, authors=("Lee, A",), volume="14", pages="200-210")], "Scopus")
    second = dedup(conn)
    assert second.new_records == 1
    assert second.comparisons == 1  # record 4 against record 2 only; 1-3 was compared before
    assert clusters() == [{1, 3}, {2, 4}]


def test_rerun_without_new_records_compares_nothing_and_changes_nothing(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE)], "Embase")
    dedup(conn)
    again = dedup(conn)
    assert again.comparisons == 0 and clusters() == [{1, 2}]


def test_removed_search_leaves_its_clusters_and_is_never_the_kept_record(conn, add, rec, clusters):
    add([rec(TITLE, pages=None)], "PubMed")
    add([rec(TITLE, abstract="Full abstract", doi="10.1/x")], "Embase")
    add([rec(TITLE, issue=None)], "Scopus")
    dedup(conn)
    assert [row[0] for row in conn.execute("SELECT DISTINCT cluster_id FROM record_clusters")] == [2]
    with transaction(conn):
        remove_search(conn, 2)
    dedup(conn)
    assert clusters() == [{1, 3}]
    kept = conn.execute("SELECT DISTINCT cluster_id FROM record_clusters").fetchone()[0]
    assert kept in (1, 3)
    assert conn.execute("SELECT COUNT(*) FROM merged_records WHERE cluster_id = 2").fetchone()[0] == 0


def test_a_persons_different_wins_now_and_in_later_runs(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE)], "Embase")
    dedup(conn)
    with transaction(conn):
        record_decision(conn, 1, 2, "different", reviewer="AB", how="test")
        rebuild_clusters(conn)
    assert clusters() == []
    add([rec(TITLE)], "Scopus")
    dedup(conn)
    groups = clusters()
    assert len(groups) == 1 and groups[0] != {1, 2, 3} and 3 in groups[0]


def test_a_persons_same_merges_a_grey_band_pair_and_stays(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE[:45], journal=None, volume=None, issue=None, pages=None)], "Web of Science")
    dedup(conn)
    assert clusters() == []
    with transaction(conn):
        record_decision(conn, 1, 2, "same", reviewer="AB", how="test")
        rebuild_clusters(conn)
    assert clusters() == [{1, 2}]
    add([rec(OTHER, authors=("Lee, A",))], "Scopus")
    dedup(conn)
    assert clusters() == [{1, 2}]
    history = conn.execute("SELECT decision, reviewer FROM dedup_decisions").fetchall()
    assert [tuple(row) for row in history] == [("same", "AB")]


def test_merged_authors_are_stored_as_a_json_list(conn, add, rec):
    add([rec(TITLE, authors=())], "PubMed")
    add([rec(TITLE, authors=("Thieme, H", "Morkisch, N"), doi="10.1/y")], "Embase")
    dedup(conn)
    stored = conn.execute("SELECT authors FROM merged_records").fetchone()[0]
    assert json.loads(stored) == ["Thieme, H", "Morkisch, N"]


def test_progress_counts_one_thing_per_stage_against_its_own_total(conn, add, rec):
    add([rec(TITLE), rec(OTHER, authors=("Lee, A",), volume="14", pages="200-210")], "PubMed")
    add([rec(TITLE), rec(OTHER, authors=("Lee, A",), volume="14", pages="200-210")], "Embase")
    calls = []
    with transaction(conn):
        run = run_dedup(conn, progress=lambda stage, done, total: calls.append((stage, done, total)))
    totals: dict[str, set[int]] = {}
    for stage, _, total in calls:
        totals.setdefault(stage, set()).add(total)
    assert totals["normalising records"] == {4}
    assert totals["comparing candidate pairs"] == {run.comparisons}
    assert totals["merging clusters"] == {run.clusters}
    assert all(0 <= done <= total for _, done, total in calls)
    assert calls[-1] == ("merging clusters", 2, 2)


def test_the_kept_records_own_abstract_is_stored_once_and_every_reader_sees_it(conn, add, rec):
    # merged_records holds an abstract only when another member filled it: the kept record's own
    # is NULL there, and the screen, the model's texts, the export and `dedup show` read it from
    # the record.
    from cartsle_cli.dedup.export import unique_merged
    from cartsle_cli.screening.features_store import review_texts
    from cartsle_cli.screening.queue import load_records

    own = "Background: the kept record's own abstract."
    add([rec(TITLE, doi="10.1/a", abstract=own, pmid="1", language="eng")], "PubMed")
    add([rec(TITLE, doi="10.1/a", abstract="A shorter copy.")], "Embase")
    dedup(conn)
    assert [tuple(row) for row in conn.execute("SELECT cluster_id, abstract FROM merged_records")] == [
        (1, None)
    ]
    assert merged_record(conn, 1).abstract == own
    assert [record.abstract for record in unique_merged(conn)] == [own]
    assert review_texts(conn).texts == [f"{TITLE} {own}"]
    assert load_records(conn, [1])[1].abstract == own


def test_an_abstract_is_filled_from_another_member_and_an_empty_one_stays_as_it_was(conn, add, rec):
    # Abstracts are merged by reference (the text never leaves SQLite): the merged row must hold
    # the other record's text, not its id, and an empty abstract must keep its own value.
    kept = dict(pmid="1", accession="E1", language="eng", publication_type="Journal Article")
    add([rec(TITLE, doi="10.1/a", abstract="", **kept)], "Embase")
    add([rec(TITLE, doi="10.1/a", abstract="12345 is the whole abstract")], "PubMed")
    add([rec(OTHER, doi="10.1/b", abstract="", **kept)], "Embase")
    add([rec(OTHER, doi="10.1/b", abstract=None)], "Scopus")
    dedup(conn)
    rows = conn.execute(
        "SELECT cluster_id, abstract, typeof(abstract), filled_from FROM merged_records ORDER BY cluster_id"
    ).fetchall()
    assert [tuple(row) for row in rows] == [
        (1, "12345 is the whole abstract", "text", json.dumps({"abstract": 2})),
        (3, "", "text", "{}"),
    ]
