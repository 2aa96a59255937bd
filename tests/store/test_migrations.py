import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import cartsle_cli.extraction  # noqa: F401 - registers the version-1 extraction data step
from cartsle_cli.errors import CartsleError
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.migrations import SCHEMA_VERSION


def test_new_review_gets_current_schema_wal_and_foreign_keys(db):
    conn = open_review(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    assert {"searches", "records", "active_records", "record_clusters", "unique_records"} <= tables


def test_review_from_newer_cartsle_is_refused_untouched(db):
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(CartsleError, match="newer cartsle"):
        open_review(db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_failed_transaction_keeps_nothing(db):
    conn = open_review(db)
    with pytest.raises(RuntimeError):
        with transaction(conn):
            conn.execute(
                "INSERT INTO searches (database, format, file_name, sha256, imported_at, record_count)"
                " VALUES ('PubMed', 'medline', 'a.nbib', 'x', 'now', 0)"
            )
            raise RuntimeError("killed half-way")
    assert conn.execute("SELECT count(*) FROM searches").fetchone()[0] == 0


def test_missing_review_is_a_clear_error(tmp_path):
    with pytest.raises(CartsleError, match="no review here"):
        open_review(tmp_path / "absent.db", create=False)


def test_review_written_by_an_older_cartsle_is_migrated_keeping_its_data(db, monkeypatch):
    from cartsle_cli.store import migrations

    conn = open_review(db)
    with transaction(conn):
        conn.execute(
            "INSERT INTO searches (database, format, file_name, sha256, imported_at, record_count)"
            " VALUES ('PubMed', 'medline', 'a.nbib', 'x', 'then', 0)"
        )
    conn.close()
    # A later cartsle with one more migration opens the file written by this one.
    newer = [
        *migrations.MIGRATIONS,
        lambda: "ALTER TABLE searches ADD COLUMN note TEXT;\nUPDATE searches SET note = 'migrated';",
    ]
    monkeypatch.setattr(migrations, "MIGRATIONS", newer)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(newer))
    conn = open_review(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert [tuple(row) for row in conn.execute("SELECT file_name, note FROM searches")] == [
        ("a.nbib", "migrated")
    ]


def test_a_failing_migration_leaves_the_review_at_its_old_version(db, monkeypatch):
    from cartsle_cli.store import migrations

    open_review(db).close()
    broken = [*migrations.MIGRATIONS, lambda: "ALTER TABLE searches ADD COLUMN note TEXT;\nTHIS IS NOT SQL;"]
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(broken))
    with pytest.raises(CartsleError):
        open_review(db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "note" not in [row[1] for row in raw.execute("PRAGMA table_info(searches)")]


def test_a_review_of_schema_1_gains_the_appraisal_tables_keeping_its_data(db):
    from cartsle_cli.store import migrations

    raw = sqlite3.connect(db)
    for statement in migrations.split_statements(migrations.MIGRATIONS[0]()):
        raw.execute(statement)
    raw.execute(
        "INSERT INTO searches (database, format, file_name, sha256, imported_at, record_count)"
        " VALUES ('PubMed', 'medline', 'a.nbib', 'x', 'then', 0)"
    )
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    conn = open_review(db)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"appraisal_loads", "appraisal_rows", "appraisal_resolutions", "grade_judgements"} <= tables
    assert conn.execute("SELECT file_name FROM searches").fetchone()[0] == "a.nbib"
    with pytest.raises(sqlite3.IntegrityError):  # a downgrade without a reason cannot be stored
        conn.execute(
            "INSERT INTO grade_judgements (outcome, domain, levels, reviewer, decided_at)"
            " VALUES ('o', 'imprecision', 1, 'A', 'now')"
        )


V1_EXTRACTION = Path(__file__).with_name("fixtures") / "schema_v1_extraction.sql"


def _version_1_review_with_extraction(
    db: Path, fill: Callable[[sqlite3.Connection], None] | None = None
) -> None:
    """Write ``db`` as cartsle wrote a review at schema version 1, extraction tables included,
    with the rows ``fill`` inserts."""
    from cartsle_cli.store.migrations import INITIAL_SCHEMA_FILES, _schema_sql, split_statements

    raw = sqlite3.connect(db)
    for statement in split_statements(
        "\n".join(_schema_sql(name) for name in INITIAL_SCHEMA_FILES) + V1_EXTRACTION.read_text()
    ):
        raw.execute(statement)
    if fill is not None:
        fill(raw)
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()


def test_version_1_extraction_moves_into_the_long_table_under_the_seed_protocol(db):
    """A review written before protocols existed keeps every extracted cell, its line and the files."""
    from cartsle_cli.extraction.agreement import agreed_extraction
    from cartsle_cli.extraction.layout import layout
    from cartsle_cli.protocol.store import stored_protocol

    def fill(raw: sqlite3.Connection) -> None:
        raw.execute(
            "INSERT INTO extraction_loads VALUES (1, '2025-01-02T03:04:05+00:00', 'studies.csv', 'a', 'S', 'patients.csv',"
            " 'b', 'P', 1, 2)"
        )
        raw.execute(
            "INSERT INTO extraction_studies (load_id, line, study_id, first_author, year, n_treated, target, origin,"
            " crs_any, crs_g1, crs_g2, crs_g3, crs_g4, bcell_phenotype) VALUES"
            " (1, 3, 'Alpha 2022', 'Alpha', 2022, 3, 'CD19', 'autologous', 2, 1, 1, 0, 0, 'naive up')"
        )
        raw.executemany(
            "INSERT INTO extraction_patients (load_id, line, study_id, patient_id, month, sledai) VALUES (?, ?, ?, ?, ?, ?)",
            [(1, 2, "Alpha 2022", "P1", 0.0, 16), (1, 3, "Alpha 2022", "P1", 3.0, 4)],
        )

    _version_1_review_with_extraction(db, fill)

    conn = open_review(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    assert not tables & {"extraction_studies", "extraction_patients", "extraction_loads"}
    current = stored_protocol(conn)
    assert (current.version.version, current.protocol.design.participants) == (1, "n_treated")
    load = conn.execute(
        "SELECT protocol_version, extractor, study_count, row_count FROM extract_loads"
    ).fetchone()
    assert tuple(load) == (1, "", 1, 3)
    texts = dict(conn.execute("SELECT name, text FROM extract_files").fetchall())
    assert texts == {"studies.csv": "S", "patients.csv": "P"}
    crs = conn.execute("SELECT outcome, value, line FROM extract_values WHERE field = 'crs_g2'").fetchone()
    assert tuple(crs) == ("crs", 1, 3)
    found = agreed_extraction(conn, layout(current.protocol))
    studies, patients = found.frames["studies.csv"], found.frames["patients.csv"]
    assert (studies.loc[0, "origin"], studies.loc[0, "bcell_phenotype"], studies.loc[0, "n_treated"]) == (
        "autologous",
        "naive up",
        3,
    )
    assert list(patients["month"]) == [0.0, 3.0] and list(patients["sledai"]) == [16, 4]
    assert found.lines["patients.csv"] == (2, 3)


def test_a_version_1_extraction_nobody_can_move_is_refused_untouched(db, monkeypatch):
    """Without the extraction stage's registered data step the store cannot know what the old
    columns meant: the review stays at version 1 with its tables, rather than losing them."""
    from cartsle_cli.store import migrations

    monkeypatch.setattr(migrations, "_DATA_STEPS", {})
    _version_1_review_with_extraction(db)
    with pytest.raises(CartsleError, match="extraction data is of an older form"):
        open_review(db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION
    assert (
        raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extraction_loads'").fetchone()[0] == 1
    )
    raw.close()


def test_a_version_1_review_without_extraction_gets_no_protocol(db):
    _version_1_review_with_extraction(db)
    conn = open_review(db)
    assert conn.execute("SELECT count(*) FROM protocol_versions").fetchone()[0] == 0
    assert "extraction_loads" not in {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}


def test_search_removal_migration_gives_orphaned_votes_back_to_the_surviving_cluster(db, monkeypatch):
    """A search removed by an older cartsle left the votes on its kept record counting for nothing;
    the migration anchors that record to the record it was found the same as."""
    from cartsle_cli.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 1)
    conn = open_review(db)
    with transaction(conn):
        for search, removed in ((1, "2026-01-01"), (2, None)):
            conn.execute(
                "INSERT INTO searches (id, database, format, file_name, sha256, imported_at, record_count,"
                " removed_at) VALUES (?, 'X', 'ris', 'f', ?, 'then', 1, ?)",
                (search, str(search), removed),
            )
            conn.execute(
                "INSERT INTO records (id, search_id, position, line, raw) VALUES (?, ?, 1, 1, '')",
                (search, search),
            )
        conn.execute("INSERT INTO dedup_runs VALUES (1, 'then', 2, 2, 1, 1, 0)")
        conn.execute("INSERT INTO dedup_pairs VALUES (1, 2, 'same', 0.99, 'doi', 1)")
        conn.execute(
            "INSERT INTO screening_decisions (record_id, stage, reviewer, decision, decided_at)"
            " VALUES (1, 'ta', 'kofi', 'include', 'then')"
        )
    assert conn.execute("SELECT unit_id FROM screening_current").fetchone()[0] == 1
    conn.close()
    monkeypatch.undo()
    conn = open_review(db)
    assert conn.execute("SELECT unit_id FROM screening_current").fetchone()[0] == 2
    assert [tuple(row) for row in conn.execute("SELECT record_id, anchor_id FROM removed_record_units")] == [
        (1, 2)
    ]


def test_a_review_of_the_first_schema_gains_fulltext_and_update_tables(db, monkeypatch):
    from cartsle_cli.store import migrations

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 1)
    open_review(db).close()
    monkeypatch.undo()
    conn = open_review(db)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"fulltext_status", "search_updates"} <= tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_version_1_review_gains_record_units_with_each_records_kept_record(db):
    """The migration to record_units on a review written at schema 1: a duplicate's unit is its
    cluster's kept record, a record in no cluster is its own unit."""
    from cartsle_cli.store.migrations import MIGRATIONS, split_statements

    raw = sqlite3.connect(db, isolation_level=None)
    for statement in split_statements(MIGRATIONS[0]()):
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    raw.execute(
        "INSERT INTO searches (id, database, format, file_name, sha256, imported_at, record_count)"
        " VALUES (1, 'PubMed', 'ris', 'a.ris', 'x', '2025-01-01', 3)"
    )
    raw.executemany(
        "INSERT INTO records (id, search_id, position, line, raw) VALUES (?, 1, ?, ?, '')",
        [(n, n, n) for n in (1, 2, 3)],
    )
    raw.executemany("INSERT INTO record_clusters (record_id, cluster_id) VALUES (?, 2)", [(1,), (2,)])
    raw.close()
    conn = open_review(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [
        tuple(row) for row in conn.execute("SELECT record_id, unit_id FROM record_units ORDER BY record_id")
    ] == [
        (1, 2),
        (2, 2),
        (3, 3),
    ]
    conn.close()


def test_appraisals_made_with_the_2016_robins_i_keep_it_when_robins_i_becomes_v2(db, monkeypatch):
    from cartsle_cli.store import migrations

    before = migrations.MIGRATIONS.index(migrations._robins_i_v2)
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:before])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", before)
    conn = open_review(db)
    with transaction(conn):
        for tool in ("robins-i", "rob2"):
            conn.execute(
                "INSERT INTO appraisal_loads (tool, reviewer, file_name, sha256, file_text, row_count,"
                " loaded_at) VALUES (?, 'ana', 'f.csv', 'x', '', 0, 'then')",
                (tool,),
            )
        conn.execute(
            "INSERT INTO appraisal_resolutions (tool, study_id, outcome, domain, judgement, reviewer,"
            " resolved_at) VALUES ('robins-i', 'Lee 2020', 'pain', 'D1', 'serious', 'ana', 'then')"
        )
    conn.close()
    monkeypatch.undo()
    conn = open_review(db)
    assert [r[0] for r in conn.execute("SELECT tool FROM appraisal_loads ORDER BY id")] == [
        "robins-i-2016",
        "rob2",
    ]
    assert conn.execute("SELECT tool FROM appraisal_resolutions").fetchone()[0] == "robins-i-2016"


