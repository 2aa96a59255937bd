"""RevMan Web's study import: the "Study information" CSV of the included studies.

RevMan Web (study-centric data management) imports study data as CSV files: study information
(one row per study: its name, characteristics and covariates), study arms and study results
(Cochrane RevMan knowledge base, "Data extraction templates"; Covidence's "Export to RevMan Web").
This writes the first from the included studies and their reports: the study name RevMan shows
("Mackensen 2022", cartsle's study label) and the characteristics RevMan's "Characteristics of
included studies" table has by default, each a ``Char: <field>`` column as Covidence's export
names them. What cartsle knows before extraction fills Identification and Notes; Methods,
Participants, Interventions and Outcomes stay empty: the protocol's own characteristics go to
``study_characteristics.csv`` and the outcome data to ``study_results.csv`` (``revman_data``).

Import the included reports' RIS (`cartsle export --included`) into RevMan first, as RevMan asks,
so the studies are not made twice.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.report.revman_data import RevManTable, extraction_tables
from cartsle_cli.safe_output import for_spreadsheet
from cartsle_cli.screening.retractions import retracted_units
from cartsle_cli.screening.studies import included_studies

STUDY_INFORMATION_COLUMNS = (
    "Study",
    "Char: Methods",
    "Char: Participants",
    "Char: Interventions",
    "Char: Outcomes",
    "Char: Identification",
    "Char: Notes",
)


def study_information_rows(conn: sqlite3.Connection) -> list[list]:
    """One row per included study, in :data:`STUDY_INFORMATION_COLUMNS` order."""
    details = {row[0]: row[1:] for row in conn.execute("SELECT id, doi, pmid FROM unique_records")}
    flagged = retracted_units(conn)
    rows = []
    for study in included_studies(conn):
        identification = []
        for record_id in study.report_ids:
            doi, pmid = details.get(record_id, (None, None))
            ids = (
                [f"cartsle record {record_id}"]
                + ([f"DOI {doi}"] if doi else [])
                + ([f"PMID {pmid}"] if pmid else [])
            )
            identification.append(", ".join(ids))
        notes = [
            f"{len(study.report_ids)} report{'s' if len(study.report_ids) > 1 else ''}; found via {study.source}"
        ]
        notes += [f"record {r} flagged as retracted ({flagged[r]})" for r in study.report_ids if r in flagged]
        rows.append([study.study_id, "", "", "", "", "; ".join(identification), "; ".join(notes)])
    return rows


def write_revman(conn: sqlite3.Connection, folder: Path) -> list[Path]:
    """Write RevMan Web's import files into ``folder``; returns the files written.

    Every table is made before the first file is written, so an extraction that cannot be read
    (cells the extractors have not agreed) leaves the folder as it was.
    """
    tables = [
        RevManTable(
            "study_information.csv",
            STUDY_INFORMATION_COLUMNS,
            tuple(map(tuple, study_information_rows(conn))),
        ),
        *extraction_tables(conn),
    ]
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for table in tables:
            path = folder / table.name
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow([for_spreadsheet(cell) for cell in table.columns])
                writer.writerows([for_spreadsheet(cell) for cell in row] for row in table.rows)
            written.append(path)
    except OSError as error:
        raise CartsleError(f"cannot write: {error.strerror}", file=folder) from error
    return written
