"""One command line across every command: --db anywhere before the subcommand, one-line usage
errors, help without placeholders or hard line breaks, --json beside every table, --out/-o."""

from __future__ import annotations

import inspect
import json

import pytest
from typer.testing import CliRunner

from cartsle_cli.cli.main import app
from cartsle_cli.store import open_review
from tests.conftest import leaf_commands

RIS = "TY  - JOUR\nTI  - A trial of something\nAU  - Smith, J.\nPY  - 2020\nER  - \n\n"


@pytest.fixture
def small_review(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a cartsle.db here would be the wrong review
    monkeypatch.delenv("CARTSLE_DB", raising=False)
    (tmp_path / "one.ris").write_text(RIS, encoding="utf-8")
    review = tmp_path / "elsewhere.db"
    result = CliRunner().invoke(app, ["--db", str(review), "import", "one.ris", "--source", "PubMed"])
    assert result.exit_code == 0, result.output
    return review


@pytest.mark.parametrize(
    "args", [["prisma"], ["status"], ["searches"], ["screen", "conflicts"], ["screen", "reasons"]]
)
def test_db_before_the_subcommand_is_the_review_the_command_reads(small_review, tmp_path, args):
    result = CliRunner().invoke(app, ["--db", str(small_review), *args, "--json"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "cartsle.db").exists()
    if args == ["searches"]:
        assert [search["file_name"] for search in json.loads(result.stdout)] == ["one.ris"]


def test_db_before_a_group_and_an_option_of_the_group_both_reach_the_subcommand(small_review, tmp_path):
    result = CliRunner().invoke(
        app, ["--db", str(small_review), "screen", "--reviewer", "kofi", "decide", "1", "include"]
    )
    assert result.exit_code == 0, result.output
    assert "kofi: record 1 include" in result.stdout
    conn = open_review(small_review)
    assert [row[0] for row in conn.execute("SELECT reviewer FROM screening_decisions")] == ["kofi"]
    conn.close()


@pytest.mark.parametrize(
    "args, words",
    [
        (["screen", "conflicts", "--bogus"], "No such option: --bogus"),
        (["screen", "decide"], "Missing argument"),
        (["nonsense"], "No such command 'nonsense'"),
    ],
)
def test_a_usage_error_is_one_line_on_stderr_with_exit_status_2(args, words):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ") and words in result.stderr


@pytest.mark.parametrize("path", [" ".join(path) for path, _ in leaf_commands()])
def test_help_shows_no_bool_placeholder_and_reflows_its_paragraphs(path):
    result = CliRunner().invoke(app, [*path.split(), "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    command = dict((" ".join(p), c) for p, c in leaf_commands())[path]
    first_paragraph = " ".join(inspect.cleandoc(command.help or "").split("\n\n")[0].split())
    if len(first_paragraph) < 70:  # click keeps the text 80 columns wide at most
        assert first_paragraph in result.output


def test_cartsle_help_loads_no_command_module():
    import subprocess
    import sys

    code = (
        "import sys; from cartsle_cli.cli.main import run; sys.argv = ['cartsle', '--help']\n"
        "try: run()\nexcept SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('cartsle_cli.cli.') and m not in"
        " ('cartsle_cli.cli.main', 'cartsle_cli.cli.common')))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("path", [" ".join(path) for path, _ in leaf_commands()])
def test_every_command_that_prints_a_table_has_json(path):
    command = dict((" ".join(p), c) for p, c in leaf_commands())[path]
    source = inspect.getsource(command.callback) if command.callback else ""
    if "print_table(" in source or "_print_summary(" in source or "print_pool(" in source:
        assert any("--json" in parameter.opts for parameter in command.params)


@pytest.mark.parametrize("path", [" ".join(path) for path, _ in leaf_commands()])
def test_an_output_file_or_folder_is_named_with_out_or_o(path):
    command = dict((" ".join(p), c) for p, c in leaf_commands())[path]
    for parameter in command.params:
        if parameter.name in ("out", "output"):
            assert "--out" in parameter.opts and "-o" in parameter.opts, parameter.opts


def test_the_old_output_spelling_still_writes_the_file(small_review, tmp_path):
    for option in ("--output", "-o", "--out"):
        target = tmp_path / f"unique{option}.ris"
        result = CliRunner().invoke(
            app, ["export", "--unique", option, str(target), "--db", str(small_review)]
        )
        assert result.exit_code == 0, result.output
        assert target.read_text(encoding="utf-8").startswith("TY  - ")
