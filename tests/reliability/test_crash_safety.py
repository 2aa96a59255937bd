"""SIGKILL at random points: the review opens, passes integrity_check, and holds all or none of
each command's work."""

from __future__ import annotations

import random
import sqlite3
import time

import pytest

from cartsle_cli.store import open_review

from .killing import integrity, run_and_kill

RECORDS = 20_000


def _write_ris(path, count, *, salt=""):
    lines = []
    for i in range(count):
        lines += [
            "TY  - JOUR",
            f"TI  - Record {i}{salt} on CAR T-cell therapy in lupus",
            f"AU  - Author{i}, A.",
            "PY  - 2023",
            "JO  - Lupus",
            f"DO  - 10.1000/x{salt}{i}",
            "AB  - " + "words " * 80,
            "ER  - ",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.slow
def test_import_killed_at_random_points_keeps_all_or_none(tmp_path):
    db = tmp_path / "review.db"
    open_review(db).close()
    exports = []
    for n in range(4):
        export = tmp_path / f"search{n}.ris"
        _write_ris(export, RECORDS, salt=f"s{n}")
        exports.append(export)
    rng = random.Random(20251029)
    started = time.monotonic()
    assert run_and_kill(_import(exports[0], db), after_seconds=600, cwd=tmp_path) == 0
    duration = time.monotonic() - started
    finished, killed = 1, 0
    for export in exports[1:]:
        code = run_and_kill(
            _import(export, db), after_seconds=rng.uniform(0.1, 0.95) * duration, cwd=tmp_path
        )
        assert code in (None, 0)
        finished += code == 0
        killed += code is None
        assert integrity(db) == "ok"
        conn = sqlite3.connect(db)
        searches = conn.execute("SELECT id, record_count FROM searches").fetchall()
        for search_id, record_count in searches:
            stored = conn.execute(
                "SELECT count(*) FROM records WHERE search_id = ?", (search_id,)
            ).fetchone()[0]
            assert record_count == stored == RECORDS
        orphans = conn.execute(
            "SELECT count(*) FROM records WHERE search_id NOT IN (SELECT id FROM searches)"
        ).fetchone()[0]
        assert orphans == 0
        conn.close()
    # A run killed after its commit (while printing) has stored its search: still all, not part.
    assert (
        finished
        <= len(sqlite3.connect(db).execute("SELECT id FROM searches").fetchall())
        <= finished + killed
    )
    assert killed >= 1, "no run was killed part-way: the test proved nothing"


def _import(export, db):
    return ["import", str(export), "--source", "Embase", "--db", str(db)]


def _clusters(db) -> set[tuple[int, int]]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT record_id, cluster_id FROM record_clusters").fetchall())
    finally:
        conn.close()


@pytest.mark.slow
def test_dedup_killed_at_random_points_keeps_all_or_none(tmp_path):
    db = tmp_path / "review.db"
    for n in range(2):  # two searches of the same records: every record has a duplicate
        export = tmp_path / f"search{n}.ris"
        _write_ris(export, RECORDS // 2, salt="")
        export.write_text(export.read_text() + "\n" * (n + 1))  # another file, same records
        assert run_and_kill(_import(export, db), after_seconds=600, cwd=tmp_path) == 0
    reference = tmp_path / "reference.db"
    reference.write_bytes(db.read_bytes())
    started = time.monotonic()
    assert run_and_kill(["dedup", "--db", str(reference)], after_seconds=600, cwd=tmp_path) == 0
    duration = time.monotonic() - started
    complete = _clusters(reference)
    assert complete, "the reference run found the planted duplicates"
    rng = random.Random(7)
    killed = 0
    for _ in range(3):
        code = run_and_kill(
            ["dedup", "--db", str(db)], after_seconds=rng.uniform(0.2, 0.9) * duration, cwd=tmp_path
        )
        killed += code is None
        assert integrity(db) == "ok"
        assert _clusters(db) in (set(), complete)
        if code == 0:
            break
    assert killed >= 1, "no run was killed part-way: the test proved nothing"


SCREENING_SESSION = """
import sys
from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.store import open_review, transaction

conn = open_review(sys.argv[1])
for record_id in range(int(sys.argv[2]), int(sys.argv[3]) + 1):
    with transaction(conn):
        record_decision(conn, Decision(record_id, "ta", "kofi", "exclude"))
    print(record_id, flush=True)  # the reviewer saw it saved
"""


@pytest.mark.slow
def test_screening_session_killed_keeps_every_decision_made_before(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "review.db"
    export = tmp_path / "search.ris"
    _write_ris(export, 2_000)
    assert run_and_kill(_import(export, db), after_seconds=600, cwd=tmp_path) == 0
    process = subprocess.Popen(
        [sys.executable, "-c", SCREENING_SESSION, str(db), "1", "2000"], stdout=subprocess.PIPE, text=True
    )
    confirmed = []
    for line in process.stdout:
        confirmed.append(int(line))
        if len(confirmed) == 150:
            process.kill()
            break
    process.wait()
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    stored = {
        row[0] for row in conn.execute("SELECT record_id FROM screening_decisions WHERE reviewer = 'kofi'")
    }
    assert set(confirmed) <= stored and len(stored) < 2000
