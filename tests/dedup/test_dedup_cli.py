"""`cartsle dedup ...` and `cartsle export --unique` through the CLI runner."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from cartsle_cli.cli.dedup import _marked

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
    # 4 is the same as 1, so it is the same as 3, which is in 1's cluster: the second pair follows
    assert "Pair 1 of 2" in output and "Pair 2 of 2" not in output
    assert "1 decisions stored; 1 pairs not asked" in output
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
    assert "0 same, 2 different, 0 skipped" in cli("dedup", "decide", pairs, "--reviewer", "AB").output
    again = cli("dedup", "decide", pairs, "--reviewer", "AB").output
    assert "0 same, 0 different, 0 skipped, 2 already decided so: nothing changed" in again


def test_decide_and_review_need_a_reviewer(review_file, cli, tmp_path):
    cli("dedup")
    pairs = tmp_path / "pairs.csv"
    cli("dedup", "review", "--export", pairs)  # exporting decides nothing: no reviewer needed
    for args in (("decide", pairs), ("review",)):
        result = cli("dedup", *args, ok=False, input="s\n")
        assert result.exit_code == 1 and "--reviewer" in result.output


def test_review_screen_shows_abstracts_and_marks_differing_words(review_file, cli):
    cli("dedup")
    output = cli("dedup", "review", "--reviewer", "AB", input="q\n").output
    assert "│ abstract" in output
    marked = _marked("Robots help after stroke", {1, 3})
    assert [marked.plain[span.start : span.end] for span in marked.spans if span.style] == ["help", "stroke"]


def test_undo_says_what_it_splits_and_asks_first(review_file, cli):
    cli("dedup")
    refused = cli("dedup", "undo", "3", input="n\n").output
    assert "would separate the whole cluster" in refused and "nothing changed" in refused
    assert json.loads(cli("dedup", "--json").output)["duplicates_removed"] == 1
    done = cli("dedup", "undo", "3", input="y\n").output
    assert "separated the whole cluster" in done and "Robot-assisted arm training" in done
    assert json.loads(cli("dedup", "--json").output)["duplicates_removed"] == 0


def test_undo_with_yes_does_not_ask(review_file, cli):
    cli("dedup")
    output = cli("dedup", "undo", "3", "--yes").output
    assert "split?" not in output and "separated the whole cluster" in output


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
    sources = output.split("Source records", 1)[1]
    assert sources.count("Robot-assisted") == 2  # each source record named by id and title


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
