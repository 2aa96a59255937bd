"""Every tagged export in ../shared/real-exports gives the counts its PROVENANCE.md states.

The figures come from PROVENANCE.md, counted there by a script independent of cartsle.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cartsle_cli.formats import read_file

TAGGED = (".ris", ".nbib", ".txt", ".ciw", ".cgi", ".ovd")
DATABASE_OF_FOLDER = {
    "pubmed": "PubMed",
    "medline_ovid": "MEDLINE (Ovid)",
    "embase": "Embase",
    "scopus": "Scopus",
    "central": "CENTRAL",
    "wos": "Web of Science",
}
UNNAMED = {"pubmed/asreview__pubmed_zotero.ris"}  # Zotero's RIS names no database


def provenance_rows(shared: Path) -> dict[str, tuple[int, int, int, int]]:
    """File -> (records, with DOI, with PMID, with abstract) from PROVENANCE.md's tables."""
    rows = {}
    for line in (shared / "real-exports" / "PROVENANCE.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 9 or not cells[0].startswith("`"):
            continue
        name = cells[0].strip("`")
        if name.endswith(TAGGED):
            rows[name] = tuple(_count(cell) for cell in cells[5:9])
    return rows


def _count(cell: str) -> int:
    """ "190 (ID), 158 (L2 AN=)" -> 190; "none" -> 0."""
    match = re.match(r"\d+", cell)
    return int(match.group(0)) if match else 0


def test_provenance_lists_the_tagged_files(shared):
    rows = provenance_rows(shared)
    assert len(rows) == 24  # the .ris, .nbib, .txt, .ciw and .cgi files of the folder
    assert rows["medline_ovid/msm__medline.ris"] == (190, 178, 190, 188)


@pytest.mark.parametrize(
    "name",
    sorted(provenance_rows(Path(__file__).resolve().parents[3] / "shared"))
    if (Path(__file__).resolve().parents[3] / "shared").is_dir()
    else [],
)
def test_real_export_gives_provenance_counts(shared, name):
    expected = provenance_rows(shared)[name]
    parsed = read_file(shared / "real-exports" / name)
    records = parsed.records
    counted = (
        len(records),
        sum(1 for r in records if r.doi),
        sum(1 for r in records if r.pmid),
        sum(1 for r in records if r.abstract),
    )
    assert counted == expected
    folder = name.split("/")[0]
    assert parsed.database == (None if name in UNNAMED else DATABASE_OF_FOLDER[folder])
    assert all(record.title for record in records)


SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.mark.parametrize("name", ["pubmed.nbib", "embase.ris", "central.ris"])
def test_sample_review_tagged_files_give_every_record_of_its_truth_table(name):
    path = SAMPLE / "searches" / name
    truth = SAMPLE / "truth" / "clusters.csv"
    if not path.is_file() or not truth.is_file():
        pytest.skip("the sample review has not been generated")
    expected = sum(
        1 for line in truth.read_text(encoding="utf-8").splitlines() if line.split(",")[1:2] == [name]
    )
    parsed = read_file(path)
    assert len(parsed.records) == expected
    assert (
        parsed.database == {"pubmed.nbib": "PubMed", "embase.ris": "Embase", "central.ris": "CENTRAL"}[name]
    )