def test_a_review_imported_before_the_issn_column_gains_each_records_issns(db):
    """Schema 9 keeps a record's ISSNs as a column; the records of an older review get theirs from
    the fields their import kept (as RIS and MEDLINE wrote them), the other columns untouched."""
    from cartsle_cli.store import migrations

    raw = sqlite3.connect(db)
    for step in migrations.MIGRATIONS[:8]:
        for statement in migrations.split_statements(migrations._migration_sql(step, raw)):
            raw.execute(statement)
    raw.execute(
        "INSERT INTO searches (database, format, file_name, sha256, imported_at, record_count)"
        " VALUES ('Embase', 'ris', 'a.ris', 'x', 'then', 4)"
    )
    raw.executemany(
        "INSERT INTO records (search_id, position, line, title, fields, raw) VALUES (1, ?, ?, ?, ?, 'r')",
        [
            (1, 1, "ris", '{"SN": ["0306-4530 (ISSN)"], "IS": ["3"]}'),
            (2, 9, "medline", '{"IS": ["1746-630X (Electronic)", "0306-4530 (Linking)"]}'),
            (3, 17, "none", '{"IS": ["12"]}'),
            # A lone surrogate escape, which the standard library reads and orjson refuses.
            (4, 25, "surrogate", '{"N1": ["a \\ud800 b"], "SN": ["1746-630X"]}'),
        ],
    )
    raw.execute("PRAGMA user_version = 8")
    raw.commit()
    raw.close()
    conn = open_review(db)
    rows = conn.execute("SELECT title, issn, line FROM active_records ORDER BY position").fetchall()
    assert [tuple(row) for row in rows] == [
        ("ris", "03064530", 1),
        ("medline", "1746630X 03064530", 9),
        ("none", None, 17),
        ("surrogate", "1746630X", 25),
    ]
