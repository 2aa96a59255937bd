"""Run a cartsle command in its own process and SIGKILL it part-way through."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


def run_and_kill(args: list[str], *, after_seconds: float, cwd: Path) -> int | None:
    """Start ``cartsle ARGS``; SIGKILL it after ``after_seconds`` unless it ended. Its exit code, or None if killed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cartsle_cli", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + after_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return process.returncode
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return None


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
