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
