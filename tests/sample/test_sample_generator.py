"""The sample review's generator: counts per file, planted duplicates and traps, determinism."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from cartsle_cli.sample.check import count_records
from cartsle_cli.sample.generate import write_sample
from cartsle_cli.sample.registry import DEFAULT, samples

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
# Published trial tables typed in from their sources (sample_data/README.md), not generated; the
# other sample reviews' folders, which tests/sample/test_trial_samples.py regenerates.
NOT_GENERATED = ("meta", *(name for name in samples() if name != DEFAULT))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    write_sample(folder)
    return folder


def truth_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "truth" / "clusters.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_regenerating_gives_the_committed_files_byte_for_byte(generated: Path) -> None:
    committed = sorted(
        p.relative_to(SAMPLE)
        for p in SAMPLE.rglob("*")
        if p.is_file() and p.parent != SAMPLE and p.relative_to(SAMPLE).parts[0] not in NOT_GENERATED
    )
    fresh = sorted(p.relative_to(generated) for p in generated.rglob("*") if p.is_file())
    assert fresh == committed
    for relative in fresh:
        assert (generated / relative).read_bytes() == (SAMPLE / relative).read_bytes(), relative


def test_database_files_hold_the_abstracts_4943_records(generated: Path) -> None:
    # the abstract: "The search strategy yielded 4,943 results"
    counts = count_records(generated)
    assert counts == {
        "pubmed.nbib": 1251,
        "embase.ris": 2286,
        "scopus.csv": 1103,
        "central.ris": 303,
        "acr_convergence_2024.csv": 48,
    }
    assert sum(v for k, v in counts.items() if not k.startswith("acr")) == 4943


def test_truth_has_one_row_per_record_and_duplicates_across_and_within_files(generated: Path) -> None:
    rows = truth_rows(generated)
    assert len(rows) == 4943 + 48
    assert len({(row["source_file"], row["id"]) for row in rows}) == len(rows)  # ids unique per file
    files_per_cluster = defaultdict(list)
    for row in rows:
        files_per_cluster[row["cluster"]].append(row["source_file"])
    across = [c for c, files in files_per_cluster.items() if len(set(files)) >= 3]
    within = [c for c, files in files_per_cluster.items() if max(Counter(files).values()) > 1]
    assert len(across) > 500
    assert len(within) == 26 + 8 + 8  # second records inside Embase, Scopus and CENTRAL


def test_traps_are_separate_clusters(generated: Path) -> None:
    rows = truth_rows(generated)
    traps = Counter(row["not_a_duplicate_of"].split(" ")[0] for row in rows if row["not_a_duplicate_of"])
    assert {"conference", "erratum", "same", "shares"} <= set(traps)
    # abstracts sharing their supplement's DOI are different works
    embase = (generated / "searches" / "embase.ris").read_text(encoding="utf-8-sig")
    dois = Counter(line[6:] for line in embase.splitlines() if line.startswith("DO  - "))
    assert max(dois.values()) >= 5


def test_duplicates_differ_the_ways_real_exports_do(generated: Path) -> None:
    embase = (generated / "searches" / "embase.ris").read_text(encoding="utf-8-sig")
    scopus = (generated / "searches" / "scopus.csv").read_text(encoding="utf-8-sig")
    central = (generated / "searches" / "central.ris").read_text(encoding="utf-8")
    pubmed = (generated / "searches" / "pubmed.nbib").read_text(encoding="utf-8")
    assert "&#8208;" in embase or "&amp;" in embase  # HTML entities in titles
    assert "10.5555/" in scopus and "10.5555/".upper() in scopus.upper()
    assert any(line.startswith("DO  -  https://doi.org/") for line in central.splitlines())
    assert "\u2010" in central  # Cochrane page ranges joined with U+2010
    assert any(line.startswith("TI  - [") for line in pubmed.splitlines())  # translated title
    assert any(
        line.startswith("PG  - ") and len(line.split("-")[-1]) < len(line.split("-")[1].strip())
        for line in pubmed.splitlines()
    )


def test_every_file_that_allows_it_says_it_is_synthetic(generated: Path) -> None:
    for name in ("pubmed.nbib", "embase.ris", "central.ris", "scopus.csv", "acr_convergence_2024.csv"):
        assert (
            "Synthetic record" in (generated / "searches" / name).read_text(encoding="utf-8-sig")[:20000]
        ), name
