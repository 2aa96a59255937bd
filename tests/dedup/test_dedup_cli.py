"""`cartsle dedup ...` and `cartsle export --unique` through the CLI runner."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

TITLE = "Robot-assisted arm training for improving activities of daily living after stroke"
OTHER = "Task-oriented circuit class training improves gait after stroke"


@pytest.fixture
def review_file(add, rec):
    add(
        [rec(TITLE, doi="10.1002/14651858.cd006876"), rec(OTHER, authors=("English, C",), pages="300-310")],
        "PubMed",
    )
    add(
        [
            rec(TITLE, abstract="Robots help.", issue=None),
            rec(TITLE[:50], journal=None, volume=None, issue=None, pages=None),
        ],
        "Embase",
    )


def test_dedup_prints_table_per_source_and_prisma_figures(review_file, cli):
    output = cli("dedup").output
    assert "Duplicates per source" in output and "PRISMA 2020" in output
    assert "Duplicate records removed" in output


def test_dedup_json_gives_counts_per_source(review_file, cli):
    result = json.loads(cli("dedup", "--json").output)
    assert [(s["database"], s["records"], s["duplicates"], s["unique"]) for s in result["sources"]] == [
        ("PubMed", 2, 1, 1),
        ("Embase", 2, 0, 2),
    ]  # the Embase copy has the abstract: it is kept
    assert result["duplicates_removed"] == 1 and result["unique"] == 3 and result["pending_review"] == 2


def test_review_in_the_terminal_takes_same_and_merges(review_file, cli):
    cli("dedup")
    output = cli("dedup", "review", "--reviewer", "AB", input="s\nsame\n").output
    assert "Pair 1 of 2" in output and "2 decisions stored" in output
    clusters = {
        row["record_id"]: row["cluster"]
        for row in csv.DictReader(io.StringIO(cli("dedup", "clusters", "--format", "csv").output))
    }
    assert len({clusters["1"], clusters["3"], clusters["4"]}) == 1
    assert json.loads(cli("dedup", "--json").output)["pending_review"] == 0


def test_export_then_decide_pairs_in_bulk(review_file, cli, tmp_path):
    cli("dedup")
    pairs = tmp_path / "pairs.csv"
    cli("dedup", "review", "--export", pairs)
    text = pairs.read_text().splitlines()
    rows = [text[0]] + [line.replace(",,", ",different,", 1) for line in text[1:]]
    pairs.write_text("\n".join(rows) + "\n")
    assert "0 same, 2 different, 0 skipped" in cli("dedup", "decide", pairs).output


def test_undo_takes_a_merge_back(review_file, cli):
    cli("dedup")
    assert "separated records" in cli("dedup", "undo", "3").output
    assert json.loads(cli("dedup", "--json").output)["duplicates_removed"] == 0


def test_undo_of_unclustered_record_is_one_line_error(review_file, cli):
    cli("dedup")
    result = cli("dedup", "undo", "2", ok=False)
    assert result.exit_code == 1 and "not in a cluster" in result.output


def test_clusters_csv_has_one_row_per_imported_record(review_file, cli):
    cli("dedup")
    rows = list(csv.DictReader(io.StringIO(cli("dedup", "clusters", "--format", "csv").output)))
    assert [(row["id"], row["source_file"]) for row in rows] == [
        ("1", "pubmed-1.ris"),
        ("2", "pubmed-1.ris"),
        ("1", "embase-2.ris"),
        ("2", "embase-2.ris"),
    ]
    assert rows[0]["cluster"] == rows[2]["cluster"] != rows[1]["cluster"]


def test_show_gives_the_merged_record_and_its_sources(review_file, cli):
    cli("dedup")
    output = cli("dedup", "show", "3").output
    assert "10.1002/14651858.cd006876" in output and "PubMed" in output and "Embase" in output


def test_export_unique_writes_merged_records_as_ris_and_csv(review_file, cli):
    cli("dedup")
    ris = cli("export", "--unique", "--format", "ris").output
    assert (
        ris.count("TY  - JOUR") == 3
        and "AB  - Robots help." in ris
        and "DO  - 10.1002/14651858.cd006876" in ris
    )
    rows = list(csv.DictReader(io.StringIO(cli("export", "--unique", "--format", "csv").output)))
    assert len(rows) == 3 and rows[1]["doi"] == "10.1002/14651858.cd006876"


def test_export_without_unique_is_refused(review_file, cli):
    assert cli("export", "--format", "ris", ok=False).exit_code == 1


@pytest.mark.parametrize(
    "name, recall",
    [
        # bib-dedupe 0.11.0's recall on these sets (PROVENANCE.md of the shared labelled sets).
        ("cytology_screening", 0.985),
        ("stroke", 0.990),
    ],
)
def test_labelled_search_scored_by_the_shared_tool(shared, cli, tmp_path, name, recall):
    labelled = shared / "labelled-dedup"
    cli("import", labelled / f"bibdedupe__{name}_records_pre_merged.csv", "--source", name)
    cli("dedup")
    predicted = tmp_path / "clusters.csv"
    cli("dedup", "clusters", "--format", "csv", "-o", predicted)
    scored = subprocess.run(
        [
            sys.executable,
            shared / "tools" / "score_dedup.py",
            predicted,
            labelled / f"bibdedupe__{name}_merged_record_ids.csv",
            "--id-col",
            "id",
            "--cluster-col",
            "cluster",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    score = json.loads(scored.stdout)
    assert score["precision"] >= 0.999
    assert score["recall"] >= recall
