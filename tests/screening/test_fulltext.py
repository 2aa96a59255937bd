"""Full-text availability: recorded per report, shown at the full-text stage, counted by PRISMA."""

from __future__ import annotations

import json

from cartsle_cli.cli.screen_tui import ScreenApp
from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.store import open_review, transaction

from .conftest import add_records, make_record
from .test_screen_tui import run


def at_full_text(db, count=3):
    ids = add_records(db, [make_record(i) for i in range(count)])
    conn = open_review(db)
    with transaction(conn):
        for record in ids:
            for reviewer in ("kofi", "ama"):
                record_decision(conn, Decision(record, "ta", reviewer, "include"))
    conn.close()
    return ids


def test_fulltext_is_recorded_listed_and_counted_as_not_retrieved(db, cli, tmp_path):
    ids = at_full_text(db)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    cli("screen", "fulltext", ids[0], "--file", pdf)
    cli("screen", "fulltext", ids[1], "--url", "https://doi.org/10.1000/trial.1")
    cli("screen", "fulltext", ids[2], "--not-retrieved")
    listed = json.loads(cli("screen", "fulltext", "--json").stdout)
    assert [(row["record_id"], row["status"]) for row in listed] == [
        (ids[0], "file"),
        (ids[1], "url"),
        (ids[2], "not_retrieved"),
    ]
    prisma = json.loads(cli("prisma", "--json").stdout)["databases"]
    assert (prisma["sought"], prisma["not_retrieved"], prisma["assessed"]) == (3, 1, 2)
    assert "Reports not retrieved" in cli("prisma").stdout


def test_fulltext_needs_exactly_one_location_and_an_existing_file(db, cli, tmp_path):
    ids = at_full_text(db, 1)
    both = cli("screen", "fulltext", ids[0], "--url", "https://x.org", "--not-retrieved", ok=False)
    assert both.exit_code == 1 and "exactly one of" in both.output
    missing = cli("screen", "fulltext", ids[0], "--file", tmp_path / "absent.pdf", ok=False)
    assert missing.exit_code == 1 and "no such file" in missing.output
    assert "starts with http" in cli("screen", "fulltext", ids[0], "--url", "doi.org/x", ok=False).output
    excluded = add_records(db, [make_record(9)], database="Embase")[0]  # never reached full text
    assert (
        "has not reached full text" in cli("screen", "fulltext", excluded, "--not-retrieved", ok=False).output
    )


def test_full_text_screen_shows_where_the_full_text_is(db, cli):
    ids = at_full_text(db, 1)
    cli("screen", "fulltext", ids[0], "--url", "https://doi.org/10.1000/trial.0")
    shown = run(ScreenApp(db, stage="ft", reviewer="kofi"), "q")
    assert "full text: URL: https://doi.org/10.1000/trial.0" in shown[0]
