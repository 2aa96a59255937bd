"""`cartsle screen simulate` (to be written)."""

from __future__ import annotations


def simulate_command() -> None:
    """Replay a fully labelled set with the screening model (to be written)."""
