"""The counting path (stage_results, unit_votes) against reviews worked out by hand, and against
the rule applied to the view ``screening_current`` on random reviews.

The hand-worked review: search 1 (records 1-8), search 2 (record 9, a duplicate of 1, and record
10), and search 3 removed (record 11, anchored to record 2's cluster). Two reviewers required.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartsle_cli.dedup.summary import source_duplicates
from cartsle_cli.review.status import source_status
from cartsle_cli.screening.agreement import agreement
from cartsle_cli.screening.outcomes import (
    CONFLICT,
    FINAL,
    PENDING,
    Result,
    stage_outcomes,
    stage_results,
    unit_votes,
)
from cartsle_cli.screening.prisma import prisma_counts
from cartsle_cli.store import open_review, transaction

T1, T2, T3 = "2025-03-01T09:00:00+00:00", "2025-03-02T09:00:00+00:00", "2025-03-03T09:00:00+00:00"

# (record, stage, reviewer, decision, reason, resolution, decided_at, undone), inserted in this order
VOTES = [
    (1, "ta", "ana", "include", None, 0, T1, False),
    (1, "ta", "ben", "maybe", None, 0, T1, False),
    (9, "ta", "ben", "include", None, 0, T2, False),  # on the duplicate, later: ben's vote on 1
    (1, "ft", "ana", "exclude", "wrong population", 0, T1, False),
    (1, "ft", "ben", "exclude", "wrong outcomes", 0, T1, False),  # reasons differ: a conflict
    (2, "ta", "ana", "exclude", "off topic", 0, T1, False),
    (2, "ta", "ben", "include", None, 0, T1, False),
    (11, "ta", "ben", "exclude", "animal", 0, T2, False),  # removed record anchored to 2: ben excludes
    (3, "ta", "ana", "exclude", None, 0, T2, False),
    (3, "ta", "ana", "include", None, 0, T1, False),  # written later, given earlier: loses
    (3, "ta", "ben", "exclude", "animal", 0, T1, False),
    (4, "ta", "ana", "include", None, 0, T1, False),
    (4, "ta", "ben", "include", None, 0, T1, False),
    (4, "ft", "ana", "include", None, 0, T1, False),
    (4, "ft", "ben", "maybe", None, 0, T1, False),
    (4, "ft", "lead", "include", None, 1, T2, False),  # the resolution
    (4, "ft", "lead", "exclude", "other", 1, T3, True),  # a later resolution, undone
    (5, "ta", "ana", "include", None, 0, T1, False),
    (5, "ta", "ben", "include", None, 0, T1, False),
    (5, "ta", "ana", "exclude", None, 0, T1, False),  # same time, later row: ana now excludes
    (6, "ta", "ana", "include", None, 0, T1, False),
    (6, "ft", "ana", "include", None, 0, T1, False),  # record 6 has not reached full text
    (7, "ta", "ana", "exclude", None, 0, T1, True),  # undone
    (7, "ta", "ben", "exclude", None, 0, T1, False),
    (10, "ta", "ana", "include", None, 0, T1, False),
    (10, "ta", "ben", "include", None, 0, T1, False),
    (10, "ft", "ana", "exclude", "wrong population", 0, T1, False),
    (10, "ft", "ben", "exclude", "wrong population", 0, T1, False),
]

EXPECTED_TA = {
    1: Result(FINAL, "include", None),
    2: Result(FINAL, "exclude", "off topic"),  # ana's vote is the first: its reason
    3: Result(FINAL, "exclude", None),  # ana's T2 vote (no reason) comes first by row id
    4: Result(FINAL, "include", None),
    5: Result(CONFLICT, None, None),
    6: Result(PENDING, None, None),
    7: Result(PENDING, None, None),
    8: Result(PENDING, None, None),
    10: Result(FINAL, "include", None),
}
EXPECTED_FT = {
    1: Result(CONFLICT, None, None),
    4: Result(FINAL, "include", None),
    10: Result(FINAL, "exclude", "wrong population"),
}


def _searches(conn, searches, records):
    conn.executemany(
        "INSERT INTO searches (id, database, other_methods, format, file_name, sha256, imported_at,"
        " record_count, removed_at) VALUES (?, ?, ?, 'ris', ?, ?, ?, ?, ?)",
        [
            (sid, name, other, f"{sid}.ris", f"sha{sid}", T1, count, removed)
            for sid, name, other, count, removed in searches
        ],
    )
    conn.executemany(
        "INSERT INTO records (id, search_id, position, line, title, year, raw) VALUES (?, ?, ?, ?, 't', 2020, '')",
        [(record, search, record, record) for record, search in records],
    )


def _votes(conn, votes):
    conn.executemany(
        "INSERT INTO screening_decisions (record_id, stage, reviewer, decision, reason, note, resolution,"
        " source, decided_at, undone_at) VALUES (?, ?, ?, ?, ?, NULL, ?, 'test', ?, ?)",
        [(*vote[:7], T3 if vote[7] else None) for vote in votes],
    )


@pytest.fixture
def worked(tmp_path):
    conn = open_review(tmp_path / "review.db", create=True)
    with transaction(conn):
        _searches(
            conn,
            [(1, "PubMed", 0, 8, None), (2, "Embase", 0, 2, None), (3, "Scopus", 0, 1, T2)],
            [(n, 1) for n in range(1, 9)] + [(9, 2), (10, 2), (11, 3)],
        )
        conn.executemany(
            "INSERT INTO record_clusters (record_id, cluster_id) VALUES (?, ?)", [(1, 1), (9, 1)]
        )
        conn.execute("INSERT INTO removed_record_units (record_id, anchor_id) VALUES (11, 2)")
        _votes(conn, VOTES)
    yield conn
    conn.close()


def test_results_are_the_hand_worked_ones(worked):
    assert stage_results(worked, "ta") == EXPECTED_TA
    assert list(stage_results(worked, "ta")) == sorted(EXPECTED_TA)  # in unit id order
    assert stage_results(worked, "ft") == EXPECTED_FT


def test_outcomes_carry_the_same_results_and_their_votes(worked):
    for stage, expected in (("ta", EXPECTED_TA), ("ft", EXPECTED_FT)):
        outcomes = stage_outcomes(worked, stage)
        assert {unit: (o.status, o.decision, o.reason) for unit, o in outcomes.items()} == expected
    unit_one = stage_outcomes(worked, "ta")[1]
    assert {r: (v.record_id, v.decision) for r, v in unit_one.votes.items()} == {
        "ana": (1, "include"),
        "ben": (9, "include"),
    }
    assert stage_outcomes(worked, "ft")[4].resolution.decision == "include"


def test_unit_votes_hold_the_current_votes_by_reviewer_and_the_resolution(worked):
    votes, resolution = unit_votes(worked, "ft")[4]
    assert {reviewer: row[5] for reviewer, row in votes.items()} == {"ana": "include", "ben": "maybe"}
    assert resolution[4:6] == ("lead", "include")
    assert list(unit_votes(worked, "ta")[3][0]) == ["ana", "ben"]  # ana's current row has the lower id


def test_agreement_counts_the_current_votes_of_records_at_the_stage(worked):
    ta, ft = agreement(worked, "ta")[0], agreement(worked, "ft")[0]
    # hand count: units 1, 4, 10 include/include; 2, 3 exclude/exclude; 5 ana exclude, ben include
    assert ta.counts == {"exclude/exclude": 2, "exclude/include": 1, "include/include": 3}
    # p_o = 5/6, p_e = 3/6 * 4/6 + 3/6 * 2/6 = 1/2, kappa = (5/6 - 1/2) / (1/2) = 2/3
    assert ta.kappa.kappa == pytest.approx(2 / 3)
    # units 1 and 10 exclude/exclude, 4 include/maybe (record 6's vote has not reached full text)
    assert ft.counts == {"exclude/exclude": 2, "include/maybe": 1}
    # p_o = 2/3, p_e = 2/3 * 2/3 = 4/9, kappa = (2/3 - 4/9) / (5/9) = 0.4
    assert ft.kappa.kappa == pytest.approx(0.4)


def test_status_counts_each_kept_record_once_where_it_stands(worked):
    rows = [
        (s.search_id, s.records, s.duplicates, s.unique, s.excluded_title_abstract)
        + (s.excluded_full_text, s.included, s.awaiting)
        for s in source_status(worked)
    ]
    # search 1: 2, 3 excluded at ta; 4 included; 1 (ft conflict), 5, 6, 7, 8 awaiting
    # search 2: 9 a duplicate, 10 excluded at full text; search 3 removed
    assert rows == [(1, 8, 0, 8, 2, 0, 1, 5), (2, 2, 1, 1, 0, 1, 0, 0)]


def test_prisma_boxes_of_the_hand_worked_review(worked):
    column = prisma_counts(worked).databases
    assert (column.identified_total, column.duplicates_removed) == (10, 1)
    assert (column.screened, column.awaiting_screening, column.screened_excluded) == (5, 4, 2)
    assert (column.sought, column.awaiting_assessment, column.reports_included) == (3, 1, 1)
    assert column.excluded_reasons == [("wrong population", 1)]
    assert all(value == 0 for value in column.unaccounted().values())


# Random reviews: the rule applied, as written here, to the rows of the view screening_current.


def _reference(conn, stage, units, required):
    """The rule from the module docstring of outcomes, on the view's rows."""
    votes: dict[int, list] = {}
    resolutions: dict[int, tuple] = {}
    for unit, decision, reason, resolution in conn.execute(
        "SELECT unit_id, decision, reason, resolution FROM screening_current WHERE stage = ? ORDER BY id",
        (stage,),
    ):
        if resolution:
            resolutions[unit] = (decision, reason)
        else:
            votes.setdefault(unit, []).append((decision, reason))
    found = {}
    for unit in units:
        counted = [("include" if stage == "ta" and d == "maybe" else d, r) for d, r in votes.get(unit, [])]
        if unit in resolutions:
            decision, reason = resolutions[unit]
            found[unit] = (FINAL, "include" if stage == "ta" and decision == "maybe" else decision, reason)
        elif len(counted) < required:
            found[unit] = (PENDING, None, None)
        elif len({d for d, _ in counted}) > 1 or counted[0][0] == "maybe":
            found[unit] = (CONFLICT, None, None)
        elif counted[0][0] == "exclude" and stage == "ft" and len({r for _, r in counted}) > 1:
            found[unit] = (CONFLICT, None, None)
        else:
            decision = counted[0][0]
            found[unit] = (FINAL, decision, counted[0][1] if decision == "exclude" else None)
    return found


