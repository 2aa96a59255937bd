"""The light commands (status, searches, prisma, screen conflicts, screen decide, --help) run
without loading the heavy libraries: each runs in a fresh interpreter, which then lists what of
them it imported. The times are `benchmarks/startup_bench.py`'s job; this pins the cause."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cartsle_cli.cli.main import app

# pydantic is on the list: typer 0.29 converts every option value through it (pyproject.toml keeps
# typer below 0.29 for that), and nothing of cartsle's needs it
HEAVY = (
    "pandas", "scipy", "sklearn", "matplotlib", "textual", "numpy", "rapidfuzz", "rispy",
    "bibtexparser", "rich.progress", "pydantic",
)  # fmt: skip

LIGHT = (
    ["--help"],
    ["status"],
    ["status", "--json"],
    ["searches"],
    ["prisma"],
    ["prisma", "--json"],
    ["screen", "conflicts"],
    ["screen", "conflicts", "--json"],
    ["screen", "decide", "2", "exclude", "--reviewer", "cleo"],
    ["screen", "--help"],
)

RIS = "".join(
    f"TY  - JOUR\nTI  - A randomised trial number {n}\nAU  - Smith, J.\nPY  - 2020\nER  - \n\n"
    for n in range(3)
)

RUN = """
import json, sys
from cartsle_cli.cli.main import run
heavy = json.loads(sys.argv[2])
sys.argv = ["cartsle", *json.loads(sys.argv[1])]
try:
    run()
except SystemExit as exit:
    code = exit.code
print("\\nLOADED " + json.dumps({"code": code, "heavy": [m for m in heavy if m in sys.modules]}))
"""


@pytest.fixture
def review_in_conflict(tmp_path, monkeypatch):
    """Three records, record 1 in conflict at title/abstract."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CARTSLE_DB", raising=False)
    (tmp_path / "three.ris").write_text(RIS, encoding="utf-8")
    runner = CliRunner()
    for args in (
        ["import", "three.ris", "--source", "PubMed"],
        ["dedup"],
        ["screen", "decide", "1", "include", "--reviewer", "ana"],
        ["screen", "decide", "1", "exclude", "--reviewer", "ben"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return tmp_path


@pytest.mark.parametrize("args", LIGHT, ids=" ".join)
def test_a_light_command_loads_none_of_the_heavy_libraries(review_in_conflict, args):
    environment = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(args), json.dumps(HEAVY)],
        cwd=review_in_conflict,
        capture_output=True,
        text=True,
        env=environment,
    )
    loaded = json.loads(result.stdout.rsplit("LOADED ", 1)[1])
    assert loaded["code"] in (0, None), result.stderr
    assert loaded["heavy"] == []
    if args[:2] == ["screen", "conflicts"] and "--json" in args:
        assert [conflict["record_id"] for conflict in json.loads(result.stdout.split("\nLOADED")[0])] == [1]


def test_a_heavy_command_still_loads_what_it_needs(review_in_conflict):
    """The check above can fail: `pool --help` loads the statistics (SciPy)."""
    result = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(["pool", "--help"]), json.dumps(HEAVY)],
        cwd=review_in_conflict,
        capture_output=True,
        text=True,
    )
    assert "scipy" in json.loads(result.stdout.rsplit("LOADED ", 1)[1])["heavy"]


# The screening code of other subcommands: `screen decide` records one vote and needs none of it.
OTHER_SCREENING = (
    "cartsle_cli.screening.conflicts", "cartsle_cli.screening.agreement", "cartsle_cli.screening.sampling",
    "cartsle_cli.screening.progress", "cartsle_cli.screening.decision_files", "cartsle_cli.screening.bulk",
    "cartsle_cli.screening.ranking.recall_test",
)  # fmt: skip


def loaded_by(folder, args, modules) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(args), json.dumps(modules)],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    loaded = json.loads(result.stdout.rsplit("LOADED ", 1)[1])
    assert loaded["code"] in (0, None), result.stderr
    return loaded["heavy"]


def test_screen_decide_loads_only_the_screening_code_it_uses(review_in_conflict):
    assert (
        loaded_by(
            review_in_conflict, ["screen", "decide", "2", "include", "--reviewer", "ana"], OTHER_SCREENING
        )
        == []
    )
    # the check can fail: `screen conflicts` and `screen agreement` load theirs
    assert "cartsle_cli.screening.conflicts" in loaded_by(
        review_in_conflict, ["screen", "conflicts"], OTHER_SCREENING
    )
    assert "cartsle_cli.screening.agreement" in loaded_by(
        review_in_conflict, ["screen", "agreement"], OTHER_SCREENING
    )


def test_a_report_with_nothing_to_pool_loads_no_pandas_or_scipy(review_in_conflict):
    """Before a protocol there is nothing to pool: the HTML report draws its PRISMA diagram
    (matplotlib) without loading pandas or SciPy; with a protocol, pooling loads them."""
    html = ["report", "--format", "html", "--out", "report"]
    assert loaded_by(review_in_conflict, html, HEAVY) == ["matplotlib", "numpy"]
    runner = CliRunner()
    for args in (
        ["protocol", "init", "--preset", "car-t-sle", "--out", "protocol.toml"],
        ["protocol", "load", "protocol.toml"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert {"pandas", "scipy"} <= set(loaded_by(review_in_conflict, html, HEAVY))
