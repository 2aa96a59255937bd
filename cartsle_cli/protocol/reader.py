"""Reading the tables of a parsed protocol, with every error located by file, line and key."""

from __future__ import annotations

import re
from pathlib import Path as FilePath
from typing import Any

from cartsle_cli.errors import CartsleError
from cartsle_cli.protocol.locate import Locator, Path, dotted

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class Reader:
    """Checks one parsed TOML document; every error carries the file, the key's line and its path."""

    def __init__(self, text: str, file: str | FilePath | None) -> None:
        self.file = file
        self.locator = Locator(text)

    def error(self, path: Path, message: str) -> CartsleError:
        return CartsleError(message, file=self.file, line=self.locator.line(path), field=dotted(path) or None)

    def table(self, value: Any, path: Path, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, "expected a table")
        for key in value:
            if key not in allowed:
                raise self.error((*path, key), f"unknown key {key!r}{suggestion(key, allowed)}")
        return value

    def tables(self, value: Any, path: Path) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(path, f"expected [[{dotted(path)}]] tables")
        return value

    def text(self, table: dict, path: Path, key: str, default: str | None = None) -> str:
        if key not in table:
            if default is None:
                raise self.error(path, f"{key!r} is required")
            return default
        value = table[key]
        if not isinstance(value, str):
            raise self.error((*path, key), f"expected text in quotes, got {value!r}")
        return value.strip()

    def name(self, table: dict, path: Path, key: str) -> str:
        value = self.text(table, path, key)
        if not NAME.match(value):
            raise self.error(
                (*path, key),
                f"{value!r} is not a name: lower-case letters, digits and _, starting with a letter",
            )
        return value

    def choice(self, table: dict, path: Path, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(table, path, key, default)
        if value not in choices:
            raise self.error((*path, key), f"unknown {key} {value!r}; use one of {', '.join(choices)}")
        return value

    def flag(self, table: dict, path: Path, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.error((*path, key), f"expected true or false, got {value!r}")
        return value

    def number(self, table: dict, path: Path, key: str) -> float | None:
        value = table.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise self.error((*path, key), f"expected a number, got {value!r}")
        return value

    def list_of(self, table: dict, path: Path, key: str, kind: type | tuple[type, ...]) -> tuple:
        value = table.get(key, [])
        if isinstance(value, str) and kind is str:
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(item, kind) and not isinstance(item, bool) for item in value
        ):
            raise self.error((*path, key), f"expected a list, e.g. {key} = [...], got {value!r}")
        return tuple(value)


def suggestion(name: str, known: tuple[str, ...]) -> str:
    from rapidfuzz import process  # only to word an error: reading a protocol needs none of it

    match = process.extractOne(name.lower(), known, score_cutoff=75)
    return f" (did you mean {match[0]!r}?)" if match else ""
