"""When votes decide a record, when they conflict, and how resolutions and undo change that."""

from __future__ import annotations

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.decisions import Decision, history, record_decision, undo_last
from cartsle_cli.screening.outcomes import CONFLICT, FINAL, PENDING, stage_outcomes
from cartsle_cli.screening.settings import add_reason, set_reviewers_required
from cartsle_cli.store import transaction

from .conftest import add_records, cluster, make_record


def decide(conn, *decisions: Decision) -> None:
    with transaction(conn):
        for decision in decisions:
            record_decision(conn, decision)


@pytest.fixture
def ids(db):
    return add_records(db, [make_record(i) for i in range(3)])


def test_one_vote_of_two_required_leaves_the_record_pending(conn, ids):
    decide(conn, Decision(ids[0], "ta", "A", "include"))
    assert stage_outcomes(conn, "ta")[ids[0]].status == PENDING


def test_include_and_maybe_agree_at_title_abstract(conn, ids):
    decide(conn, Decision(ids[0], "ta", "A", "include"), Decision(ids[0], "ta", "B", "maybe"))
    outcome = stage_outcomes(conn, "ta")[ids[0]]
    assert (outcome.status, outcome.decision) == (FINAL, "include")
    assert list(stage_outcomes(conn, "ft")) == [ids[0]]


def test_maybe_at_full_text_decides_nothing(conn, ids):
    decide(
        conn,
        *(Decision(ids[0], "ta", r, "include") for r in "AB"),
        *(Decision(ids[0], "ft", r, "maybe") for r in "AB"),
    )
    assert stage_outcomes(conn, "ft")[ids[0]].status == CONFLICT


def test_exclusions_with_different_reasons_conflict_until_resolved(conn, ids):
    decide(
        conn,
        *(Decision(ids[0], "ta", r, "include") for r in "AB"),
        Decision(ids[0], "ft", "A", "exclude", "wrong population"),
        Decision(ids[0], "ft", "B", "exclude", "wrong outcomes"),
    )
    assert stage_outcomes(conn, "ft")[ids[0]].status == CONFLICT
    decide(conn, Decision(ids[0], "ft", "Lead", "exclude", "wrong outcomes", resolution=True))
    outcome = stage_outcomes(conn, "ft")[ids[0]]
    assert (outcome.status, outcome.decision, outcome.reason, outcome.resolution.reviewer) == (
        FINAL,
        "exclude",
        "wrong outcomes",
        "Lead",
    )


def test_one_reviewer_suffices_when_the_review_says_so(conn, ids):
    with transaction(conn):
        set_reviewers_required(conn, 1)
    decide(conn, Decision(ids[0], "ta", "A", "exclude"))
    assert stage_outcomes(conn, "ta")[ids[0]].decision == "exclude"


def test_undo_takes_back_the_latest_vote_and_keeps_it_in_history(conn, ids):
    decide(conn, Decision(ids[0], "ta", "A", "include"), Decision(ids[0], "ta", "A", "exclude"))
    with transaction(conn):
        undone = undo_last(conn, "A")
    assert undone.decision == "exclude"
    assert stage_outcomes(conn, "ta")[ids[0]].votes["A"].decision == "include"
    assert [(e.decision, e.undone_at is None) for e in history(conn, record_id=ids[0])] == [
        ("include", True),
        ("exclude", False),
    ]


def test_undoing_a_title_abstract_include_takes_the_record_out_of_full_text(conn, ids):
    with transaction(conn):
        set_reviewers_required(conn, 1)
    decide(conn, Decision(ids[0], "ta", "A", "include"))
    assert ids[0] in stage_outcomes(conn, "ft")
    with transaction(conn):
        undo_last(conn, "A")
    assert ids[0] not in stage_outcomes(conn, "ft")


def test_decisions_on_a_duplicate_belong_to_its_cluster(db, conn, ids):
    cluster(db, ids[0], ids[1])
    decide(conn, Decision(ids[1], "ta", "A", "include"), Decision(ids[0], "ta", "B", "include"))
    outcomes = stage_outcomes(conn, "ta")
    assert ids[1] not in outcomes
    assert outcomes[ids[0]].status == FINAL


def test_reasons_match_ignoring_case_and_added_reasons_count(conn, ids):
    with transaction(conn):
        set_reviewers_required(conn, 1)
        add_reason(conn, "wrong comparator")
    decide(
        conn,
        Decision(ids[0], "ta", "A", "include"),
        Decision(ids[0], "ft", "A", "exclude", "WRONG  Comparator"),
    )
    assert stage_outcomes(conn, "ft")[ids[0]].reason == "wrong comparator"
    with pytest.raises(CartsleError, match="already on the list"), transaction(conn):
        add_reason(conn, "Wrong comparator")


def test_a_failed_decision_writes_nothing(conn, ids):
    with pytest.raises(CartsleError):
        decide(conn, Decision(ids[0], "ta", "A", "include"), Decision(ids[0], "ft", "A", "include"))
    assert history(conn) == []
