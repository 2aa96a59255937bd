"""The current votes the outcomes are computed from (read in one scan of the decisions) are the
rows of the view ``screening_current``, the rule's definition in SQL: same rows, same order."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartsle_cli.screening import outcomes
from cartsle_cli.store import open_review, transaction

RECORDS = 6
TIMES = ("2025-03-01T09:00:00+00:00", "2025-03-01T10:00:00+00:00", "2025-03-02T09:00:00+00:00")

vote = st.tuples(
    st.integers(1, RECORDS),  # record
    st.sampled_from(["ta", "ft"]),
    st.sampled_from(["ana", "ben", "cleo"]),
    st.sampled_from(["include", "exclude", "maybe"]),
    st.integers(0, 1),  # resolution
    st.sampled_from(TIMES),  # few times: ties between votes are common
    st.booleans(),  # undone
)


def _review(path, votes, clusters, anchors):
    conn = open_review(path, create=True)
    with transaction(conn):
        conn.execute(
            "INSERT INTO searches (id, database, format, file_name, sha256, imported_at, record_count)"
            " VALUES (1, 'PubMed', 'ris', 'a.ris', 'x', ?, ?)",
            (TIMES[0], RECORDS),
        )
        conn.executemany(
            "INSERT INTO records (id, search_id, position, line, title, year, raw) VALUES (?, 1, ?, ?, 't', 2020, '')",
            ((n, n, n) for n in range(1, RECORDS + 1)),
        )
        conn.executemany("INSERT INTO record_clusters (record_id, cluster_id) VALUES (?, ?)", clusters)
        conn.executemany("INSERT INTO removed_record_units (record_id, anchor_id) VALUES (?, ?)", anchors)
        conn.executemany(
            "INSERT INTO screening_decisions (record_id, stage, reviewer, decision, reason, note, resolution,"
            " source, decided_at, undone_at) VALUES (?, ?, ?, ?, ?, NULL, ?, 'test', ?, ?)",
            [
                (
                    record,
                    stage,
                    reviewer,
                    decision,
                    "r" if decision == "exclude" else None,
                    resolution,
                    at,
                    TIMES[2] if undone else None,
                )
                for record, stage, reviewer, decision, resolution, at, undone in votes
            ],  # fmt: skip
        )
    return conn


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    votes=st.lists(vote, max_size=25),
    merged=st.lists(st.integers(2, RECORDS), unique=True, max_size=3),
    anchored=st.lists(st.integers(2, RECORDS), unique=True, max_size=2),
)
def test_the_scan_keeps_the_rows_the_view_keeps(tmp_path_factory, votes, merged, anchored):
    clusters = [(1, 1)] + [(record, 1) for record in merged]  # records merged into record 1's cluster
    anchors = [(record, 1) for record in anchored if record not in merged]
    conn = _review(tmp_path_factory.mktemp("r") / "review.db", votes, clusters, anchors)
    view = [
        (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], bool(row[9]))
        for row in conn.execute(
            "SELECT id, unit_id, record_id, stage, reviewer, decision, reason, note, decided_at, resolution"
            " FROM screening_current ORDER BY id"
        )
    ]
    scanned = sorted(
        (tuple(vote) for votes in outcomes._all_current_votes(conn).values() for vote in votes),
        key=lambda vote: vote[0],
    )
    for (stage, resolution), votes_there in outcomes._all_current_votes(conn).items():
        assert [v.id for v in votes_there] == sorted(v.id for v in votes_there)  # id order kept
        assert all(v.stage == stage and v.resolution == resolution for v in votes_there)
    assert scanned == view
    conn.close()
