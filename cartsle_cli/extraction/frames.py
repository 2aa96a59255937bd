"""Extraction rows as pandas frames with the columns of their file layout and their proper dtypes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from cartsle_cli.extraction.layout import Column

_DTYPES = {"text": "string", "int": "Int64", "float": "float64"}


def dtype(column: Column) -> str:
    """Text, dates and choices as pandas strings, whole numbers as nullable Int64, numbers as float64."""
    return _DTYPES.get(column.type, "string")


def to_frame(rows: Iterable[Mapping[str, Any]], columns: tuple[Column, ...]) -> pd.DataFrame:
    """A frame with exactly ``columns`` in their order; missing values become <NA> or NaN."""
    rows = list(rows)
    return pd.DataFrame(
        {
            column.name: pd.Series([row.get(column.name) for row in rows], dtype=dtype(column))
            for column in columns
        }
    )
