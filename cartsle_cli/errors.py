"""The one exception type cartsle raises for anything a user can fix."""

from __future__ import annotations

from pathlib import Path


class CartsleError(Exception):
    """A problem with the user's input or review, told in one line.

    ``file``, ``line`` (a line number or a row label such as "row 12") and ``field`` say where;
    the CLI prints ``str(error)`` on stderr and exits with status 1.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}" if isinstance(self.line, int) else str(self.line))
        if self.field:
            where.append(f"field {self.field}")
        prefix = ", ".join(where)
        text = " ".join(self.message.split())  # always one line
        return f"{prefix}: {text}" if prefix else text
