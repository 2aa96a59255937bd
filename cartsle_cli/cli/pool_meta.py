"""`cartsle pool meta` (to be written)."""

from __future__ import annotations


def meta_command() -> None:
    """Meta-analysis of proportions from counts given directly (to be written)."""
