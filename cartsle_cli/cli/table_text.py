"""A table drawn as rich draws ``common.print_table``'s tables, without rich's per-cell layout work.

`cartsle pool` prints thousands of rows (leave-one-out of every outcome), and rich measures, wraps
and crops each cell as a renderable of its own: about a second for a 40-outcome review. When the
output has no styles (no colour system: piped, or a terminal rich cannot colour) and every cell is
one line that fits, the layout is only column widths and padding, so :func:`render` writes the same
characters directly: the same heavy-head box, one space of padding, numbers right-aligned, and the
title wrapped and padded by rich itself (it is one renderable, and rich's markup rules apply to it
as to every title). Anything else (colour, a cell with a line break or a tab, a table wider than
the console, a console that cannot print the box characters) returns None and rich draws it;
tests/cli/test_table_text.py checks the two agree character for character.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.control import strip_control_codes

# rich.box.HEAVY_HEAD, the box of rich's Table
_TOP = ("┏", "━", "┳", "┓")
_HEAD = ("┃", "┃", "┃")
_HEAD_RULE = ("┡", "━", "╇", "┩")
_BODY = ("│", "│", "│")
_BOTTOM = ("└", "─", "┴", "┘")


def _rule(parts: tuple[str, str, str, str], widths: list[int]) -> str:
    left, line, cross, right = parts
    return left + cross.join(line * width for width in widths) + right


def _row(parts: tuple[str, str, str], cells: Sequence[str], widths: list[int], right: list[bool]) -> str:
    edge, divider, end = parts
    out = []
    for text, width, is_right in zip(cells, widths, right):
        inner = width - 2
        if is_right:
            text = text.rstrip()  # rich strips a right-justified line before padding it
            out.append(" " + " " * (inner - cell_len(text)) + text + " ")
        else:
            out.append(" " + text + " " * (inner - cell_len(text)) + " ")
    return edge + divider.join(out) + end


def render(
    console: Console,
    title: str | None,
    columns: Sequence[str],
    cells: Sequence[Sequence[str]],
    right: list[bool],
) -> str | None:
    """The table as text with its line ends, or None where rich must draw it (see the module)."""
    if console.color_system is not None or console.options.ascii_only:
        return None
    headers = [console.render_str(column, highlight=False).plain for column in columns]
    rows = [[strip_control_codes(cell) for cell in row] for row in cells]
    for text in (*headers, *(cell for row in rows for cell in row)):
        if "\n" in text or "\t" in text:
            return None
    widths = [cell_len(header) for header in headers]
    for row in rows:
        for i, text in enumerate(row):
            length = cell_len(text)
            if length > widths[i]:
                widths[i] = length
    widths = [width + 2 for width in widths]
    table_width = sum(widths) + len(widths) + 1
    if table_width > console.options.max_width:
        return None
    lines = []
    if title:
        options = console.options.update(width=table_width, highlight=False, height=None, justify="left")
        segments = console.render(console.render_str(title, style="table.title", highlight=False), options)
        lines.append("".join(segment.text for segment in segments).rstrip("\n"))
    lines.append(_rule(_TOP, widths))
    lines.append(_row(_HEAD, headers, widths, right))
    lines.append(_rule(_HEAD_RULE, widths))
    lines += [_row(_BODY, row, widths, right) for row in rows]
    lines.append(_rule(_BOTTOM, widths))
    return "\n".join(lines) + "\n"
