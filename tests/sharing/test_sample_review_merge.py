"""Issue 19's acceptance test on the sample review: two reviewers screen, extract and appraise on
their own copies, the lead merges them in both orders, and every count is as in one file.

The sample review (``cartsle_cli.sample``, as `cartsle demo` builds it) is imported and
deduplicated once. Its decision files carry two reviewers' votes (ana and ben); each reviewer's
rows go to their own copy, where they also change one vote with a note, and cast and undo one
more. The work comes back in three rounds, as a team works: title/abstract, then (after the lead
resolved its conflicts and shared again) full text, then extraction and appraisal. Each round is
merged ana-then-ben into one file and ben-then-ana into another; the two must be the same to the
event (times and event ids included), and the last must equal the same work done in one file.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from cartsle_cli.sample import write_sample
from cartsle_cli.screening.agreement import agreement
from cartsle_cli.screening.decisions import history
from cartsle_cli.screening.prisma import prisma_counts
from cartsle_cli.store import open_review
from cartsle_cli.store.backup import backup_review
from tests.conftest import Cli
from tests.sharing.test_share_merge import merge, share

REVIEWERS = ("ana", "ben")
Work = Callable[[Path], None]


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def record_key(row: dict) -> tuple[str, str, str]:
    return row["doi"], row["pmid"], row["title"]


def split_by_reviewer(source: Path, out: Path, keep: Callable[[dict], bool]) -> dict[str, Path]:
    """The rows of a two-reviewer decision file that ``keep`` keeps, one file per reviewer."""
    rows = [row for row in rows_of(source) if keep(row)]
    files = {}
    for reviewer in REVIEWERS:
        path = out / f"{source.stem}_{reviewer}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(row for row in rows if row["reviewer"] == reviewer)
        files[reviewer] = path
    return files


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> dict:
    """The sample's files, each reviewer's decision files, and the review imported and deduplicated."""
    folder = tmp_path_factory.mktemp("sample")
    write_sample(folder)
    base = folder / "base.db"
    cli = Cli(base)
    searches = folder / "searches"
    cli(
        "import",
        *(searches / name for name in ("pubmed.nbib", "embase.ris", "scopus.csv", "central.ris")),
        "--searched",
        "2024-11-01",
    )
    cli(
        "import",
        searches / "acr_convergence_2024.csv",
        "--other",
        "--source",
        "ACR Convergence 2024",
        "--searched",
        "2024-11-01",
    )
    cli("dedup")
    screening = folder / "screening"
    # For speed, a fifth of the title/abstract votes, and every vote on the records that were in
    # conflict or went on to full text (the lead's resolutions and the full-text file need them).
    needed = {
        record_key(row)
        for name in ("title_abstract_resolutions.csv", "full_text.csv")
        for row in rows_of(screening / name)
    }
    ta = rows_of(screening / "title_abstract.csv")
    some = {record_key(row) for row in ta[::10]} | needed  # rows come in pairs: one record in five
    return {
        "folder": folder,
        "base": base,
        "ta": split_by_reviewer(
            screening / "title_abstract.csv", folder, lambda row: record_key(row) in some
        ),
        "ft": split_by_reviewer(screening / "full_text.csv", folder, lambda row: True),
    }


def current_units(db: Path, reviewer: str, stage: str, decision: str) -> list[int]:
    with sqlite3.connect(db) as raw:
        return [
            row[0]
            for row in raw.execute(
                "SELECT unit_id FROM screening_current WHERE reviewer = ? AND stage = ? AND decision = ?"
                " AND resolution = 0 ORDER BY unit_id",
                (reviewer, stage, decision),
            )
        ]


def screen_title_abstract(sample: dict, reviewer: str) -> Work:
    """The reviewer's title/abstract votes from the sample, one of them changed with a note, and a
    maybe cast and undone (neither changes a record's agreement, so the lead's resolutions fit)."""

    def work(db: Path) -> None:
        cli = Cli(db)
        cli("screen", "import", sample["ta"][reviewer])
        first, second = current_units(db, reviewer, "ta", "exclude")[:2]
        cli("screen", "decide", first, "exclude", "--note", f"{reviewer}: not CAR T", "--reviewer", reviewer)
        cli("screen", "decide", second, "maybe", "--reviewer", reviewer)
        cli("screen", "undo", "--reviewer", reviewer)

    return work


def screen_full_text(sample: dict, reviewer: str) -> Work:
    def work(db: Path) -> None:
        cli = Cli(db)
        cli("screen", "import", sample["ft"][reviewer])
        excluded = current_units(db, reviewer, "ft", "exclude")
        with sqlite3.connect(db) as raw:
            (reason,) = raw.execute(
                "SELECT reason FROM screening_current WHERE unit_id = ? AND reviewer = ? AND stage = 'ft'",
                (excluded[0], reviewer),
            ).fetchone()
        cli(
            "screen", "decide", excluded[0], "exclude", "--stage", "ft", "--reason", reason,
            "--note", f"{reviewer}: checked the methods", "--reviewer", reviewer,
        )  # fmt: skip
        cli("screen", "decide", excluded[1], "maybe", "--stage", "ft", "--reviewer", reviewer)
        cli("screen", "undo", "--reviewer", reviewer)

    return work


def extract_and_appraise(sample: dict, reviewer: str) -> Work:
    folder = sample["folder"]

    def work(db: Path) -> None:
        cli = Cli(db)
        cli(
            "extract", "load", folder / "extraction" / "studies.csv", folder / "extraction" / "patients.csv",
            "--extractor", reviewer,
        )  # fmt: skip
        cli(
            "appraise", "load", folder / "appraisal" / f"jbi_{reviewer}.csv",
            "--tool", "jbi-case-series", "--reviewer", reviewer,
        )  # fmt: skip

    return work


def lead_resolves(sample: dict, name: str) -> Work:
    return lambda db: Cli(db)("screen", "resolve", "--file", sample["folder"] / "screening" / name)


def lead_loads_protocol(sample: dict) -> Work:
    return lambda db: Cli(db)("protocol", "load", sample["folder"] / "extraction" / "protocol.toml")


def fork(db: Path, out: Path) -> Path:
    conn = open_review(db)
    try:
        backup_review(conn, out)
    finally:
        conn.close()
    return out


def json_of(db: Path, *args: str) -> object:
    return json.loads(Cli(db)(*args, "--json").stdout)


def snapshot(db: Path, *, exact: bool) -> dict:
    """What the lead sees. ``exact``: the history with its times and event ids (two merges of the
    same copies); otherwise each reviewer's history in the order they made it, without times."""
    conn = open_review(db)
    try:
        entries = [dataclasses.replace(entry, id=0) for entry in history(conn)]
        if exact:
            story: object = entries
        else:
            story = {
                reviewer: [
                    (
                        e.record_id,
                        e.stage,
                        e.decision,
                        e.reason,
                        e.note,
                        e.resolution,
                        e.source,
                        bool(e.undone_at),
                    )
                    for e in entries
                    if e.reviewer == reviewer
                ]
                for reviewer in sorted({e.reviewer for e in entries})
            }
        state = {
            "current": sorted(
                tuple(row)
                for row in conn.execute(
                    "SELECT unit_id, stage, reviewer, decision, reason, note, resolution FROM screening_current"
                )
            ),
            "kappa": [dataclasses.astuple(stage) for name in ("ta", "ft") for stage in agreement(conn, name)],
            "prisma": prisma_counts(conn).to_dict(),
            "history": story,
        }
        loaded = conn.execute("SELECT count(*) FROM appraisal_loads").fetchone()[0]
    finally:
        conn.close()
    state["studies"] = json_of(db, "screen", "studies")
    if loaded:  # the last round: the appraisers' conflicts and the extractors' differences
        state["appraisal"] = json_of(db, "appraise", "conflicts")
        state["extraction"] = json_of(db, "extract", "compare")
    return state


