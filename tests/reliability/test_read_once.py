"""An export that can be read only once - a FIFO, a pipe - imports (issue 14 item 6).

Before, `cartsle import f` hashed the FIFO to its end and then waited for ever to read it again.
Each test runs the real command in a child process with a timeout, so a regression fails here
instead of hanging the suite; the writer is a thread, as `cat x.ris > f &` is a process.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXPORT = REPO / "tests" / "formats" / "fixtures" / "embase.ris"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


@contextlib.contextmanager
def fifo_fed_with(path: Path, data: bytes) -> Iterator[Path]:
    """A FIFO at ``path`` that a thread writes ``data`` into once a reader opens it."""
    os.mkfifo(path)

    def write() -> None:
        with contextlib.suppress(BrokenPipeError), path.open("wb") as fifo:
            fifo.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        if writer.is_alive():  # nobody opened it: open it to let the writer finish
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(timeout=10)


def cartsle(*args: str | Path, spool: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    if spool is not None:  # where the temporary copy goes
        environment["TMPDIR"] = str(spool)
    try:
        return subprocess.run(
            [sys.executable, "-m", "cartsle_cli", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environment,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"cartsle {' '.join(map(str, args))} hung on its input for {timeout} s")


def test_an_export_written_into_a_fifo_imports_with_the_hash_of_what_was_written(tmp_path):
    data = EXPORT.read_bytes()
    review, spool = tmp_path / "review.db", tmp_path / "spool"
    spool.mkdir()
    with fifo_fed_with(tmp_path / "embase-export", data) as fifo:
        result = cartsle("import", fifo, "--source", "Embase", "--db", review, spool=spool)
    assert result.returncode == 0, result.stderr
    regular = tmp_path / "regular.db"
    assert cartsle("import", EXPORT, "--source", "Embase", "--db", regular).returncode == 0
    query = "SELECT file_name, sha256, record_count FROM searches"
    (name, sha256, count), (_, regular_sha256, regular_count) = (
        sqlite3.connect(db).execute(query).fetchone() for db in (review, regular)
    )
    assert name == "embase-export"  # the name the reviewer gave, not the temporary copy's
    assert (sha256, count) == (regular_sha256, regular_count) and count > 0
    assert list(spool.iterdir()) == []  # the temporary copy is gone


def test_the_same_export_again_through_a_fifo_is_refused_as_imported_before(tmp_path):
    review = tmp_path / "review.db"
    assert cartsle("import", EXPORT, "--source", "Embase", "--db", review).returncode == 0
    with fifo_fed_with(tmp_path / "again", EXPORT.read_bytes()) as fifo:
        result = cartsle("import", fifo, "--source", "Embase", "--db", review)
    assert result.returncode == 1
    assert "imported before" in result.stderr


def test_a_bad_file_in_a_fifo_is_one_line_naming_the_fifo_not_its_temporary_copy(tmp_path):
    review = tmp_path / "review.db"
    with fifo_fed_with(tmp_path / "broken-export", b"\x00\x01 not an export at all\n" * 50) as fifo:
        result = cartsle("import", fifo, "--source", "Embase", "--db", review)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert str(tmp_path / "broken-export") in line and "cartsle-import-" not in line
