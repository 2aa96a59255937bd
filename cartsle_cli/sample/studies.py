"""The 14 included studies of the sample review, as the extraction file ``studies.csv`` holds them.

The rows were chosen by hand so that their columns add up to the abstract's totals (98 treated,
12 CD19 and 2 CD19-BCMA, 2 allogeneic, CRS 56 = 50 grade 1 + 5 grade 2 + 1 grade 3, ICANS 3 of
grades 1, 3 and 4, infections 21 with 6 severe, grade 3-4 haematological toxicity 17 with 8
prolonged, anti-dsDNA measured 40 / decreased 36 / normalised 29, complement normalised 37,
B-cell depletion 1-3 weeks everywhere, reconstitution at 2-3 months in 9 of the 11 studies that
report it, 5 studies with B-cell phenotypes). The study names and every detail are invented: no
row describes a real study. cartsle computes every figure it prints from these rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Study:
    """One included study: its extraction row and where its reports came from."""

    label: str  # the study label used in screening and as ``study_id`` in the extraction files
    source: str  # "databases" or "acr" (the ACR Convergence 2024 archive)
    row: dict[str, object]


_KEYS = (
    "study_id first_author year design country n_treated product target origin lymphodepletion dose "
    "followup_months crs_any crs_g1 crs_g2 crs_g3 crs_g4 icans_any icans_g1 icans_g2 icans_g3 icans_g4 "
    "infections infections_severe heme_tox_g34 cytopenia_prolonged bcell_depletion_weeks "
    "bcell_reconstitution_months bcell_phenotype dsdna_measured dsdna_decreased dsdna_normalised "
    "complement_measured complement_normalised"
).split()

NAIVE_UP = "naive (CD20+ CD27-) up, memory (CD20+ CD27+) down"
FLU_CY = "fludarabine 25 mg/m2 x3 + cyclophosphamide 1000 mg/m2"

# study, author, year, design, country, n, product, target, origin, lymphodepletion, dose, follow-up,
# CRS any/g1/g2/g3/g4, ICANS any/g1/g2/g3/g4, infections/severe, heme g3-4/prolonged,
# depletion weeks, reconstitution months, phenotype, dsDNA measured/decreased/normalised,
# complement measured/normalised
_ROWS = (
    ("databases", "Hartmann 2022", "Hartmann", 2022, "case series", "Germany", 15, "MB-CART19.1 (4-1BB)", "CD19", "autologous", FLU_CY, "1 x 10^6/kg", 24,
     10, 9, 1, 0, 0, 1, 1, 0, 0, 0, 4, 1, 3, 2, 1, 2.5, NAIVE_UP, 10, 9, 7, 10, 9),
    ("databases", "Lindqvist 2024", "Lindqvist", 2024, "phase 1 trial", "Sweden", 12, "CD19-CAR (CD28)", "CD19", "autologous", FLU_CY, "1-2 x 10^6/kg", 12,
     8, 7, 1, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2, 1, 2, 3, NAIVE_UP, 8, 7, 6, 8, 8),
    ("databases", "Zhou 2024", "Zhou", 2024, "phase 1 trial", "China", 10, "BCMA-CD19 cCAR", "CD19-BCMA", "autologous", FLU_CY, "3 x 10^6/kg", 9,
     6, 4, 1, 1, 0, 1, 0, 0, 1, 0, 3, 1, 3, 2, 1.5, 2, NAIVE_UP, 6, 6, 5, 6, 6),
    ("databases", "Okafor 2024", "Okafor", 2024, "phase 1 trial", "United States", 8, "allogeneic CD19 CAR T (TALEN-edited)", "CD19", "allogeneic", FLU_CY, "1 x 10^8 cells", 6,
     5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 2, 2, None, None, None, None, None, None),
    ("databases", "Moreau 2023", "Moreau", 2023, "case series", "France", 7, "CD19-CAR (4-1BB)", "CD19", "autologous", FLU_CY, "1 x 10^6/kg", 12,
     4, 3, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 1, 3, NAIVE_UP, 5, 4, 3, 5, 4),
    ("databases", "Castellano 2024", "Castellano", 2024, "case series", "Spain", 6, "ARI-0001", "CD19", "autologous", FLU_CY, "1 x 10^6/kg", 6,
     4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 2, None, None, None, None, None, None, None),
    ("databases", "Petrov 2024", "Petrov", 2024, "phase 1 trial", "Germany", 5, "CD19-CAR (4-1BB)", "CD19", "autologous", FLU_CY, "1 x 10^6/kg", 9,
     3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 3, 2.5, None, 4, 4, 3, 4, 4),
    ("databases", "Sato 2023", "Sato", 2023, "case series", "Japan", 3, "CD19-CAR (CD28)", "CD19", "autologous", FLU_CY, "2 x 10^6/kg", 18,
     2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, None, None, None, None, None, None),
    ("acr", "Nakamura 2024", "Nakamura", 2024, "case series", "Japan", 9, "CD19-CAR (4-1BB)", "CD19", "autologous", FLU_CY, "1 x 10^6/kg", 6,
     5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 1, 0, 2, 2, None, None, None, None, None, None),
    ("acr", "Bianchi 2024", "Bianchi", 2024, "phase 1 trial", "Italy", 8, "CD19/BCMA bispecific CAR", "CD19-BCMA", "autologous", FLU_CY, "2 x 10^6/kg", 6,
     4, 3, 1, 0, 0, 1, 0, 0, 0, 1, 2, 1, 2, 1, 1.5, 3, NAIVE_UP, 4, 3, 3, 4, 3),
    ("acr", "Ferreira 2024", "Ferreira", 2024, "phase 1 trial", "Brazil", 5, "allogeneic CD19 CAR T (healthy donor)", "CD19", "allogeneic", FLU_CY, "1 x 10^8 cells", 9,
     2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 3, 1.5, None, None, None, None, None, None),
    ("acr", "Kowalski 2024", "Kowalski", 2024, "case series", "Poland", 4, "CD19-CAR (4-1BB)", "CD19", "autologous", FLU_CY, "1 x 10^6/kg", 6,
     2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, None, None, 3, 3, 2, 3, 3),
    ("acr", "Haddad 2024", "Haddad", 2024, "case series", "United States", 4, "CD19-CAR (CD28)", "CD19", "autologous", FLU_CY, "1 x 10^6/kg", 3,
     1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2.5, None, None, None, None, None, None),
    ("acr", "Oyelaran 2024", "Oyelaran", 2024, "case report", "Nigeria", 2, "CD19-CAR (4-1BB)", "CD19", "autologous", FLU_CY, "1 x 10^6/kg", 3,
     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, None, None, None, None, None, None, None),
)

STUDIES: tuple[Study, ...] = tuple(
    Study(label=row[1], source=row[0], row=dict(zip(_KEYS, row[1:]))) for row in _ROWS
)


def study(label: str) -> Study:
    return next(s for s in STUDIES if s.label == label)
