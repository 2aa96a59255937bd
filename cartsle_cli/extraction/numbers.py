"""How pooled figures are written: rounded half up, and counts with their exact fraction.

Rounding is half up on the decimal number a reader sees (72.5% -> 73%, 9.25 -> 9.3), as the
review's abstract rounds, not Python's round-half-even on the binary value; a percentage always
stands beside its fraction, e.g. "56/98 (57%)", so the reader can check it.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | None, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, halves rounded away from zero; "" for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # repr gives the shortest decimal that is the float, i.e. the number as the reader knows it.
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return str(rounded + 0)  # + 0 turns -0.0 into 0.0


def number(value: float | None, digits: int = 1) -> str:
    """Like round_half_up, without trailing zeros: 6.0 -> "6", 9.25 -> "9.3"."""
    if value is None:
        return ""
    text = round_half_up(value, digits)
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_half_up(count: int, total: int) -> int:
    """100 * count / total rounded half up, exactly (integer arithmetic)."""
    if total <= 0:
        raise ValueError(f"a percentage needs a positive total, got {total}")
    return (200 * count + total) // (2 * total)


def count_of(count: int, total: int) -> str:
    """ "56/98 (57%)"."""
    return f"{count}/{total} ({percent_half_up(count, total)}%)"


def span(lower: str, upper: str) -> str:
    """Two bounds as "3.5-8.5", or "-1.0 to 3.4" when a dash would read as a minus sign."""
    return f"{lower} to {upper}" if lower.startswith("-") or upper.startswith("-") else f"{lower}-{upper}"


def interval(lower: float | None, upper: float | None, digits: int = 1) -> str:
    """An interval with fixed decimals: "9.0-15.0"; "" when a bound is missing."""
    if lower is None or upper is None:
        return ""
    return span(round_half_up(lower, digits), round_half_up(upper, digits))


def percent_range(lower: float, upper: float, digits: int = 1) -> str:
    """A proportion interval in percent: "47.0-66.9%" (raw-scale pools may leave [0, 1])."""
    return interval(100 * lower, 100 * upper, digits) + "%"
