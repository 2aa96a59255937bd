"""A small valid pair of extraction files, written into a test's folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

STUDIES = """\
# a comment line the loader skips
study_id,first_author,year,n_treated,target,origin,followup_months,crs_any,crs_g1,crs_g2,crs_g3,crs_g4,infections,infections_severe,dsdna_measured,dsdna_decreased,bcell_phenotype
Alpha 2022,Alpha,2022,3,CD19,autologous,12.5,2,1,1,,,1,0,3,2,naive up
Beta 2024,Beta,2024,2,CD19-BCMA,Allogeneic,,0,,,,,0,,,,
"""

PATIENTS = """\
study_id,patient_id,month,sledai,anti_dsdna
Alpha 2022,P1,0,16,120.5
Alpha 2022,P1,3,4,
Alpha 2022,P2,0,10,
Beta 2024,B1,0,8,
Beta 2024,B1,6,0,
"""

INCLUDED = {"Alpha 2022", "Beta 2024", "Gamma 2023"}


def write_pair(folder: Path, studies: str = STUDIES, patients: str = PATIENTS) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    studies_path, patients_path = folder / "studies.csv", folder / "patients.csv"
    studies_path.write_text(studies, encoding="utf-8")
    patients_path.write_text(patients, encoding="utf-8")
    return studies_path, patients_path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return write_pair(tmp_path)


def include_studies(db: Path, studies: list[tuple[str, int, bool]]) -> list[str]:
    """Include one record per (family name, year, from other methods) at full text, as screening
    does; returns the study labels screening gives them ("Family Year")."""
    from cartsle_cli.screening import Decision, record_decision
    from cartsle_cli.store import open_review, transaction
    from tests.screening.conftest import add_records, make_record

    record_ids = []
    for number, (family, year, other_methods) in enumerate(studies, 1):
        source = "ACR Convergence 2024" if other_methods else "PubMed"
        record = make_record(
            number, authors=[f"{family}, A"], year=year, doi=f"10.1000/{family.lower()}.{year}"
        )
        record_ids += add_records(db, [record], database=f"{source} {number}", other_methods=other_methods)
    conn = open_review(db)
    try:
        with transaction(conn):
            for stage in ("ta", "ft"):
                for record_id in record_ids:
                    record_decision(conn, Decision(record_id, stage, "lead", "include", resolution=True))
    finally:
        conn.close()
    return [f"{family} {year}" for family, year, _ in studies]


def seed_protocol():
    """The seed review's protocol (the car-t-sle preset): the columns these files use."""
    from cartsle_cli.protocol import read_protocol
    from cartsle_cli.protocol.presets import preset_path

    return read_protocol(preset_path("car-t-sle"))


@dataclass(frozen=True)
class Pair:
    """A validated studies.csv and patients.csv as frames, with their lines."""

    studies: pd.DataFrame
    patients: pd.DataFrame
    study_lines: tuple[int, ...]
    patient_lines: tuple[int, ...]
    missing_study_ids: tuple[str, ...]


def validate_pair(studies: Path, patients: Path, included) -> Pair:
    from cartsle_cli.extraction.validation import validate_extraction

    extraction = validate_extraction(seed_protocol(), [studies, patients], included)
    first, second = extraction.files
    return Pair(
        first.frame,
        second.frame,
        tuple(line for line, _ in first.rows),
        tuple(line for line, _ in second.rows),
        extraction.missing_study_ids,
    )


def load_seed_protocol(conn) -> None:
    """Store the car-t-sle preset as the review's protocol, as `cartsle protocol load` does."""
    from cartsle_cli.protocol.presets import preset_path
    from cartsle_cli.protocol.store import load_protocol

    load_protocol(conn, preset_path("car-t-sle"))
