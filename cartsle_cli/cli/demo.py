"""`cartsle demo` (to be written)."""

from __future__ import annotations

from collections.abc import Callable

from cartsle_cli.cli.common import group

app = group("demo (to be written)")
top_level_commands: dict[str, Callable] = {}