RECORDS = 6
vote = st.tuples(
    st.integers(1, RECORDS),
    st.sampled_from(["ta", "ft"]),
    st.sampled_from(["ana", "ben", "cleo"]),
    st.sampled_from(["include", "exclude", "maybe"]),
    st.sampled_from([None, "a", "b"]),
    st.integers(0, 1),
    st.sampled_from([T1, T2, T3]),
    st.booleans(),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    votes=st.lists(vote, max_size=30),
    merged=st.lists(st.integers(2, RECORDS), unique=True, max_size=2),
    removed=st.booleans(),
    required=st.integers(1, 3),
)
def test_results_follow_the_rule_on_the_view(tmp_path_factory, votes, merged, removed, required):
    conn = open_review(tmp_path_factory.mktemp("r") / "review.db", create=True)
    with transaction(conn):
        # record 6 is in search 2, removed or not, and anchored to record 1 when removed
        _searches(
            conn,
            [(1, "PubMed", 0, RECORDS - 1, None), (2, "Embase", 1, 1, T2 if removed else None)],
            [(n, 1) for n in range(1, RECORDS)] + [(RECORDS, 2)],
        )
        clusters = [(1, 1)] + [(record, 1) for record in merged if record != RECORDS or not removed]
        conn.executemany("INSERT INTO record_clusters (record_id, cluster_id) VALUES (?, ?)", clusters)
        if removed:
            conn.execute("INSERT INTO removed_record_units (record_id, anchor_id) VALUES (?, 1)", (RECORDS,))
        conn.execute(
            "INSERT INTO screening_settings (name, value) VALUES ('reviewers_required', ?)", (str(required),)
        )
        _votes(conn, votes)
    ta_units = [row[0] for row in conn.execute("SELECT id FROM unique_records ORDER BY id")]
    ta = _reference(conn, "ta", ta_units, required)
    ft = _reference(conn, "ft", [u for u, r in ta.items() if r[:2] == (FINAL, "include")], required)
    assert {unit: tuple(r) for unit, r in stage_results(conn, "ta").items()} == ta
    assert {unit: tuple(r) for unit, r in stage_results(conn, "ft").items()} == ft
    for stage in ("ta", "ft"):
        outcomes = stage_outcomes(conn, stage)
        assert {u: (o.status, o.decision, o.reason) for u, o in outcomes.items()} == (
            ta if stage == "ta" else ft
        )
    # the status table and the dedup summary count a source's duplicates alike
    assert [(s.search_id, s.records, s.duplicates, s.unique) for s in source_status(conn)] == [
        (s.search_id, s.records, s.duplicates, s.unique) for s in source_duplicates(conn)
    ]
    conn.close()
