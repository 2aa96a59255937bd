"""PRISMA 2020 counts: every record in exactly one box, whatever the decisions."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartsle_cli.screening.decisions import Decision, DecisionChecker, record_decision, store_decisions
from cartsle_cli.screening.prisma import prisma_counts
from cartsle_cli.screening.studies import ensure_studies
from cartsle_cli.store import open_review, transaction

from .conftest import add_records, cluster, make_record


def test_a_cluster_spanning_both_columns_counts_once_in_databases(db, conn):
    pubmed = add_records(db, [make_record(i) for i in range(3)])
    embase = add_records(db, [make_record(i) for i in range(2)], database="Embase")
    other = add_records(db, [make_record(i) for i in range(2)], database="Hand search", other_methods=True)
    cluster(db, pubmed[0], embase[0], other[0])  # found in all three
    cluster(db, other[1], pubmed[1])  # kept record from other methods, but PubMed found it too
    counts = prisma_counts(conn)
    # Databases: 5 records; clusters {P0,E0,O0}, {O1,P1}, P2, E1 -> 4 units, 1 duplicate (E0);
    # nobody has decided anything, so all 4 await screening and none is screened yet.
    assert counts.databases.identified == [("PubMed", 3), ("Embase", 2)]
    assert (counts.databases.duplicates_removed, counts.databases.awaiting_screening) == (1, 4)
    assert counts.databases.screened == 0
    # Other methods: both records are in clusters with a database record -> both duplicates.
    assert (counts.other_methods.duplicates_removed, counts.other_methods.awaiting_screening) == (2, 0)
    assert (
        counts.databases.unaccounted()
        == counts.other_methods.unaccounted()
        == {"identified": 0, "screened": 0, "sought": 0, "assessed": 0}
    )


def test_removed_searches_are_not_counted(db, conn):
    add_records(db, [make_record(i) for i in range(3)])
    add_records(db, [make_record(i) for i in range(2)], database="Embase")
    with transaction(conn):
        conn.execute("UPDATE searches SET removed_at = 'now' WHERE database = 'Embase'")
    assert prisma_counts(conn).databases.identified == [("PubMed", 3)]


VOTES = st.lists(
    st.tuples(
        st.sampled_from(["include", "exclude", "maybe"]),
        st.sampled_from(["include", "exclude", "maybe"]),
        st.sampled_from(["include", "exclude", "maybe", None]),
        st.sampled_from(["wrong population", "full text not retrievable", "duplicate report"]),
    ),
    min_size=12,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(votes=VOTES, seed=st.integers(0, 1000))
def test_every_record_is_in_exactly_one_box(tmp_path_factory, votes, seed):
    db = tmp_path_factory.mktemp("prisma") / "review.db"
    databases = add_records(db, [make_record(i) for i in range(9)])
    others = add_records(db, [make_record(i) for i in range(3)], database="Registry", other_methods=True)
    cluster(db, databases[0], others[0])
    rng = random.Random(seed)
    conn = open_review(db)
    try:
        checker = DecisionChecker(conn)
        units = sorted(set(checker.unit_of.values()))
        with transaction(conn):
            for unit, (a, b, _, _) in zip(units, votes):
                store_decisions(
                    conn,
                    [
                        checker.check(Decision(unit, "ta", "A", a)),
                        checker.check(Decision(unit, "ta", "B", b)),
                    ],
                    source="test",
                )
            checker.refresh_stages()
            for unit, (_, _, ft, reason) in zip(units, votes):
                if unit in checker.reached_ft and ft is not None:
                    for reviewer in ("A", "B") if rng.random() < 0.7 else ("A",):
                        store_decisions(
                            conn, [checker.check(Decision(unit, "ft", reviewer, ft, reason))], source="test"
                        )
            ensure_studies(conn)
        counts = prisma_counts(conn)
    finally:
        conn.close()
    for column in (counts.databases, counts.other_methods):
        assert set(column.unaccounted().values()) == {0}
    assert counts.databases.identified_total + counts.other_methods.identified_total == 12
    assert (
        counts.reports_included == counts.databases.reports_included + counts.other_methods.reports_included
    )
    assert (
        counts.studies_included == counts.databases.studies_included + counts.other_methods.studies_included
    )


def test_to_dict_names_every_box(db, conn):
    ids = add_records(db, [make_record(i) for i in range(2)])
    with transaction(conn):
        for stage, decision, reason in (
            ("ta", "include", None),
            ("ft", "exclude", "full text not retrievable"),
        ):
            for reviewer in ("A", "B"):
                record_decision(conn, Decision(ids[0], stage, reviewer, decision, reason))
    result = prisma_counts(conn).to_dict()
    assert result["databases"]["not_retrieved"] == 1 and result["databases"]["assessed"] == 0
    assert result["databases"]["awaiting_screening"] == 1
    assert set(result) == {
        "databases",
        "other_methods",
        "studies_included",
        "reports_included",
        "previous",
        "method",
    }


def test_records_screened_counts_only_final_title_abstract_decisions(db, conn):
    """PRISMA's "Records screened" box: a record with one vote of two, or a conflict, is not screened."""
    ids = add_records(db, [make_record(i) for i in range(5)])
    with transaction(conn):
        for record, votes in zip(
            ids, [("include", "include"), ("exclude", "exclude"), ("include", "exclude"), ("exclude",)]
        ):
            for reviewer, vote in zip("AB", votes):
                record_decision(conn, Decision(record, "ta", reviewer, vote))
    column = prisma_counts(conn).databases
    # Hand count: ids[0] included, ids[1] excluded -> 2 screened; ids[2] conflict, ids[3] one vote,
    # ids[4] no vote -> 3 awaiting screening.
    assert (column.screened, column.screened_excluded, column.sought) == (2, 1, 1)
    assert column.awaiting_screening == 3 and column.duplicates_removed == 0
    assert set(column.unaccounted().values()) == {0}


def test_a_report_marked_not_retrieved_is_counted_not_retrieved_until_decided(db, conn):
    from cartsle_cli.screening.fulltext import set_fulltext

    ids = add_records(db, [make_record(i) for i in range(2)])
    with transaction(conn):
        for record in ids:
            for reviewer in "AB":
                record_decision(conn, Decision(record, "ta", reviewer, "include"))
        set_fulltext(conn, ids[0], not_retrieved=True, reviewer="A")
    column = prisma_counts(conn).databases
    assert (column.sought, column.not_retrieved, column.assessed, column.awaiting_assessment) == (2, 1, 1, 1)
    assert set(column.unaccounted().values()) == {0}
