"""Rules that keep a reviewer from skipping a step (issue 14, item 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _review(cli, tmp_path: Path) -> None:
    export = tmp_path / "s.ris"
    export.write_text(
        "".join(
            f"TY  - JOUR\nTI  - Record {n}\nAU  - Author{n}, A.\nPY  - 2024\nER  - \n\n" for n in range(1, 5)
        ),
        encoding="utf-8",
    )
    cli("import", export, "--source", "Embase", "--searched", "2024-11-01", "--query", "car-t AND lupus")
    for record, (kofi, ama) in {1: ("include", "exclude"), 2: ("include", "include")}.items():
        cli("screen", "decide", record, kofi, "--reviewer", "kofi")
        cli("screen", "decide", record, ama, "--reviewer", "ama")


def test_resolving_a_record_not_in_conflict_needs_force_and_is_recorded(cli, tmp_path: Path) -> None:
    _review(cli, tmp_path)
    refused = cli("screen", "resolve", "2", "exclude", "--reviewer", "lead", ok=False)
    assert refused.exit_code == 1 and "not in conflict" in refused.output and "--force" in refused.output
    pending = cli("screen", "resolve", "3", "include", "--reviewer", "lead", ok=False)
    assert pending.exit_code == 1 and "pending" in pending.output
    cli("screen", "resolve", "1", "include", "--reviewer", "lead")  # a real conflict
    cli("screen", "resolve", "2", "exclude", "--reviewer", "lead", "--force")
    history = json.loads(cli("screen", "history", "2", "--json").stdout)
    forced = [entry for entry in history if entry.get("resolution")]
    assert forced and "--force" in forced[-1]["source"]


def test_link_refuses_a_record_not_included_at_full_text(cli, tmp_path: Path) -> None:
    _review(cli, tmp_path)
    result = cli("screen", "link", "2", "--study", "Author2 2024", "--new", ok=False)
    assert result.exit_code == 1 and "full text" in result.output


@pytest.mark.parametrize("given", ["2024-13-01", "1/11/2024", "2024-11", "yesterday", "2024-02-30"])
def test_searched_takes_only_a_real_date(cli, tmp_path: Path, given: str) -> None:
    export = tmp_path / "s.ris"
    export.write_text("TY  - JOUR\nTI  - One\nER  - \n", encoding="utf-8")
    result = cli("import", export, "--source", "Embase", "--searched", given, ok=False)
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output
    assert not cli.db.exists()


def test_searches_shows_the_query(cli, tmp_path: Path) -> None:
    _review(cli, tmp_path)
    assert "car-t AND lupus" in cli("searches").output
