"""Extraction loads, appraisals and GRADE judgements come back from copies, in either order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cartsle_cli.store import open_review
from cartsle_cli.store.backup import backup_review
from tests.screening.conftest import add_records, make_record
from tests.sharing.test_share_merge import merge, share


def load_extraction(db: Path, author: str, loaded_at: str) -> None:
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA foreign_keys = ON")
    load = raw.execute(
        "INSERT INTO extraction_loads (loaded_at, studies_file, studies_sha256, studies_text, patients_file,"
        " patients_sha256, patients_text, study_count, patient_rows) VALUES (?, 's.csv', ?, '', 'p.csv', '', '', 1, 1)",
        (loaded_at, author),
    ).lastrowid
    raw.execute(
        "INSERT INTO extraction_studies (load_id, line, study_id, first_author, year, n_treated, target, origin)"
        " VALUES (?, 2, 'S1', ?, 2024, 5, 'T', 'autologous')",
        (load, author),
    )
    raw.execute(
        "INSERT INTO extraction_patients (load_id, line, study_id, patient_id, month, sledai) VALUES (?, 2, 'S1', 'P1', 0, 8)",
        (load,),
    )
    raw.execute(
        "INSERT INTO appraisal_loads (tool, reviewer, file_name, sha256, file_text, row_count, loaded_at)"
        " VALUES ('rob2', ?, 'a.csv', ?, '', 1, ?)",
        (author, author, loaded_at),
    )
    raw.execute(
        "INSERT INTO appraisal_rows (load_id, line, study_id, answers, calls, support)"
        " VALUES (last_insert_rowid(), 2, 'S1', '{}', '{}', '{}')"
    )
    raw.execute(
        "INSERT INTO grade_judgements (outcome, domain, levels, reviewer, decided_at) VALUES ('o', 'imprecision', 0, ?, ?)",
        (author, loaded_at),
    )
    raw.execute(
        "INSERT INTO grade_comments (outcome, comment, reviewer, noted_at) VALUES ('o', ?, ?, ?)",
        (author, author, loaded_at),
    )
    raw.commit()
    raw.close()


def state(db: Path) -> dict:
    conn = open_review(db)
    conn.row_factory = None  # plain tuples, to sort and compare
    try:
        return {
            "current": conn.execute("SELECT first_author FROM current_extraction_studies").fetchall(),
            "patients": conn.execute(
                "SELECT study_id, patient_id, sledai FROM current_extraction_patients"
            ).fetchall(),
            "loads": sorted(
                conn.execute("SELECT loaded_at, studies_sha256, event_id FROM extraction_loads").fetchall()
            ),
            "appraisals": sorted(
                conn.execute(
                    "SELECT l.reviewer, l.event_id, r.study_id FROM appraisal_rows r JOIN appraisal_loads l ON l.id = r.load_id"
                ).fetchall()
            ),
            "grade": sorted(
                conn.execute("SELECT reviewer, decided_at, event_id FROM grade_judgements").fetchall()
            ),
            "comments": sorted(conn.execute("SELECT comment, event_id FROM grade_comments").fetchall()),
        }
    finally:
        conn.close()


def test_loads_judgements_and_comments_merge_once_and_in_either_order(tmp_path):
    main = tmp_path / "main.db"
    add_records(main, [make_record(1)])
    copy_a, copy_b = share(main, "A", tmp_path / "a.db"), share(main, "B", tmp_path / "b.db")
    load_extraction(copy_a, "A", "2026-01-02T00:00:00+00:00")  # A loaded last, though merged first below
    load_extraction(copy_b, "B", "2026-01-01T00:00:00+00:00")
    other = tmp_path / "other.db"
    conn = open_review(main)
    backup_review(conn, other)
    conn.close()
    merge(main, copy_a)
    merge(main, copy_b)
    merge(main, copy_b)
    merge(other, copy_b)
    merge(other, copy_a)
    merged = state(main)
    assert merged == state(other)
    assert merged["current"] == [("A",)] and merged["patients"] == [("S1", "P1", 8)]
    assert len(merged["loads"]) == 2 and len(merged["appraisals"]) == 2
    assert len(merged["grade"]) == 2 and len(merged["comments"]) == 2
