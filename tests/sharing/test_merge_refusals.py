"""Copies `cartsle merge` refuses with one line, nothing written: protocol versions the review does
not have (or has with other text), and work recorded under another reviewer's name (issue 19)."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartsle_cli.cli.main import app
from cartsle_cli.protocol.store import load_protocol
from cartsle_cli.store import open_review
from tests.screening.conftest import add_records, make_record
from tests.sharing.test_merge_kinds import load_extraction
from tests.sharing.test_share_merge import merge, refused, share, undo, vote


def protocol_file(folder: Path, title: str = "BCG vaccine for preventing tuberculosis") -> Path:
    """The two-arm preset, under another title when asked (so its text, and its hash, differ)."""
    text = resources.files("cartsle_cli.presets").joinpath("two-arm.toml").read_text("utf-8")
    path = folder / f"protocol-{len(list(folder.glob('protocol-*.toml')))}.toml"
    path.write_text(text.replace("BCG vaccine for preventing tuberculosis", title, 1), "utf-8")
    return path


def load(db: Path, protocol: Path) -> int:
    conn = open_review(db)
    try:
        return load_protocol(conn, protocol).version
    finally:
        conn.close()


def extraction_loads(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as raw:
        return raw.execute("SELECT extractor, protocol_version FROM extract_loads ORDER BY id").fetchall()


@pytest.fixture
def main(tmp_path: Path) -> Path:
    db = tmp_path / "main.db"
    add_records(db, [make_record(n) for n in range(1, 4)])
    return db


def test_a_protocol_loaded_only_in_the_copy_is_refused_not_a_foreign_key_error(tmp_path, main):
    copy = share(main, "ana", tmp_path / "ana.db")
    assert load(copy, protocol_file(tmp_path)) == 1
    load_extraction(copy, "ana", "2026-01-02T00:00:00+00:00")  # checked against version 1
    message = refused(main, copy)
    assert "protocol version 1" in message and "does not have" in message
    assert extraction_loads(main) == []


def test_a_protocol_version_with_other_text_under_the_same_number_is_refused(tmp_path, main):
    load(main, protocol_file(tmp_path))
    copy = share(main, "ana", tmp_path / "ana.db")
    assert load(main, protocol_file(tmp_path, "Version two of the lead")) == 2
    assert load(copy, protocol_file(tmp_path, "Version two of ana")) == 2
    with sqlite3.connect(copy) as raw:
        raw.execute("PRAGMA foreign_keys = ON")
        raw.execute(
            "INSERT INTO extract_loads (loaded_at, protocol_version, extractor, study_count, row_count)"
            " VALUES ('2026-01-02T00:00:00+00:00', 2, 'ana', 0, 0)"
        )
    message = refused(main, copy)
    assert "protocol version 2 differs" in message
    assert extraction_loads(main) == []


def test_a_copy_with_exactly_the_reviews_protocol_versions_merges(tmp_path, main):
    load(main, protocol_file(tmp_path))
    copy = share(main, "ana", tmp_path / "ana.db")
    load_extraction(copy, "ana", "2026-01-02T00:00:00+00:00")
    assert merge(main, copy).added["extract_loads"] == 1
    assert extraction_loads(main) == [("ana", 1)]


def test_the_same_protocol_text_loaded_in_both_after_sharing_merges(tmp_path, main):
    """The lead loads the file ana loaded: same number, same text, another time and path."""
    load(main, protocol_file(tmp_path))
    copy = share(main, "ana", tmp_path / "ana.db")
    second = protocol_file(tmp_path, "Version two")
    assert load(copy, second) == 2
    with sqlite3.connect(copy) as raw:
        raw.execute(
            "INSERT INTO extract_loads (loaded_at, protocol_version, extractor, study_count, row_count)"
            " VALUES ('2026-01-02T00:00:00+00:00', 2, 'ana', 0, 0)"
        )
    moved = tmp_path / "elsewhere.toml"
    moved.write_bytes(second.read_bytes())
    assert load(main, moved) == 2
    merge(main, copy)
    assert extraction_loads(main) == [("ana", 2)]


def test_a_review_with_a_later_protocol_version_than_the_copy_merges(tmp_path, main):
    load(main, protocol_file(tmp_path))
    copy = share(main, "ana", tmp_path / "ana.db")
    load_extraction(copy, "ana", "2026-01-02T00:00:00+00:00")
    load(main, protocol_file(tmp_path, "Version two"))
    merge(main, copy)
    assert extraction_loads(main) == [("ana", 1)]


def test_votes_under_another_reviewers_name_in_a_copy_are_refused(tmp_path, main):
    copy = share(main, "ana", tmp_path / "ana.db")
    conn = open_review(copy)
    vote(conn, 1, "ana", "include")
    vote(conn, 2, "ben", "exclude")
    vote(conn, 3, "ben", "exclude")
    conn.close()
    message = refused(main, copy)
    assert "copy for 'ana' holds 2 screening votes by 'ben'" in message


def test_an_appraisal_under_another_name_in_a_copy_is_refused(tmp_path, main):
    load(main, protocol_file(tmp_path))
    copy = share(main, "ana", tmp_path / "ana.db")
    load_extraction(copy, "ben", "2026-01-02T00:00:00+00:00")  # an extraction, an appraisal, GRADE
    assert "by 'ben'" in refused(main, copy)


def test_an_undo_of_another_reviewers_vote_in_a_copy_is_refused(tmp_path, main):
    conn = open_review(main)
    vote(conn, 1, "ana", "include")
    vote(conn, 1, "ben", "exclude")  # both voted: ana's copy keeps ben's vote, unblinded
    conn.close()
    copy = share(main, "ana", tmp_path / "ana.db")
    conn = open_review(copy)
    undo(conn, "ben")
    conn.close()
    assert "undoes 1 screening votes by 'ben'" in refused(main, copy)


def test_the_command_line_says_why_in_one_line_and_exits_1(tmp_path, main):
    copy = share(main, "ana", tmp_path / "ana.db")
    conn = open_review(copy)
    vote(conn, 2, "ben", "exclude")
    conn.close()
    result = CliRunner().invoke(app, ["merge", str(copy), "--db", str(main)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "by 'ben'" in result.output
