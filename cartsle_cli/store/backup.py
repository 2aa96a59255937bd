"""A consistent copy of a review that may be in use, through SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cartsle_cli.errors import CartsleError


def backup_review(conn: sqlite3.Connection, target: str | Path, *, pages_per_step: int = 1024) -> Path:
    """Copy the open review to ``target`` page by page while other processes keep writing.

    SQLite's backup API restarts the copy if another connection writes meanwhile, so the result
    is always one consistent snapshot. The copy is written beside the target and renamed into
    place, so a half-written backup never takes the target's name. The ``.partial`` file is removed
    when the copy fails or is interrupted (Ctrl-C, SIGTERM); one left by a run that was killed
    outright (SIGKILL) is removed by the next backup to the same name.
    """
    target = Path(target)
    if target.exists():
        raise CartsleError("the backup file exists already; choose another name", file=target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # left by a backup that was killed: never a copy of anything
    try:
        copy = sqlite3.connect(partial)
        try:
            conn.backup(copy, pages=pages_per_step)
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
        if check != "ok":
            raise CartsleError(f"the copy failed its integrity check: {check}", file=target)
        partial.replace(target)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise CartsleError(f"backup failed: {error}", file=target) from error
    except BaseException:  # CartsleError, KeyboardInterrupt, SystemExit from SIGTERM
        partial.unlink(missing_ok=True)
        raise
    return target
