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
            "TY  - JOUR", f"TI  - Record {i}{salt} on CAR T-cell therapy in lupus", f"AU  - Author{i}, A.",
            "PY  - 2023", "JO  - Lupus", f"DO  - 10.1000/x{salt}{i}", "AB  - " + "words " * 80, "ER  - ", "",
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
        code = run_and_kill(_import(export, db), after_seconds=rng.uniform(0.1, 0.95) * duration, cwd=tmp_path)
        assert code in (None, 0)
        finished += code == 0
        killed += code is None
        assert integrity(db) == "ok"
        conn = sqlite3.connect(db)
        searches = conn.execute("SELECT id, record_count FROM searches").fetchall()
        for search_id, record_count in searches:
            stored = conn.execute("SELECT count(*) FROM records WHERE search_id = ?", (search_id,)).fetchone()[0]
            assert record_count == stored == RECORDS
        orphans = conn.execute("SELECT count(*) FROM records WHERE search_id NOT IN (SELECT id FROM searches)").fetchone()[0]
        assert orphans == 0
        conn.close()
    assert len(sqlite3.connect(db).execute("SELECT id FROM searches").fetchall()) == finished
    assert killed >= 1, "no run was killed part-way: the test proved nothing"


def _import(export, db):
    return ["import", str(export), "--source", "Embase", "--db", str(db)]
