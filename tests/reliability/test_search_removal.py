"""Removing a search from a finished review keeps every decision on the clusters that survive it,
says what it changes before it changes anything, and `searches restore` undoes it exactly.

Built on the finished sample review (the `cartsle demo` steps). Before issue 14, removing PubMed
sent 1,214 screened clusters back to "awaiting" (included studies 14 -> 9): the votes sat on the
removed records that were their clusters' kept records.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartsle_cli.cli.main import app
from cartsle_cli.sample.generate import write_sample
from cartsle_cli.sample.steps import STEPS
from cartsle_cli.screening import included_studies, prisma_counts, stage_outcomes
from cartsle_cli.store import open_review


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    write_sample(folder)
    db = folder / "cartsle.db"
    here = Path.cwd()
    os.chdir(folder)
    try:
        for step in STEPS:
            if step.args[0] in ("report", "pool"):
                continue
            result = CliRunner().invoke(app, [*step.args, "--db", str(db)])
            assert result.exit_code == 0, (step.command, result.output)
    finally:
        os.chdir(here)
    open_review(db).close()  # the last close checkpoints the WAL into the file
    return db


@pytest.fixture
def review(finished: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "review.db"
    shutil.copy(finished, copy)
    return copy


def _cli(db: Path, *args: object):
    return CliRunner().invoke(app, [*map(str, args), "--db", str(db)])


def _state(db: Path) -> dict:
    """Everything a removal could change, by cluster membership (kept record ids may change)."""
    conn = open_review(db)
    try:
        members: dict[int, set[int]] = {}
        for record_id, unit in conn.execute(
            "SELECT r.id, COALESCE(c.cluster_id, r.id) FROM active_records r"
            " LEFT JOIN record_clusters c ON c.record_id = r.id"
        ):
            members.setdefault(unit, set()).add(record_id)
        outcomes = {
            stage: {
                frozenset(members[unit]): (o.status, o.decision, o.reason)
                for unit, o in stage_outcomes(conn, stage).items()
            }
            for stage in ("ta", "ft")
        }
        return {
            "clusters": sorted(
                tuple(row) for row in conn.execute("SELECT record_id, cluster_id FROM record_clusters")
            ),
            "merged": sorted(tuple(row) for row in conn.execute("SELECT * FROM merged_records")),
            "outcomes": outcomes,
            "studies": [(s.study_id, tuple(s.report_ids)) for s in included_studies(conn)],
            "prisma": prisma_counts(conn).to_dict(),
            "searches": [tuple(row) for row in conn.execute("SELECT * FROM searches ORDER BY id")],
            "pubmed": {
                row[0]
                for row in conn.execute(
                    "SELECT r.id FROM records r JOIN searches s ON s.id = r.search_id WHERE s.database = 'PubMed'"
                )
            },
        }
    finally:
        conn.close()


def _pubmed_id(db: Path) -> int:
    searches = json.loads(_cli(db, "searches", "--json").stdout)
    return next(s["id"] for s in searches if s["database"] == "PubMed")


def test_removal_keeps_the_decisions_of_every_surviving_cluster(review: Path) -> None:
    before = _state(review)
    result = _cli(review, "searches", "remove", _pubmed_id(review), "--yes")
    assert result.exit_code == 0, result.output
    after = _state(review)
    for stage in ("ta", "ft"):
        survivors = {
            members - before["pubmed"]: outcome for members, outcome in before["outcomes"][stage].items()
        }
        compared = 0
        for members, outcome in after["outcomes"][stage].items():
            if members in survivors:
                assert outcome == survivors[members], (stage, sorted(members))
                compared += 1
        # Every cluster after the removal is what was left of one before it.
        assert compared == len(after["outcomes"][stage]), stage
    assert after["prisma"]["studies_included"] == before["prisma"]["studies_included"] == 14
    assert all(o[0] != "pending" for o in after["outcomes"]["ta"].values())  # nothing sent back


def test_removal_without_yes_changes_nothing_and_says_what_it_would(review: Path) -> None:
    before = _state(review)
    result = _cli(review, "searches", "remove", _pubmed_id(review))
    assert result.exit_code == 1
    assert "--yes" in result.output and "unique records" in result.output
    assert _state(review) == before


def test_restore_gives_back_the_original_state_exactly(review: Path) -> None:
    before = _state(review)
    pubmed = _pubmed_id(review)
    assert _cli(review, "searches", "remove", pubmed, "--yes").exit_code == 0
    result = _cli(review, "searches", "restore", pubmed)
    assert result.exit_code == 0, result.output
    assert _state(review) == before
    assert _cli(review, "searches", "restore", pubmed).exit_code == 1  # not removed: nothing to do


def test_report_after_a_removal_says_so_and_pools_the_studies_prisma_includes(review: Path, tmp_path) -> None:
    assert _cli(review, "searches", "remove", _pubmed_id(review), "--yes").exit_code == 0
    out = tmp_path / "report"
    assert _cli(review, "report", "--format", "json", "--out", out).exit_code == 0
    document = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "PubMed (pubmed.nbib, removed" in document["methods"]
    included = {study["study_id"] for study in document["included_studies"]}
    assert document["prisma"]["studies_included"] == len(included)


def test_migration_anchors_votes_orphaned_by_an_earlier_removal(review: Path) -> None:
    """A review whose search was removed by an older cartsle gets its orphaned votes back."""
    before = _state(review)
    raw = sqlite3.connect(review)
    pubmed = raw.execute("SELECT id FROM searches WHERE database = 'PubMed'").fetchone()[0]
    raw.close()
    conn = open_review(review)
    from cartsle_cli.dedup.run import rebuild_clusters
    from cartsle_cli.store import transaction
    from cartsle_cli.store.migrations import MIGRATIONS, split_statements

    with transaction(conn):  # what the old `searches remove` did
        conn.execute("UPDATE searches SET removed_at = '2026-01-01T00:00:00+00:00' WHERE id = ?", (pubmed,))
        rebuild_clusters(conn)
        conn.execute("DELETE FROM removed_record_units")
    with transaction(conn):  # the migration's seeding, run again on that state
        migration = next(m for m in MIGRATIONS if m.__name__ == "_search_removal")
        for statement in split_statements(migration()):
            if "INSERT OR IGNORE INTO removed_record_units" in statement:
                conn.execute(statement)
    conn.close()
    after = _state(review)
    survivors = {m - before["pubmed"]: o for m, o in before["outcomes"]["ta"].items()}
    same = sum(1 for m, o in after["outcomes"]["ta"].items() if survivors.get(m) == o)
    assert same == len(after["outcomes"]["ta"])
