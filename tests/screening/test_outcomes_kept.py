"""The stage outcomes are computed once per state of the review, and never outlive a write."""

from __future__ import annotations

import gc

import pytest

from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.screening.outcomes import CONFLICT, FINAL, PENDING, stage_outcomes, until_changed
from cartsle_cli.store import open_review, transaction
from tests.screening.conftest import add_records, make_record


def test_outcomes_follow_a_write_on_the_same_connection_and_on_another(db):
    (record,) = add_records(db, [make_record(1)])
    reader, writer = open_review(db), open_review(db)
    try:
        assert stage_outcomes(reader, "ta")[record].status == PENDING
        assert stage_outcomes(reader, "ta") is not stage_outcomes(reader, "ta")  # callers get their own dict
        with transaction(reader):
            record_decision(reader, Decision(record, "ta", "ana", "include"))
        assert stage_outcomes(reader, "ta")[record].status == PENDING  # one of two votes
        with transaction(writer):
            record_decision(writer, Decision(record, "ta", "ben", "exclude"))
        assert stage_outcomes(reader, "ta")[record].status == CONFLICT  # another connection's write
        with transaction(writer):
            record_decision(writer, Decision(record, "ta", "ben", "include"))
        outcome = stage_outcomes(reader, "ta")[record]
        assert (outcome.status, outcome.decision) == (FINAL, "include")
        assert record in stage_outcomes(reader, "ft")
    finally:
        reader.close()
        writer.close()


def test_the_same_state_is_computed_once(db, monkeypatch):
    (record,) = add_records(db, [make_record(1)])
    from cartsle_cli.screening import outcomes

    calls = []
    real = outcomes._all_current_votes
    monkeypatch.setattr(outcomes, "_all_current_votes", lambda conn: calls.append(1) or real(conn))
    conn = open_review(db)
    try:
        with transaction(conn):
            conn.execute("UPDATE records SET title = title")  # a write: whatever was kept is stale
        for _ in range(3):
            stage_outcomes(conn, "ta"), stage_outcomes(conn, "ft")
        assert len(calls) == 1
    finally:
        conn.close()


def test_the_cycle_collector_is_paused_only_while_a_value_is_computed(db):
    conn = open_review(db)
    try:
        seen: list[bool] = []
        until_changed(conn, "probe", lambda: seen.append(gc.isenabled()))
        assert seen == [False] and gc.isenabled()
        with pytest.raises(ZeroDivisionError):
            until_changed(conn, "fails", lambda: 1 / 0)
        assert gc.isenabled()  # running again after an error
        gc.disable()
        try:
            until_changed(conn, "another", lambda: None)
            assert not gc.isenabled()  # a caller who had it off finds it off
        finally:
            gc.enable()
    finally:
        conn.close()
