"""One cell of an extraction file: blank, text, whole number, number, date or choice, within its limits."""

from __future__ import annotations

import math
import re
from datetime import date

from cartsle_cli.extraction.layout import Column

_FORMULA_QUOTE = re.compile(r"^'(?=[=+\-@])")
LARGEST_WHOLE = 2**53  # floats hold whole numbers exactly up to here; SQLite's INTEGER up to 2**63


class CellError(ValueError):
    """Why a cell's text is not a value of its column (the caller adds file, line and column)."""


def parse_cell(column: Column, text: str) -> str | int | float | None:
    """The value of ``text`` in ``column``; None for a blank optional cell."""
    text = text.strip()
    if not text:
        if column.required:
            raise CellError("required, but blank")
        return None
    if column.type == "text":
        # A quote before a formula character is how safe CSV writers keep a spreadsheet from
        # running the cell; it is not part of the value.
        return _FORMULA_QUOTE.sub("", text)
    if column.type.startswith("choice:"):
        return _choice(column, text)
    if column.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise CellError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
    number = _number(text, whole=column.type == "int")
    _check_limits(column, number)
    return number


def _choice(column: Column, text: str) -> str:
    choices = column.type.removeprefix("choice:").split("|")
    value = text.lower()
    if value not in choices:
        raise CellError(f"expected one of {', '.join(choices)}, got {text!r}")
    return value


def _number(text: str, *, whole: bool) -> int | float:
    try:
        number = float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise CellError(f"expected {kind}, got {text!r}") from None
    if not math.isfinite(number):
        raise CellError(f"expected a finite number, got {text!r}")
    if not whole:
        return number
    # Spreadsheets may save 12 as "12.0"; 12.5 patients is a typing error.
    if not number.is_integer():
        raise CellError(f"expected a whole number, got {text!r}")
    if abs(number) > LARGEST_WHOLE:
        raise CellError(f"{text!r} is too large to be a count")
    return int(number)


def _check_limits(column: Column, number: int | float) -> None:
    if column.positive and number <= 0:
        raise CellError(f"{_plain(number)} is not above 0")
    if column.minimum is not None and number < column.minimum:
        raise CellError(f"{_plain(number)} is below the minimum of {_plain(column.minimum)}")
    if column.maximum is not None and number > column.maximum:
        raise CellError(f"{_plain(number)} is above the maximum of {_plain(column.maximum)}")


def _plain(number: int | float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
