"""`cartsle extract` (to be written)."""

from __future__ import annotations

from cartsle_cli.cli.common import group

app = group("Extraction files: `template` writes them, `load` validates and stores them.")
