"""Conflicts a lead can resolve: details beside the votes, a file round trip, and the screen."""

from __future__ import annotations

import asyncio
import csv
import json

from cartsle_cli.cli.screen_tui import ScreenApp
from cartsle_cli.screening.conflicts import list_conflicts
from cartsle_cli.screening.decisions import Decision, history, record_decision
from cartsle_cli.screening.outcomes import conflicts
from cartsle_cli.store import open_review, transaction

from .conftest import add_records, make_record


def two_conflicts(db):
    """Record 0: kofi includes, ama excludes at title/abstract; record 1 agreed (include) and then
    at full text kofi includes, ama excludes for "wrong population"; record 2 agreed exclude."""
    ids = add_records(
        db,
        [
            make_record(
                0,
                title="Anti-CD19 CAR T cells in refractory lupus",
                authors=["Müller, Fabian", "Schett, G"],
                year=2024,
            ),
            make_record(1, title="A second trial", authors=["Taubmann, J"], year=2023),
            make_record(2),
        ],
    )
    conn = open_review(db)
    with transaction(conn):
        for record, stage, kofi, ama, reason in (
            (ids[0], "ta", "include", "exclude", None),
            (ids[1], "ta", "include", "include", None),
            (ids[2], "ta", "exclude", "exclude", None),
            (ids[1], "ft", "include", "exclude", "wrong population"),
        ):
            record_decision(conn, Decision(record, stage, "kofi", kofi))
            record_decision(conn, Decision(record, stage, "ama", ama, reason))
    conn.close()
    return ids


def test_conflicts_list_title_year_first_author_and_each_vote_with_its_reason(db, cli):
    ids = two_conflicts(db)
    found = json.loads(cli("screen", "conflicts", "--json").stdout)
    assert [(c["record_id"], c["stage"]) for c in found] == [(ids[0], "ta"), (ids[1], "ft")]
    assert found[0]["title"] == "Anti-CD19 CAR T cells in refractory lupus"
    assert (found[0]["year"], found[0]["first_author"]) == (2024, "Müller, Fabian")
    assert found[1]["votes"] == {
        "ama": {"decision": "exclude", "reason": "wrong population", "note": None},
        "kofi": {"decision": "include", "reason": None, "note": None},
    }
    table = cli("screen", "conflicts").stdout
    assert "Anti-CD19 CAR T cells in refractory lupus" in table and "Müller, Fabian" in table
    assert "ama: exclude (wrong population); kofi: include" in table


def test_conflicts_file_round_trips_through_resolve_with_titles_in_it(db, cli, tmp_path):
    ids = two_conflicts(db)
    path = tmp_path / "conflicts.csv"
    cli("screen", "conflicts", "--export", path)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["title"] for row in rows] == ["Anti-CD19 CAR T cells in refractory lupus", "A second trial"]
    assert rows[0]["votes"] == "ama: exclude; kofi: include" and rows[0]["decision"] == ""
    # The lead settles the title/abstract conflict and leaves the full-text one for later.
    rows[0]["decision"] = "exclude"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = cli("screen", "resolve", "--file", path, "--reviewer", "lead")
    assert "1 rows without a decision left unresolved" in result.stderr
    conn = open_review(db)
    try:
        assert [c.unit_id for c in conflicts(conn, "ta")] == []
        assert [c.unit_id for c in conflicts(conn, "ft")] == [ids[1]]
        resolution = [e for e in history(conn, record_id=ids[0]) if e.resolution]
        assert [(e.reviewer, e.decision) for e in resolution] == [("lead", "exclude")]
    finally:
        conn.close()


def test_resolving_the_export_of_a_review_without_conflicts_changes_nothing_and_says_so(cli, tmp_path):
    cli("import", _one_record_file(tmp_path), "--source", "PubMed")
    path = tmp_path / "conflicts.csv"
    cli("screen", "conflicts", "--export", path)
    result = cli("screen", "resolve", "--file", path, "--reviewer", "lead")
    assert "the file lists no conflicts: nothing to resolve" in result.stderr
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("record_id,stage,reviewer,decision\n")
    empty = cli("screen", "import", decisions, ok=False)  # an import file must still hold decisions
    assert empty.exit_code == 1 and "no decisions in this file" in empty.output


def _one_record_file(tmp_path):
    path = tmp_path / "one.ris"
    path.write_text("TY  - JOUR\nTI  - A trial\nPY  - 2022\nER  - \n", encoding="utf-8")
    return path


def press(app: ScreenApp, *keys: str) -> list[str]:
    """Press keys in the headless app; return the conflict screen's text before each key and at the end.

    An app opened with ``resolve=True`` pushes the conflict screen after its first refresh, which on
    a loaded machine can come after the first pause: wait for it (at most 10 s) before the first key."""
    shown: list[str] = []

    async def drive() -> None:
        async with app.run_test() as pilot:
            for _ in range(200):
                if not app.resolve or _conflict_text(app):
                    break
                await pilot.pause(0.05)
            for key in keys:
                await pilot.pause()
                shown.append(_conflict_text(app))
                await pilot.press(key)
            await pilot.pause()
            shown.append(_conflict_text(app))

    asyncio.run(drive())
    return shown


def _conflict_text(app) -> str:
    try:
        screen = app.screen
        return str(screen.query_one("#conflict").content) + str(screen.query_one("#conflict-status").content)
    except Exception:  # not on the conflict screen
        return ""


def test_resolution_screen_shows_the_record_and_both_votes_and_keys_resolve(db):
    ids = two_conflicts(db)
    app = ScreenApp(db, stage="ta", reviewer="lead")
    # c opens the conflicts; i resolves the first (title/abstract); e at full text asks the
    # reason, offering the voted reason first: Enter picks it.
    shown = press(app, "c", "i", "e", "enter")
    first = shown[1]
    assert "conflict 1 of 2" in first and "Anti-CD19 CAR T cells in refractory lupus" in first
    assert "kofi: include" in first and "ama: exclude" in first
    assert "Müller F" in first and "Abstract 0" in first  # the record in full
    assert "conflict 1 of 1" in shown[2] and "(wrong population)" in shown[2]
    assert "none left" in shown[-1]
    conn = open_review(db)
    try:
        entries = [e for e in history(conn) if e.resolution]
        assert [(e.record_id, e.stage, e.reviewer, e.decision, e.reason) for e in entries] == [
            (ids[0], "ta", "lead", "include", None),
            (ids[1], "ft", "lead", "exclude", "wrong population"),
        ]
        assert list_conflicts(conn) == []
    finally:
        conn.close()


def test_resolve_option_opens_the_app_on_the_conflicts(db):
    two_conflicts(db)
    shown = press(ScreenApp(db, stage="ta", reviewer="lead", resolve=True), "right")
    assert "conflict 1 of 2" in shown[0] and "conflict 2 of 2" in shown[1] and "A second trial" in shown[1]
