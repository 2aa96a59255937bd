"""`cartsle backup`: a consistent copy of the review, safe while others are screening."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import DEFAULT_DB, DbOption, review, say
from cartsle_cli.store.backup import backup_review


def backup_command(
    target: Annotated[Path, typer.Argument(help="Where to write the copy (must not exist).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write a consistent copy of the review, even while it is in use.

    Example: cartsle backup backups/review-2025-03-01.db
    """
    with review(db) as conn:
        written = backup_review(conn, target)
    say(f"backed up {db} to {written}")
