"""Every CSV cartsle reads stops at the line of an unterminated quote or a field spanning lines
(csv_input), instead of swallowing every later row into one cell and exiting 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartsle_cli.csv_input import csv_dicts, csv_lines
from cartsle_cli.errors import CartsleError
from cartsle_cli.safe_output import for_spreadsheet

DECISIONS = (
    "record_id,reviewer,stage,decision,reason\n"
    "1,kofi,ta,include,\n"
    '2,kofi,ta,exclude,"wrong population\n'  # the quote is never closed
    "3,kofi,ta,include,\n"
    "4,kofi,ta,include,\n"
)


def test_unterminated_quote_stops_at_its_line() -> None:
    with pytest.raises(CartsleError) as raised:
        csv_dicts(DECISIONS, "d.csv")
    assert raised.value.line == 3 and "unterminated quote" in str(raised.value)


def test_field_spanning_lines_is_refused_where_rows_are_lines() -> None:
    text = 'a,b\n1,"two\nlines"\n3,4\n'
    with pytest.raises(CartsleError) as raised:
        csv_dicts(text, "d.csv")
    assert raised.value.line == 2 and "lines 2-3" in str(raised.value)
    assert [row.line for row in csv_lines(text, "x.csv", multiline=True)] == [1, 2, 4]


def test_what_cartsle_writes_it_reads_back() -> None:
    cells = ["=1+1", "-x", "@a", "'quoted", "plain"]
    line = ",".join(str(for_spreadsheet(cell)) for cell in cells)
    assert next(iter(csv_lines(line, "x.csv"))).cells == cells


def test_screen_import_of_a_broken_decision_file_fails_with_its_line(cli, tmp_path: Path) -> None:
    export = tmp_path / "s.ris"
    export.write_text(
        "".join(f"TY  - JOUR\nTI  - Record {n}\nPY  - 2024\nER  - \n\n" for n in range(1, 5)),
        encoding="utf-8",
    )
    cli("import", export, "--source", "Embase")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(DECISIONS, encoding="utf-8")
    result = cli("screen", "import", decisions, ok=False)
    assert result.exit_code == 1 and "line 3" in result.output and "Traceback" not in result.output
    assert cli("screen", "export").stdout.count("\n") == 1  # nothing was stored


@pytest.mark.parametrize(
    "command",
    [
        ["dedup", "decide", "--reviewer", "ana"],
        ["pool", "meta", "--csv"],
    ],
)
def test_other_csv_readers_are_strict_too(cli, tmp_path: Path, command: list[str]) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text(
        'record_id,other_record_id,decision,study,events,total\n1,2,"same,a,1,2\n3,4,same,b,1,2\n',
        encoding="utf-8",
    )
    cli("import", _tiny_export(tmp_path), "--source", "Embase")
    result = cli(*command, broken, ok=False)
    assert result.exit_code == 1, result.output
    assert "line 2" in result.output and "Traceback" not in result.output


def test_windows_1252_and_bad_record_ids_are_one_line_errors(cli, tmp_path: Path) -> None:
    cli("import", _tiny_export(tmp_path), "--source", "Embase")
    counts = tmp_path / "counts.csv"
    counts.write_bytes("study,events,total\nM\xfcller 2024,1,10\nB\xe9 2023,2,12\n".encode("cp1252"))
    result = cli("pool", "meta", "--csv", counts, ok=False)
    assert "Traceback" not in result.output and "UnicodeDecodeError" not in repr(result.exception)
    decisions = tmp_path / "d.csv"
    decisions.write_text("record_id,reviewer,stage,decision\n\u00b2,kofi,ta,include\n", encoding="utf-8")
    result = cli("screen", "import", decisions, ok=False)
    assert result.exit_code == 1 and "record_id" in result.output, result.output
    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes("record_id,other_record_id,decision\n1,2,\xe9\n".encode("latin-1"))
    result = cli("dedup", "decide", "--reviewer", "ana", pairs, ok=False)
    assert result.exit_code == 1 and "decision" in result.output and result.exception.__class__ is SystemExit


def _tiny_export(tmp_path: Path) -> Path:
    export = tmp_path / "tiny.ris"
    export.write_text(
        "".join(f"TY  - JOUR\nTI  - Record {n}\nPY  - 2024\nER  - \n\n" for n in range(1, 5)),
        encoding="utf-8",
    )
    return export


def test_a_nul_after_a_bom_is_refused_and_what_cartsle_writes_it_reads_back(cli, tmp_path: Path) -> None:
    export = tmp_path / "bom.ris"
    export.write_bytes(b"\xef\xbb\xbfTY  - JOUR\nTI  - A title with a \x00 inside\nER  - \n")
    result = cli("import", export, "--source", "Embase", ok=False)
    assert result.exit_code == 1 and "binary" in result.output and "line 2" in result.output
    assert "Traceback" not in result.output
    # A NUL that reached the store some other way never reaches an export cartsle cannot read.
    cli("import", _tiny_export(tmp_path), "--source", "Embase")
    from cartsle_cli.store import open_review, transaction

    conn = open_review(cli.db)
    with transaction(conn):
        conn.execute("UPDATE records SET title = ? WHERE id = 1", ("NUL \x00 and \x1b[31m escape",))
    conn.close()
    for fmt in ("ris", "csv"):
        out = tmp_path / f"unique.{fmt}"
        cli("export", "--unique", "--format", fmt, "-o", out)
        assert b"\x00" not in out.read_bytes()
    again = tmp_path / "again"
    again.mkdir()
    from tests.conftest import Cli

    Cli(again / "review.db")("import", tmp_path / "unique.ris", "--source", "cartsle")


def test_an_extraction_template_with_formula_looking_labels_reads_back_as_written(tmp_path: Path) -> None:
    from dataclasses import dataclass

    from cartsle_cli.extraction.csvfile import read_csv
    from cartsle_cli.extraction.template import write_template_files
    from cartsle_cli.protocol.parse import parse_protocol
    from cartsle_cli.protocol.presets import preset_text

    @dataclass(frozen=True)
    class Study:
        study_id: str
        first_author: str | None
        year: int | None

    studies = [Study("=Evil 2024", "=HYPERLINK(1)", 2024), Study("-Minus 2023", "@home", 2023)]
    template = write_template_files(parse_protocol(preset_text("two-arm")), tmp_path, studies)
    studies_file = next(path for path in template.files if path.name == "studies.csv")
    text = studies_file.read_text(encoding="utf-8")
    assert "\n=Evil" not in text and "'=Evil 2024" in text  # neutralised for a spreadsheet
    rows = read_csv(studies_file).rows
    assert [(row.cells["study_id"], row.cells["first_author"]) for row in rows] == [
        ("=Evil 2024", "=HYPERLINK(1)"),
        ("-Minus 2023", "@home"),
    ]
