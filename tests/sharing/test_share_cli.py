"""`cartsle share` and `cartsle merge` through the command line."""

from __future__ import annotations

import json
import sqlite3

from typer.testing import CliRunner

from cartsle_cli.cli.main import app
from tests.screening.conftest import add_records, make_record


def cartsle(*args: str):
    return CliRunner().invoke(app, list(args))


def test_share_then_merge_brings_a_vote_back_once(tmp_path):
    main, copy = tmp_path / "main.db", tmp_path / "copy.db"
    add_records(main, [make_record(n) for n in range(1, 4)])
    assert cartsle("share", "--reviewer", "kofi", "--out", str(copy), "--db", str(main)).exit_code == 0
    result = cartsle("screen", "decide", "2", "include", "--reviewer", "kofi", "--db", str(copy))
    assert result.exit_code == 0, result.output
    dry = cartsle("merge", str(copy), "--dry-run", "--json", "--db", str(main))
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["added"]["screening votes and resolutions"] == 1
    assert sqlite3.connect(main).execute("SELECT count(*) FROM screening_decisions").fetchone()[0] == 0
    first = cartsle("merge", str(copy), "--json", "--db", str(main))
    again = cartsle("merge", str(copy), "--json", "--db", str(main))
    assert json.loads(first.stdout)["added"]["screening votes and resolutions"] == 1
    assert sum(json.loads(again.stdout)["added"].values()) == 0
    rows = (
        sqlite3.connect(main)
        .execute("SELECT record_id, reviewer, decision FROM screening_decisions")
        .fetchall()
    )
    assert rows == [(2, "kofi", "include")]


def test_merging_a_file_that_is_not_a_review_is_one_line_and_exit_1(tmp_path):
    main, junk = tmp_path / "main.db", tmp_path / "junk.db"
    add_records(main, [make_record(1)])
    junk.write_bytes(b"not sqlite at all" * 200)
    result = cartsle("merge", str(junk), "--db", str(main))
    assert result.exit_code == 1
    assert "not a cartsle review" in result.output and len(result.output.strip().splitlines()) == 1
