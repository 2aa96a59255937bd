"""Functions that say "the caller holds the transaction" refuse to run without one."""

from __future__ import annotations

import pytest

from cartsle_cli.dedup import run_dedup
from cartsle_cli.screening.settings import add_reason
from cartsle_cli.store import open_review, transaction


def test_a_write_that_needs_the_callers_transaction_refuses_to_run_without_it(tmp_path):
    conn = open_review(tmp_path / "review.db")
    try:
        for write in (lambda: run_dedup(conn), lambda: add_reason(conn, "wrong comparator")):
            with pytest.raises(RuntimeError, match="inside `with transaction"):
                write()
        assert conn.execute("SELECT COUNT(*) FROM dedup_runs").fetchone()[0] == 0
        with transaction(conn):
            add_reason(conn, "wrong comparator")
        assert (
            conn.execute(
                "SELECT COUNT(*) FROM screening_reasons WHERE label = 'wrong comparator'"
            ).fetchone()[0]
            == 1
        )
    finally:
        conn.close()
