"""Every CSV and BibTeX file in ../shared/real-exports gives the counts its PROVENANCE.md states.

PROVENANCE.md's figures were counted by its author with a throw-away script over the files the
databases wrote, independently of cartsle: records, and records with a DOI, a PMID, an abstract.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cartsle_cli.formats import read_file

_ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|")
_SUFFIXES = (".csv", ".bib")

# PROVENANCE counted a field as present when its cell was non-empty. In bibliometrix's Scopus
# sample, written by R, four "PubMed ID" cells hold R's missing-value marker "NA": a PMID-less
# record, so cartsle finds 4 PMIDs where PROVENANCE says 8 (checked by eye in the file).
_CORRECTIONS = {("scopus/bibliometrix__scopus_sample.csv", "pmid"): (8, 4)}


def _count(cell: str) -> int:
    """The leading number of a PROVENANCE cell: "10 (PubMed ID)" -> 10, "none"/"no column" -> 0."""
    match = re.match(r"\s*(\d[\d,]*)", cell)
    return int(match.group(1).replace(",", "")) if match else 0


def _provenance(folder: Path) -> dict[str, dict[str, int]]:
    expected: dict[str, dict[str, int]] = {}
    for line in (folder / "PROVENANCE.md").read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if not match or not match.group("file").endswith(_SUFFIXES):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        # | file | produced by | repo | licence | bytes | records | DOI | PMID | abstract | ...
        records, doi, pmid, abstract = (_count(cell) for cell in cells[5:9])
        expected[match.group("file")] = {"records": records, "doi": doi, "pmid": pmid, "abstract": abstract}
    return expected


def test_provenance_lists_the_delimited_and_bibtex_exports(shared):
    files = _provenance(shared / "real-exports")
    assert {
        "pubmed/cff__baseline_pubmed.csv",
        "scopus/cff__baseline_scopus.csv",
        "scopus/synthesisr__Scopus_bib_example.bib",
    } <= set(files)


def test_every_csv_and_bibtex_export_gives_the_provenance_counts(shared):
    folder = shared / "real-exports"
    expected = _provenance(folder)
    assert expected, "no .csv or .bib rows found in PROVENANCE.md"
    for name, counts in expected.items():
        records = read_file(folder / name).records
        found = {
            "records": len(records),
            "doi": sum(1 for r in records if r.doi),
            "pmid": sum(1 for r in records if r.pmid),
            "abstract": sum(1 for r in records if r.abstract),
        }
        for measure, (stated, corrected) in ((m, v) for (f, m), v in _CORRECTIONS.items() if f == name):
            assert counts[measure] == stated, f"{name}: PROVENANCE changed its {measure} count"
            counts = {**counts, measure: corrected}
        assert found == counts, name


@pytest.mark.parametrize(
    "name", ["scopus/cff__baseline_scopus.csv", "scopus/bibliometrix__scopus_sample.csv"]
)
def test_scopus_csv_exports_are_recognised_as_scopus(shared, name):
    parsed = read_file(shared / "real-exports" / name)
    assert (parsed.format, parsed.database) == ("scopus-csv", "Scopus")
    assert all(r.accession and r.accession.startswith("2-s2.0-") for r in parsed.records)


@pytest.mark.parametrize(
    "name",
    [
        "scopus/cff__baseline_scopus.csv",
        "central/cff__baseline_cochrane.csv",
        "pubmed/cff__baseline_pubmed.csv",
    ],
)
def test_the_raw_rows_put_together_are_the_file_below_its_header(shared, name):
    path = shared / "real-exports" / name
    text = path.read_text(encoding="utf-8-sig")
    below_header = text.split("\n", 1)[1].rstrip("\n")
    assert "\n".join(record.raw for record in read_file(path).records) == below_header
