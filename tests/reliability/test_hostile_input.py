"""Records built to hurt: HTML and script tags, spreadsheet formulas, terminal escape sequences,
control characters, a 1 MB abstract and 100,000 authors. Nothing crashes, nothing reaches the
terminal raw, and the stored text is kept as given."""

from __future__ import annotations

import json

import pytest

from cartsle_cli.store import open_review

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b[31m"
HOSTILE = [
    ("<script>alert('x')</script> CAR T cells in lupus", "Abstract with <img src=x onerror=alert(1)>."),
    ('=HYPERLINK("http://evil.example","click") CD19 CAR T', "+cmd|' /C calc'!A0"),
    (f"{ESCAPES}Escape sequences in a title", f"Bell \x07 backspace \x08 and {ESCAPES} in an abstract."),
    ("Control \x01\x02\x03 characters \x7f in a title", "Null-free but odd: \x0b\x0c."),
]


def _ris(path, *, big_abstract: str, many_authors: int) -> None:
    lines = []
    for number, (title, abstract) in enumerate(HOSTILE, 1):
        lines += [
            "TY  - JOUR",
            f"TI  - {title}",
            f"AU  - Hostile{number}, A.",
            "PY  - 2024",
            f"AB  - {abstract}",
            "ER  - ",
            "",
        ]
    lines += [
        "TY  - JOUR",
        "TI  - A record with a huge abstract",
        "AU  - Big, A.",
        "PY  - 2024",
        f"AB  - {big_abstract}",
        "ER  - ",
        "",
    ]
    lines += ["TY  - JOUR", "TI  - A record with a hundred thousand authors", "PY  - 2024"]
    lines += [f"AU  - Author{i}, A." for i in range(many_authors)]
    lines += ["ER  - ", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.slow
def test_hostile_records_import_and_show_without_harm(cli, tmp_path):
    export = tmp_path / "hostile.ris"
    big = "lupus " * 175_000  # about 1 MB
    _ris(export, big_abstract=big, many_authors=100_000)
    outputs = [cli("import", export, "--source", "Embase").output]
    for record_id in range(1, len(HOSTILE) + 3):
        for reviewer in ("kofi", "ama"):
            decision = "include" if reviewer == "kofi" else "exclude"
            outputs.append(cli("screen", "decide", str(record_id), decision, "--reviewer", reviewer).output)
    for command in (
        ["searches"],
        ["status"],
        ["dedup"],
        ["screen", "conflicts"],
        ["prisma"],
        ["screen", "export"],
        ["screen", "history", "3"],
    ):
        outputs.append(cli(*command).output)
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output
    conn = open_review(cli.db)
    titles = [row[0] for row in conn.execute("SELECT title FROM records ORDER BY id")]
    assert titles[0].startswith("<script>") and titles[1].startswith("=HYPERLINK")
    assert titles[2].startswith("\x1b[2J")  # kept as the file gave it; only its display is cleaned
    abstract, authors = conn.execute(
        "SELECT abstract, authors FROM records ORDER BY id DESC LIMIT 1 OFFSET 1"
    ).fetchone()
    assert len(abstract) >= 1_000_000
    last_authors = json.loads(
        conn.execute("SELECT authors FROM records ORDER BY id DESC LIMIT 1").fetchone()[0]
    )
    assert len(last_authors) == 100_000
