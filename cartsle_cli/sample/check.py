"""The generator's self-check: the sample's figures recomputed from its files with numpy and scipy.

Independent of cartsle's readers and statistics: records are counted by their start tags or rows,
quartiles by ``numpy.percentile(method="linear")`` (R's type 7), CIs by ``scipy.stats.t``, the
subgroup tests by ``scipy.stats.mannwhitneyu``. ``make_sample.py`` prints this; the tests assert it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class SampleFigures:
    records: dict[str, int]  # search file -> records, counted by start tag or row
    duplicate_records: int  # records minus true clusters, database files only
    true_clusters: int
    patients_with_baseline: int
    patients_with_last_score: int
    reduction_quartiles: dict[int, tuple[float, float, float]]  # month -> Q1, median, Q3
    mean_ci: dict[int, tuple[float, float, float, int]]  # month -> mean, low, high, n
    last_zero: int
    last_low: int
    subgroup_p: dict[str, float]
    study_totals: dict[str, int]


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def count_records(folder: Path) -> dict[str, int]:
    searches = folder / "searches"
    text = {
        name: (searches / name).read_text(encoding="utf-8-sig")
        for name in ("pubmed.nbib", "embase.ris", "central.ris")
    }
    return {
        "pubmed.nbib": sum(1 for line in text["pubmed.nbib"].splitlines() if line.startswith("PMID- ")),
        "embase.ris": sum(1 for line in text["embase.ris"].splitlines() if line.startswith("TY  - ")),
        "scopus.csv": len(_rows(searches / "scopus.csv")),
        "central.ris": sum(1 for line in text["central.ris"].splitlines() if line.startswith("TY  -  ")),
        "acr_convergence_2024.csv": len(_rows(searches / "acr_convergence_2024.csv")),
    }


def figures(folder: Path) -> SampleFigures:
    records = count_records(folder)
    truth = _rows(folder / "truth" / "clusters.csv")
    database_rows = [row for row in truth if row["source_file"] != "acr_convergence_2024.csv"]
    clusters = {row["cluster"] for row in database_rows}
    patients = _rows(folder / "extraction" / "patients.csv")
    studies = {row["study_id"]: row for row in _rows(folder / "extraction" / "studies.csv")}
    scores: dict[tuple[str, str], dict[float, int]] = {}
    for row in patients:
        scores.setdefault((row["study_id"], row["patient_id"]), {})[float(row["month"])] = int(row["sledai"])
    baseline = {p: s[0.0] for p, s in scores.items() if 0.0 in s}
    last = {p: s[max(m for m in s if m > 0)] for p, s in scores.items() if any(m > 0 for m in s)}
    quartiles = {}
    for month in (1, 3, 6):
        reductions = [baseline[p] - s[month] for p, s in scores.items() if p in baseline and month in s]
        q1, q2, q3 = np.percentile(reductions, [25, 50, 75], method="linear")
        quartiles[month] = (float(q1), float(q2), float(q3))
    means = {}
    for month in (0, 3, 6):
        values = np.array([s[month] for s in scores.values() if month in s], dtype=float)
        half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
        means[month] = (
            float(values.mean()),
            float(values.mean() - half),
            float(values.mean() + half),
            len(values),
        )
    reduction_last = {p: baseline[p] - last[p] for p in last if p in baseline}
    subgroup_p = {}
    for column, value in (("origin", "allogeneic"), ("target", "CD19-BCMA")):
        inside = [r for (study, _), r in reduction_last.items() if studies[study][column] == value]
        outside = [r for (study, _), r in reduction_last.items() if studies[study][column] != value]
        subgroup_p[f"{column}: {value}"] = float(
            stats.mannwhitneyu(inside, outside, alternative="two-sided").pvalue
        )
    totals = {
        column: sum(int(row[column] or 0) for row in studies.values())
        for column in (
            "n_treated",
            "crs_any",
            "crs_g1",
            "crs_g2",
            "crs_g3",
            "icans_any",
            "infections",
            "infections_severe",
            "heme_tox_g34",
            "cytopenia_prolonged",
            "dsdna_measured",
            "dsdna_decreased",
            "dsdna_normalised",
            "complement_normalised",
        )
    }
    return SampleFigures(
        records=records,
        duplicate_records=len(database_rows) - len(clusters),
        true_clusters=len(clusters),
        patients_with_baseline=len(baseline),
        patients_with_last_score=len(last),
        reduction_quartiles=quartiles,
        mean_ci=means,
        last_zero=sum(1 for s in last.values() if s == 0),
        last_low=sum(1 for s in last.values() if s <= 4),
        subgroup_p=subgroup_p,
        study_totals=totals,
    )
