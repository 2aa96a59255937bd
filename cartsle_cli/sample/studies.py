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

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Study:
    """One included study: its extraction row and where its reports came from."""

    label: str  # the study label used in screening and as ``study_id`` in the extraction files
    source: str  # "databases" or "acr" (the ACR Convergence 2024 archive)
    row: dict[str, object]


# One row per study: where its reports came from (``source``), then its studies.csv columns (study,
# author, year, design, country, n, product, target, origin, lymphodepletion, dose, follow-up, CRS
# any/g1-g4, ICANS any/g1-g4, infections/severe, heme g3-4/prolonged, depletion weeks,
# reconstitution months, phenotype, dsDNA measured/decreased/normalised, complement
# measured/normalised). A table is data: kept as one, it reads as the reviewer's spreadsheet would.
_TABLE = "included_studies.csv"
_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


def _value(cell: str) -> object:
    """A cell as the extraction row holds it: blank is None, numbers are int or float."""
    if not cell:
        return None
    if _WHOLE.fullmatch(cell):
        return int(cell)
    return float(cell) if _DECIMAL.fullmatch(cell) else cell


def _read_studies() -> tuple[Study, ...]:
    text = resources.files("cartsle_cli.sample").joinpath(_TABLE).read_text(encoding="utf-8")
    studies = []
    for row in csv.DictReader(io.StringIO(text)):
        source = row.pop("source")
        values = {key: _value(cell) for key, cell in row.items()}
        studies.append(Study(label=str(values["study_id"]), source=source, row=values))
    return tuple(studies)


STUDIES: tuple[Study, ...] = _read_studies()


def study(label: str) -> Study:
    return next(s for s in STUDIES if s.label == label)
