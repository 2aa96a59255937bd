"""Extraction loads, appraisals and GRADE judgements come back from copies, in either order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cartsle_cli.screening.studies import link_report
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.backup import backup_review
from tests.screening.conftest import add_records, make_record
from tests.sharing.test_share_merge import merge, share


def load_extraction(db: Path, author: str, loaded_at: str) -> None:
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA foreign_keys = ON")
    load = raw.execute(
        "INSERT INTO extract_loads (loaded_at, protocol_version, extractor, study_count, row_count)"
        " VALUES (?, 1, ?, 1, 2)",
        (loaded_at, author),
    ).lastrowid
    raw.execute(
        "INSERT INTO extract_files (load_id, name, path, sha256, text, rows) VALUES (?, 'studies.csv', 's.csv', ?, '', 1)",
        (load, author),
    )
    raw.executemany(
        "INSERT INTO extract_values (load_id, file, study_id, field, value, line) VALUES (?, 'studies.csv', 'S1', ?, ?, 2)",
        [(load, "first_author", author), (load, "participants", 8)],
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
            # the current load is the latest by the time it was loaded, whatever the merge order
            "current": conn.execute(
                "SELECT field, value FROM extract_values WHERE load_id ="
                " (SELECT id FROM extract_loads ORDER BY loaded_at DESC, id DESC LIMIT 1) ORDER BY field"
            ).fetchall(),
            "loads": sorted(
                conn.execute("SELECT loaded_at, extractor, event_id FROM extract_loads").fetchall()
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
    with sqlite3.connect(main) as raw:  # a protocol version both copies carry
        raw.execute(
            "INSERT INTO protocol_versions (id, loaded_at, file, sha256, title, text)"
            " VALUES (1, '2025-12-01T00:00:00+00:00', 'p.toml', 'x', 'Review', '')"
        )
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
    assert merged["current"] == [("first_author", "A"), ("participants", 8)]
    assert len(merged["loads"]) == 2 and len(merged["appraisals"]) == 2
    assert len(merged["grade"]) == 2 and len(merged["comments"]) == 2


def test_reports_linked_to_studies_in_a_copy_come_back_and_a_different_link_here_stays(tmp_path):
    main = tmp_path / "main.db"
    add_records(main, [make_record(n) for n in range(1, 4)])
    copy = share(main, "A", tmp_path / "a.db")

    def link(db: Path, *links: tuple[int, str]) -> None:
        conn = open_review(db)
        with transaction(conn):
            for record_id, study in links:
                link_report(conn, record_id, study)
        conn.close()

    link(main, (1, "Lead 2024"))  # the lead placed record 1 while A worked
    link(copy, (1, "Other 2024"), (2, "Hartmann 2022"), (3, "Hartmann 2022"))
    assert merge(main, copy, dry_run=True).added["study_reports"] == 2
    result = merge(main, copy)
    assert result.added["study_reports"] == 2 and result.links_kept == 1
    rows = sqlite3.connect(main).execute(
        "SELECT r.record_id, s.label FROM study_reports r JOIN studies s ON s.id = r.study_id ORDER BY 1"
    )
    assert rows.fetchall() == [(1, "Lead 2024"), (2, "Hartmann 2022"), (3, "Hartmann 2022")]
    again = merge(main, copy)
    assert again.added["study_reports"] == 0 and again.links_kept == 1
