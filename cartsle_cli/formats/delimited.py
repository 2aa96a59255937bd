"""Reader: delimited (to be written)."""

from __future__ import annotations

from pathlib import Path

from cartsle_cli.formats.record import ParsedFile

NAME = "delimited"


def sniff(text: str) -> bool:
    return False


def read(text: str, path: str | Path) -> ParsedFile:
    raise NotImplementedError
