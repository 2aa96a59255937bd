"""The columns of the two extraction files: the contract between extraction, stats and the sample.

``studies.csv`` has one row per included study; ``patients.csv`` one row per patient and month
(long format). A column is (name, type, required, description). Types: ``text``, ``int`` (a
whole number, blank when not reported), ``float``, ``choice:a|b``. Counts are patients, never
events (a patient with two infections counts once). Every number is at least ``minimum`` (0 unless
said otherwise: counts, times and lab values are never negative) and at most ``maximum``.

Grades: leave all of an outcome's grade columns blank when the study does not report grades; once
one is filled, blank grades count as 0 and the grades must add up to the "any" count
(:data:`GRADED_OUTCOMES`). A sub-count is never larger than its parent (:data:`SUBCOUNTS`), and
no count is larger than ``n_treated``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str
    minimum: float = 0
    maximum: float | None = None


STUDY_COLUMNS: tuple[Column, ...] = (
    Column("study_id", "text", True, "the included study's id as `cartsle screen studies` lists it"),
    Column("first_author", "text", True, "family name of the first author of the main report"),
    Column("year", "int", True, "year of the main report", minimum=1950, maximum=2100),
    Column("design", "text", False, "e.g. case series, phase 1 trial, case report"),
    Column("country", "text", False, "where patients were treated"),
    Column("n_treated", "int", True, "patients who received CAR T cells", minimum=1),
    Column("product", "text", False, "CAR product name or construct"),
    Column("target", "text", True, "antigen target: CD19, CD19-BCMA, BCMA, ... (others allowed)"),
    Column("origin", "choice:autologous|allogeneic", True, "source of the CAR T cells"),
    Column("lymphodepletion", "text", False, "conditioning regimen, e.g. Flu/Cy"),
    Column("dose", "text", False, "cell dose as reported"),
    Column("followup_months", "float", False, "median or longest follow-up in months"),
    Column("crs_any", "int", False, "patients with cytokine release syndrome, any grade"),
    Column("crs_g1", "int", False, "CRS ASTCT grade 1"),
    Column("crs_g2", "int", False, "CRS grade 2"),
    Column("crs_g3", "int", False, "CRS grade 3"),
    Column("crs_g4", "int", False, "CRS grade 4"),
    Column("icans_any", "int", False, "patients with ICANS, any grade"),
    Column("icans_g1", "int", False, "ICANS ASTCT grade 1"),
    Column("icans_g2", "int", False, "ICANS grade 2"),
    Column("icans_g3", "int", False, "ICANS grade 3"),
    Column("icans_g4", "int", False, "ICANS grade 4"),
    Column("infections", "int", False, "patients with any infection"),
    Column("infections_severe", "int", False, "patients with a severe (grade >= 3) infection"),
    Column("heme_tox_g34", "int", False, "patients with grade 3-4 haematological toxicity"),
    Column("cytopenia_prolonged", "int", False, "patients with cytopenia lasting > 28 days"),
    Column("bcell_depletion_weeks", "float", False, "weeks to B-cell depletion (blank: not reported)"),
    Column(
        "bcell_reconstitution_months",
        "float",
        False,
        "months to B-cell reconstitution (blank: not seen or not reported)",
    ),
    Column(
        "bcell_phenotype",
        "text",
        False,
        "B-cell phenotype finding at reconstitution, e.g. 'naive up, memory down'; blank: not analysed",
    ),
    Column("dsdna_measured", "int", False, "patients with anti-dsDNA measured before and after"),
    Column("dsdna_decreased", "int", False, "of those, patients whose anti-dsDNA decreased"),
    Column("dsdna_normalised", "int", False, "of those, patients whose anti-dsDNA normalised"),
    Column("complement_measured", "int", False, "patients with C3/C4 measured before and after"),
    Column("complement_normalised", "int", False, "of those, patients whose complement normalised"),
)

PATIENT_COLUMNS: tuple[Column, ...] = (
    Column("study_id", "text", True, "the study, as in studies.csv"),
    Column("patient_id", "text", True, "the patient's label within the study (e.g. P1)"),
    Column("month", "float", True, "months after infusion; 0 = baseline"),
    Column("sledai", "int", True, "SLEDAI-2K score, 0-105", maximum=105),
    Column("anti_dsdna", "float", False, "anti-dsDNA titre (IU/mL)"),
    Column("c3", "float", False, "C3 (g/L)"),
    Column("c4", "float", False, "C4 (g/L)"),
    Column("prednisone_mg", "float", False, "prednisone-equivalent dose (mg/day)"),
)

# The "any" count of each graded outcome and its ASTCT grade columns.
GRADED_OUTCOMES: dict[str, tuple[str, ...]] = {
    "crs_any": ("crs_g1", "crs_g2", "crs_g3", "crs_g4"),
    "icans_any": ("icans_g1", "icans_g2", "icans_g3", "icans_g4"),
}

# Sub-count -> the count it is a part of ("of those ...").
SUBCOUNTS: dict[str, str] = {
    "infections_severe": "infections",
    "dsdna_decreased": "dsdna_measured",
    "dsdna_normalised": "dsdna_measured",
    "complement_normalised": "complement_measured",
}

# Columns counting patients of the study: none may exceed n_treated.
COUNT_COLUMNS: tuple[str, ...] = tuple(
    column.name
    for column in STUDY_COLUMNS
    if column.type == "int" and column.name not in ("year", "n_treated")
)
