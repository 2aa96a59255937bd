"""Studies and their reports: default labels, links from dedup and by hand."""

from __future__ import annotations

from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.screening.settings import set_reviewers_required
from cartsle_cli.screening.studies import included_studies, link_report
from cartsle_cli.store import transaction

from .conftest import add_records, make_record


def include(conn, *record_ids: int) -> None:
    with transaction(conn):
        set_reviewers_required(conn, 1)
        for record_id in record_ids:
            record_decision(conn, Decision(record_id, "ta", "A", "include"))
            record_decision(conn, Decision(record_id, "ft", "A", "include"))


def test_each_included_report_is_its_own_study_labelled_author_year(db, conn):
    ids = add_records(
        db,
        [
            make_record(1, authors=["Müller, Fabian"], year=2024),
            make_record(2, authors=["Müller, Fabian"], year=2024),
            make_record(3, authors=[], year=None),
        ],
    )
    include(conn, *ids)
    studies = included_studies(conn)
    # A clash gets "b"; the earlier label never changes. No author or year: record id and n.d.
    assert [(s.study_id, s.report_ids, s.first_author, s.year) for s in studies] == [
        ("Müller 2024", [ids[0]], "Müller", 2024),
        ("Müller 2024b", [ids[1]], "Müller", 2024),
        (f"Record {ids[2]} n.d.", [ids[2]], None, None),
    ]


def test_dedup_report_links_join_a_new_include_to_its_partners_study(db, conn):
    ids = add_records(
        db, [make_record(1, authors=["Mackensen, A"], year=2022), make_record(2, title="Abstract at ACR")]
    )
    with transaction(conn):
        conn.execute(
            "INSERT INTO report_links (record_id, other_record_id, reason) VALUES (?, ?, 'same trial')",
            (ids[0], ids[1]),
        )
    include(conn, ids[0], ids[1])
    [study] = included_studies(conn)
    assert (study.study_id, study.report_ids) == ("Mackensen 2022", ids)


def test_linking_by_hand_moves_a_report_and_drops_an_empty_study(db, conn):
    ids = add_records(db, [make_record(1), make_record(2)])
    include(conn, *ids)
    with transaction(conn):
        assert link_report(conn, ids[1], "Author1 2021") == "Author1 2021"
    [study] = included_studies(conn)
    assert study.report_ids == ids
    assert conn.execute("SELECT COUNT(*) FROM studies").fetchone()[0] == 1


def test_a_study_of_other_methods_only_says_so(db, conn):
    ids = add_records(db, [make_record(1)], database="Hand search", other_methods=True)
    include(conn, *ids)
    [study] = included_studies(conn)
    assert study.other_methods and study.source == "other methods"


def test_an_excluded_report_leaves_the_included_studies(db, conn):
    ids = add_records(db, [make_record(1)])
    include(conn, *ids)
    with transaction(conn):
        record_decision(conn, Decision(ids[0], "ft", "A", "exclude", "duplicate report"))
    assert included_studies(conn) == []


def test_a_report_merged_by_a_later_dedup_run_keeps_its_study(db, conn):
    ids = add_records(db, [make_record(1, authors=["Hartmann, J"], year=2022)])
    include(conn, *ids)
    later = add_records(db, [make_record(1, authors=["Hartmann, J"], year=2022)], database="Embase")
    with transaction(conn):  # dedup now keeps the Embase copy
        conn.executemany(
            "INSERT INTO record_clusters (record_id, cluster_id) VALUES (?, ?)",
            [(ids[0], later[0]), (later[0], later[0])],
        )
    [study] = included_studies(conn)
    assert (study.study_id, study.report_ids) == ("Hartmann 2022", later)
