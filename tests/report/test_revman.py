"""RevMan Web's study information file, from the included studies."""

from __future__ import annotations

import csv


def test_study_information_has_one_row_per_included_study(cli, screened, tmp_path):
    cli("export", "--included", "--format", "revman", "-o", tmp_path / "revman")
    with (tmp_path / "revman" / "study_information.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # One included study: record 0, labelled from its first author and year.
    assert [row["Study"] for row in rows] == ["Author0 2022"]
    assert list(rows[0]) == [
        "Study",
        "Char: Methods",
        "Char: Participants",
        "Char: Interventions",
        "Char: Outcomes",
        "Char: Identification",
        "Char: Notes",
    ]
    assert rows[0]["Char: Identification"] == f"cartsle record {screened[0]}, DOI 10.1000/t.0"
    assert rows[0]["Char: Notes"] == "1 report; found via databases"


def test_revman_needs_the_included_studies_and_a_folder(cli, screened):
    bad = cli("export", "--stage", "ta", "--decision", "include", "--format", "revman", ok=False)
    assert bad.exit_code == 1 and "--included -o FOLDER" in bad.output
