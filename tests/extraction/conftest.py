"""A small valid pair of extraction files, written into a test's folder."""

from __future__ import annotations

from pathlib import Path

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
