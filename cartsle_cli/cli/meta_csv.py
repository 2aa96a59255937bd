"""Reading the CSV of `cartsle pool meta`: one row per study, columns fixed by the measure.

Every cell is checked where it is read, so that a bad value is reported with its file, line and
column (the statistics below check again, but can only name the study).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.csv_input import csv_dicts
from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.text import read_text_file

COLUMNS = {
    "binary": ("study", "events_e", "n_e", "events_c", "n_c"),
    "continuous": ("study", "mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"),
    "generic": ("study", "yi", "sei"),
    "proportion": ("study", "events", "total"),
}
KIND = {
    **dict.fromkeys(("OR", "RR", "RD"), "binary"),
    **dict.fromkeys(("MD", "SMD"), "continuous"),
    "GEN": "generic",
    **dict.fromkeys(("PLO", "PFT", "PR"), "proportion"),
}
WHOLE = {"events_e", "n_e", "events_c", "n_c", "events", "total"}
POSITIVE = {"sd_e", "sd_c", "sei", "n_e", "n_c", "total"}
NOT_ABOVE = {"events_e": "n_e", "events_c": "n_c", "events": "total"}


@dataclass(frozen=True)
class MetaTable:
    """The studies of one CSV: labels, the measure's numeric columns, and any extra columns as text."""

    path: Path
    labels: list[str]
    numbers: dict[str, list[float]]
    extra: dict[str, list[str]]
    lines: list[int]  # the file line of each study


def _number(text: str | None, path: Path, line: int, column: str) -> float:
    value = (text or "").strip()
    try:
        number = float(value)
    except ValueError:
        raise CartsleError(f"not a number: {value!r}", file=path, line=line, field=column) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CartsleError(f"not a finite number: {value!r}", file=path, line=line, field=column)
    if column in WHOLE and number != int(number):
        raise CartsleError(f"not a whole number: {value!r}", file=path, line=line, field=column)
    if column in POSITIVE and number <= 0:
        raise CartsleError(f"{column} must be positive (got {value})", file=path, line=line, field=column)
    if column in WHOLE and number < 0:
        raise CartsleError(f"{column} cannot be negative (got {value})", file=path, line=line, field=column)
    return number


def read_meta_csv(path: Path, measure: str, extra_columns: list[str]) -> MetaTable:
    """The rows of ``path`` for ``measure``, plus the named extra columns (subgroups, moderators)."""
    kind = KIND[measure]
    wanted = COLUMNS[kind]
    header, table = csv_dicts(read_text_file(path), path, short_rows=False)
    missing = [column for column in (*wanted, *extra_columns) if column not in header]
    if missing:
        raise CartsleError(
            f"--measure {measure} reads the columns {', '.join(wanted)}"
            + (f" plus {', '.join(extra_columns)}" if extra_columns else "")
            + f"; missing {', '.join(missing)}",
            file=path,
            line=1,
        )
    labels, lines = [], []
    numbers: dict[str, list[float]] = {column: [] for column in wanted[1:]}
    extra: dict[str, list[str]] = {column: [] for column in extra_columns}
    for line, row in table:
        label = row["study"].strip()
        if not label:
            raise CartsleError("the study has no name", file=path, line=line, field="study")
        labels.append(label)
        lines.append(line)
        values = {column: _number(row[column], path, line, column) for column in wanted[1:]}
        for events, total in NOT_ABOVE.items():
            if events in values and values[events] > values[total]:
                raise CartsleError(
                    f"{events} {values[events]:g} is above {total} {values[total]:g}",
                    file=path,
                    line=line,
                    field=events,
                )
        for column in ("n_e", "n_c"):
            if kind == "continuous" and values[column] < 2:
                raise CartsleError(
                    f"{column} must be at least 2 for an SD (got {values[column]:g})",
                    file=path,
                    line=line,
                    field=column,
                )
        for column, value in values.items():
            numbers[column].append(value)
        for column in extra_columns:
            text = row[column].strip()
            if not text:
                raise CartsleError(
                    "no value (it names the study's subgroup or moderator)",
                    file=path,
                    line=line,
                    field=column,
                )
            extra[column].append(text)
    if len(labels) < 2:
        raise CartsleError(f"{len(labels)} study in the CSV; a meta-analysis needs at least 2", file=path)
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        line = lines[labels.index(duplicates[0], labels.index(duplicates[0]) + 1)]
        raise CartsleError(f"study {duplicates[0]!r} appears twice", file=path, line=line, field="study")
    return MetaTable(path, labels, numbers, extra, lines)
