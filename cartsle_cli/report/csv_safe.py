"""CSV files a spreadsheet cannot be tricked into running.

OWASP's advice on CSV injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return may be run as a formula by Excel, LibreOffice or Google Sheets, so it is
prefixed with a single quote. Numbers (int and float values, not text that looks like one) are
written as they are, so "-0.5" stays a number a spreadsheet can sum.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cartsle_cli.safe_output import for_spreadsheet


def neutralise(value: Any) -> Any:
    """The cell as it is safe to write (``safe_output.for_spreadsheet``, the one rule for it)."""
    return for_spreadsheet(value)


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a tidy CSV (UTF-8, LF line ends, every text cell neutralised)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        # Quoting every text cell also quotes a bare CR, which the default quoting would leave
        # raw and a reader would take for a line break.
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow([neutralise(column) for column in columns])
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
    return path
