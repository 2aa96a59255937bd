"""What went wrong with the review file, told in one line: busy, disk full, read-only, damaged.

SQLite reports each of these as an exception whose text ("database is locked", "database or disk
is full", ...) means little to a reviewer and, left alone, reaches them as a 100-line traceback.
:func:`explain` turns one into a :class:`CartsleError` that says what happened, whether anything
was written (never: every write is one transaction), and what to do.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sqlite3
import struct
from pathlib import Path

from cartsle_cli.errors import CartsleError

RESTORE_ADVICE = "restore it from a backup (`cartsle backup` makes one) and do not write into this file"


def explain(error: BaseException, path: str | Path | None) -> CartsleError | None:
    """The one-line error for a fault of the review file, or None when ``error`` is not one."""
    kind = fault_kind(error)
    if kind is None:
        return None
    if isinstance(error, OSError) and error.filename and not _is_review_file(error.filename, path):
        # An output file (a report, an export), not the review: say which, and why.
        why = "the disk is full" if kind == "full" else (error.strerror or "cannot write")
        return CartsleError(f"cannot write: {why}", file=error.filename)
    if kind == "io" and path and _nearly_full(Path(path)):
        kind = "full"  # SQLite could not even make its -shm or -wal file: the cause is the disk
    where = str(path) if path else None
    if kind == "busy":
        holder = lock_holder(path) if path else None
        who = holder or "another cartsle command (or program)"
        return CartsleError(
            f"the review is busy: {who} is writing to it; nothing was written, try again when it has finished",
            file=where,
        )
    if kind == "full":
        return CartsleError(
            "the disk is full: nothing was written (free some space and try again)", file=where
        )
    if kind == "readonly":
        return CartsleError(
            "the review is read-only (the file or its folder cannot be written): reading commands work,"
            " this one writes; nothing was written",
            file=where,
        )
    if kind == "damaged":
        return CartsleError(f"the review file is damaged ({error}): {RESTORE_ADVICE}", file=where)
    return CartsleError(f"cannot read or write the review file ({error}): nothing was written", file=where)


def fault_kind(error: BaseException) -> str | None:
    """busy, full, readonly, damaged, io or None, from SQLite's error code (or the OS's errno)."""
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC or error.errno == errno.EDQUOT:
            return "full"
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "readonly"
        return None
    if not isinstance(error, sqlite3.Error):
        return None
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return "busy"
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return "readonly"
    if (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "malformed" in text
        or "not a database" in text
    ):
        return "damaged"
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return "io"
    return None


def _is_review_file(name: str | bytes | int, path: str | Path | None) -> bool:
    if path is None or not isinstance(name, str):
        return False
    review = str(Path(path).resolve())
    return str(Path(name).resolve()) in (review, f"{review}-wal", f"{review}-shm", f"{review}-journal")


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.resolve().parent).free < 1024 * 1024
    except OSError:
        return False


# SQLite's WAL write lock: one byte at offset 120 of the -shm file (WALINDEX_LOCK_OFFSET + 0).
_WAL_WRITE_LOCK = 120
_FLOCK = "hhqqi4x"  # struct flock on Linux and the BSDs' layout for these fields, 64-bit off_t


def lock_holder(path: str | Path) -> str | None:
    """Who holds the review's write lock, as "pid 123 (cartsle import big.ris)", if it can be told.

    Asks the kernel (F_GETLK) which process holds SQLite's WAL write lock; None when no other
    process holds it, the platform cannot say, or the -shm file is not there.
    """
    shm = Path(f"{path}-shm")
    try:
        fd = os.open(shm, os.O_RDONLY)
    except OSError:
        return None
    try:
        query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, _WAL_WRITE_LOCK, 1, 0)
        answer = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, query))
    except (OSError, struct.error, ValueError):
        return None
    finally:
        os.close(fd)
    lock_type, pid = answer[0], answer[4]
    if lock_type == fcntl.F_UNLCK or pid <= 0:
        return None
    return f"pid {pid} ({_command_of(pid)})" if _command_of(pid) else f"pid {pid}"


def _command_of(pid: int) -> str | None:
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    words = [word.decode("utf-8", "replace") for word in arguments if word]
    # "python -m cartsle_cli ..." or ".../bin/cartsle ...": show from the cartsle word on.
    for index, word in enumerate(words):
        if "cartsle" in Path(word).name:
            words = ["cartsle", *words[index + 1 :]]
            break
    text = " ".join(words)
    return text[:80] or None
