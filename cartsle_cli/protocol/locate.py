"""Finding the line of a key in a TOML text, so that a semantic error names where to look.

tomllib reports lines only for syntax errors; a protocol that parses but declares, say, an unknown
outcome type is told by the line of that key. The scan understands what protocols use: ``[table]``
and ``[[array.of.tables]]`` headers and ``key = value`` lines. A key it cannot place (inside an
inline table) is told by its table's header line.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*=")


class Locator:
    """Lines of tables and keys by their path, e.g. ("outcomes", 2, "analyses", 0, "measure")."""

    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        counts: dict[Path, int] = {}
        table: Path = ()
        in_multiline = False
        for number, line in enumerate(text.splitlines(), 1):
            if line.count('"""') % 2 or line.count("'''") % 2:
                in_multiline = not in_multiline
                if not in_multiline:
                    continue
            if in_multiline:
                continue
            header = _HEADER.match(line)
            if header:
                table = self._resolve(header.group(2).split("."), header.group(1) == "[[", counts)
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self._lines.setdefault((*table, key.group(1).strip("\"'")), number)

    def _resolve(self, names: list[str], array: bool, counts: dict[Path, int]) -> Path:
        path: Path = ()
        for position, raw in enumerate(names):
            name = raw.strip().strip("\"'")
            path = (*path, name)
            last = position == len(names) - 1
            if last and array:
                index = counts.get(path, 0)
                counts[path] = index + 1
                path = (*path, index)
            elif path in counts:  # a sub-table of the current element of an array of tables
                path = (*path, counts[path] - 1)
        return path

    def line(self, path: Path) -> int | None:
        """The line of ``path``, else of the nearest enclosing table that has one."""
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None


def dotted(path: Path) -> str:
    """A path as a reader writes it: outcomes[3].analyses[1].measure (arrays counted from 1)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
