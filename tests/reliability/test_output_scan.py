"""Every output format, scanned: a record built of a formula, escape codes and raw HTML (and a
``$...$`` for matplotlib) never comes out as something a spreadsheet, terminal, browser or
mathtext would run. Each medium has one sanitiser (cartsle_cli.safe_output)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

FORMULA = '=HYPERLINK("http://evil.example","x")'
ESCAPES = "\x1b]0;owned\x07\x1b[31m\x9b2J"
HTML = "<script>alert(1)</script>"
MATH = r"$\frac{1}{0}$"
HOSTILE = f"{FORMULA}{HTML}{ESCAPES}{MATH}"
DATABASE = f"{HTML}{MATH}{ESCAPES}"
REASON = f"@SUM(2+3) {HTML} {MATH}{ESCAPES}"


def _ris(path: Path) -> None:
    records = [(HOSTILE, "10.1000/h1", "Hostile, A."), ("A plain second record", "10.1000/p2", "Plain, B.")]
    lines = []
    for title, doi, author in records:
        lines += ["TY  - JOUR", f"TI  - {title}", f"AU  - {author}", "PY  - 2024", f"DO  - {doi}"]
        lines += [f"AB  - {HOSTILE} abstract", "ER  - ", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def hostile_review(cli, tmp_path: Path):
    export = tmp_path / "=evil<b>.ris"
    _ris(export)
    cli("import", export, "--source", DATABASE, "--searched", "2024-01-01")
    cli("dedup")
    cli("screen", "reasons", "add", REASON)
    cli("screen", "settings", "--reviewers", "1")
    for record in (1, 2):
        cli("screen", "decide", record, "include", "--reviewer", f"kofi{ESCAPES}")
    cli("screen", "decide", 1, "include", "--stage", "ft", "--reviewer", f"kofi{ESCAPES}")
    cli("screen", "decide", 2, "exclude", "--stage", "ft", f"--reason={REASON}", "--reviewer", "kofi")
    return cli


def _assert_csv_safe(text: str, where: str) -> None:
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text, where
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                float(cell)  # only a number may start so, never a formula  # noqa: B018


def _assert_terminal_safe(text: str, where: str) -> None:
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), (where, text[:300])


def test_every_output_format_neutralises_formulas_escapes_and_html(hostile_review, tmp_path: Path):
    cli = hostile_review
    for args in (
        ["export", "--unique", "--format", "csv"],
        ["dedup", "clusters", "--format", "csv"],
        ["screen", "export"],
    ):
        _assert_csv_safe(cli(*args).stdout, " ".join(args))
    for args, name in (
        (["export", "--unique", "--format", "csv", "-o"], "unique.csv"),
        (["dedup", "clusters", "--format", "csv", "-o"], "clusters.csv"),
        (["screen", "export", "--out"], "decisions.csv"),
        (["dedup", "review", "--export"], "pairs.csv"),
    ):
        out = tmp_path / name
        result = cli(*args, out, ok=False)
        if out.exists():
            _assert_csv_safe(out.read_text(encoding="utf-8"), name)
            _assert_terminal_safe(result.output, name)
    cli("extract", "template", "--out", tmp_path / "extraction")
    for name in ("studies.csv", "patients.csv"):
        text = (tmp_path / "extraction" / name).read_text(encoding="utf-8")
        _assert_csv_safe("\n".join(line for line in text.splitlines() if not line.startswith("#")), name)
        assert "\x1b" not in text
    for fmt in ("csv", "md", "html", "json"):
        cli("report", "--format", fmt, "--out", tmp_path / f"report-{fmt}")
    for path in (tmp_path / "report-csv").glob("*.csv"):
        _assert_csv_safe(path.read_text(encoding="utf-8"), path.name)
    markdown = (tmp_path / "report-md" / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "report-html" / "report.html").read_text(encoding="utf-8")
    for text in (markdown, page):
        assert "<script>" not in text and "\x1b" not in text
    assert "&lt;script&gt;" in markdown.split("## Methods", 1)[1].split("##", 1)[0]  # the database name
    for args in (
        ["export", "--unique", "--format", "ris"],
        ["searches"],
        ["status"],
        ["screen", "status"],
        ["screen", "history", "1"],
        ["screen", "conflicts"],
        ["screen", "reasons"],
        ["prisma"],
        ["dedup", "show", "1"],
    ):
        _assert_terminal_safe(cli(*args).output, " ".join(args))
    for args in (["searches", "--json"], ["screen", "status", "--json"], ["prisma", "--json"]):
        _assert_terminal_safe(cli(*args).stdout, " ".join(args))


def test_figures_draw_dollars_as_text_never_as_math(hostile_review, tmp_path: Path):
    diagram = tmp_path / "prisma.svg"
    hostile_review("prisma", "--diagram", diagram)
    hostile_review("report", "--format", "md", "--out", tmp_path / "report")
    for svg in (diagram, tmp_path / "report" / "figures" / "prisma.svg"):
        text = svg.read_text(encoding="utf-8")
        # The database name, drawn as the characters it is (the box wraps it after "$\fra"); as
        # mathtext the $ would be gone and \frac typeset.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;$\\fra" in text
        assert "<script>" not in text and "\x1b" not in text