def run(db: Path, *works: Work) -> Path:
    for work in works:
        work(db)
    return db


def round_of_copies(main: Path, out: Path, works: dict[str, Work]) -> tuple[Path, Path]:
    """Share a copy to each reviewer from ``main``, let each work on theirs, and merge them back in
    both orders: ana's then ben's into ``main``, ben's then ana's into a fork of it."""
    copies = {reviewer: share(main, reviewer, out / f"{main.stem}-{reviewer}.db") for reviewer in works}
    for reviewer, copy in copies.items():
        works[reviewer](copy)
    other = fork(main, out / f"{main.stem}-ba.db")
    for reviewer in REVIEWERS:
        merge(main, copies[reviewer])
    for reviewer in reversed(REVIEWERS):
        merge(other, copies[reviewer])
    assert snapshot(main, exact=True) == snapshot(other, exact=True)
    return main, other


def test_the_sample_review_screened_extracted_and_appraised_on_two_copies_merges_as_one_file(
    sample, tmp_path
):
    main = fork(sample["base"], tmp_path / "main.db")
    rounds = [
        ({r: screen_title_abstract(sample, r) for r in REVIEWERS}, lead_resolves(sample, "title_abstract_resolutions.csv")),
        ({r: screen_full_text(sample, r) for r in REVIEWERS}, lead_resolves(sample, "full_text_resolutions.csv")),
        ({r: extract_and_appraise(sample, r) for r in REVIEWERS}, None),
    ]  # fmt: skip
    for number, (works, lead) in enumerate(rounds):
        if number == 2:
            lead_loads_protocol(sample)(main)
        folder = tmp_path / f"round{number + 1}"
        folder.mkdir()
        main, _ = round_of_copies(main, folder, works)
        if lead:
            lead(main)

    one_file = fork(sample["base"], tmp_path / "one.db")
    run(
        one_file,
        *(screen_title_abstract(sample, r) for r in REVIEWERS),
        lead_resolves(sample, "title_abstract_resolutions.csv"),
        *(screen_full_text(sample, r) for r in REVIEWERS),
        lead_resolves(sample, "full_text_resolutions.csv"),
        lead_loads_protocol(sample),
        *(extract_and_appraise(sample, r) for r in REVIEWERS),
    )
    merged = snapshot(main, exact=False)
    assert merged == snapshot(one_file, exact=False)
    # the sample's own figures (cartsle_cli/sample, the abstract it reproduces): 4,943 records
    # from the databases; each reviewer's changed vote, their undone maybe and nothing else added
    assert merged["prisma"]["databases"]["identified_total"] == 4943
    for reviewer in REVIEWERS:
        notes = [entry for entry in merged["history"][reviewer] if entry[4] and entry[4].startswith(reviewer)]
        undone = [entry for entry in merged["history"][reviewer] if entry[7]]
        assert len(notes) == 2 and len(undone) == 2
    assert merged["studies"] and merged["appraisal"] and "extraction" in merged
