"""Moving the extraction of a version-1 review (a SQL column per field) into the long form.

Version 1 stored the seed review's fixed files, studies.csv and patients.csv, in tables with one
column per field. Those fields are exactly the ``car-t-sle`` preset's, so the migration stores that
preset as protocol version 1, records every old load as checked against it, and writes every cell
into ``extract_values`` under the preset's outcome for its column, keeping each row's line. The old
tables are then dropped: nothing of their data is lost, and the files' text moves along.
"""

from __future__ import annotations

import hashlib
import sqlite3

from cartsle_cli.extraction.layout import FileLayout, layout
from cartsle_cli.protocol.parse import parse_protocol
from cartsle_cli.protocol.presets import preset_text

PRESET = "car-t-sle"
_OLD = ("extraction_patients", "extraction_studies", "extraction_loads")  # children first


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def legacy_extraction_sql(conn: sqlite3.Connection) -> str:
    """The SQL moving the old tables' rows into the new ones ("" for a review without them)."""
    if not _columns(conn, "extraction_loads"):
        return ""
    statements: list[str] = []
    if conn.execute("SELECT count(*) FROM extraction_loads").fetchone()[0]:
        text = preset_text(PRESET)
        protocol = parse_protocol(text)
        statements.append(
            "INSERT INTO protocol_versions (id, loaded_at, file, sha256, title, text) SELECT 1,"
            f" min(loaded_at), {_quote(PRESET + ' preset (migrated extraction)')},"
            f" {_quote(hashlib.sha256(text.encode()).hexdigest())}, {_quote(protocol.title)}, {_quote(text)}"
            " FROM extraction_loads"
        )
        statements.append(
            "INSERT INTO extract_loads (id, loaded_at, protocol_version, extractor, study_count, row_count)"
            " SELECT id, loaded_at, 1, '', study_count, study_count + patient_rows FROM extraction_loads"
        )
        files = layout(protocol)
        studies, patients = files.studies, files.files[-1]
        for name, prefix, rows in (
            (studies.name, "studies", "study_count"),
            (patients.name, "patients", "patient_rows"),
        ):
            statements.append(
                f"INSERT INTO extract_files (load_id, name, path, sha256, text, rows) SELECT id, {_quote(name)},"
                f" {prefix}_file, {prefix}_sha256, {prefix}_text, {rows} FROM extraction_loads"
            )
        statements += _values(conn, "extraction_studies", studies)
        statements += _values(conn, "extraction_patients", patients)
    statements += [
        "DROP VIEW IF EXISTS current_extraction_studies",
        "DROP VIEW IF EXISTS current_extraction_patients",
    ]
    statements += [f"DROP TABLE {table}" for table in _OLD]
    return ";\n".join(statements) + ";\n"


def _values(conn: sqlite3.Connection, table: str, file_layout: FileLayout) -> list[str]:
    patient, time = ("''", "''")
    if file_layout.kind == "patients":
        _, patient_column, time_column = file_layout.keys
        patient = patient_column
        # times as the loader writes them: 3.0 -> '3', 0.5 -> '0.5'
        time = (
            f"CASE WHEN {time_column} = CAST({time_column} AS INTEGER) THEN CAST(CAST({time_column} AS INTEGER)"
            f" AS TEXT) ELSE CAST({time_column} AS TEXT) END"
        )
    statements = []
    for name in _columns(conn, table):
        if name in ("load_id", "line"):
            continue
        column = file_layout.column(name)
        outcome = column.outcome if column is not None else ""
        statements.append(
            "INSERT INTO extract_values (load_id, file, study_id, arm, patient, timepoint, outcome, field, value,"
            f" line) SELECT load_id, {_quote(file_layout.name)}, study_id, '', {patient}, {time}, {_quote(outcome)},"
            f" {_quote(name)}, {name}, line FROM {table}"
        )
    return statements
