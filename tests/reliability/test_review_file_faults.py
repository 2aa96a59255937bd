"""The review file as it really is on a reviewer's disk: someone else's SQLite file, a damaged
file, a read-only file or folder, a full disk, a writer holding the lock. Each is one line on
stderr, exit status 1, no traceback, and nothing written into the file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cartsle_cli.store import open_review

WRITERS = [
    ["screen", "decide", "1", "include", "--reviewer", "kofi"],
    ["screen", "reasons", "add", "wrong dose"],
    ["dedup"],
    ["import", "{export2}", "--source", "Embase"],
]
READERS = [["status"], ["searches"], ["prisma"], ["screen", "status"], ["export", "--unique"]]


def _export(path: Path, count: int = 6, salt: str = "") -> Path:
    path.write_text(
        "".join(
            f"TY  - JOUR\nTI  - Record {n}{salt} on a therapy\nAU  - Author{n}, A.\nPY  - 2024\n"
            f"DO  - 10.1000/{salt}{n}\nER  - \n\n"
            for n in range(1, count + 1)
        ),
        encoding="utf-8",
    )
    return path


def _small_review(cli, folder: Path) -> None:
    cli("import", _export(folder / "a.ris"), "--source", "Embase")
    cli("screen", "decide", "2", "include", "--reviewer", "ama")


def _args(args: list[str], tmp_path: Path) -> list[str]:
    return [a.replace("{export2}", str(_export(tmp_path / "b.ris", salt="b"))) for a in args]


def _one_line_error(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.output


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_foreign_sqlite_file_is_refused_and_never_given_our_tables(cli, db: Path) -> None:
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE invoices (id INTEGER)")
    raw.commit()
    raw.close()
    before = _digest(db)
    for args in (["status"], ["import", "x.ris"], ["screen", "decide", "1", "include", "--reviewer", "k"]):
        _one_line_error(cli(*args, ok=False), "not a cartsle review", "invoices")
    assert _digest(db) == before
    raw = sqlite3.connect(db)
    assert [row[0] for row in raw.execute("SELECT name FROM sqlite_master")] == ["invoices"]


def test_a_file_that_is_not_sqlite_is_refused(cli, db: Path) -> None:
    db.write_text("a spreadsheet, not a review\n", encoding="utf-8")
    _one_line_error(cli("status", ok=False), "not an SQLite database")
    assert db.read_text(encoding="utf-8") == "a spreadsheet, not a review\n"


def test_damaged_file_is_reported_by_every_command_and_never_written(cli, db: Path, tmp_path: Path) -> None:
    _export(tmp_path / "big.ris", count=400)
    cli("import", tmp_path / "big.ris", "--source", "Embase")
    conn = open_review(db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as handle:  # a corrupt page in the middle of the records
        handle.seek(size * (pages // 2))
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))
    before = _digest(db)
    for args in READERS + WRITERS:
        _one_line_error(cli(*_args(args, tmp_path), ok=False), "damaged", "backup")
    assert _digest(db) == before
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def _holder(db: Path, seconds: float) -> subprocess.Popen:
    """Another process that takes the write lock and holds it."""
    code = (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute(\"INSERT INTO screening_keywords VALUES ('held', 'include')\")\n"
        "print('holding', flush=True)\n"
        f"time.sleep({seconds})\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "holding"
    return process


def _beside(db: Path, *args: str) -> subprocess.CompletedProcess:
    """`cartsle ARGS --db DB` run by another reviewer in a process of its own while this one works:
    it waits at most a second for the write lock, so it fails if the work here holds the lock."""
    return subprocess.run(
        [sys.executable, "-m", "cartsle_cli", *args, "--db", str(db)],
        env={**os.environ, "CARTSLE_BUSY_TIMEOUT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_writer_that_cannot_get_the_lock_says_who_holds_it_in_one_line(
    cli, db: Path, tmp_path: Path, monkeypatch
) -> None:
    _small_review(cli, tmp_path)
    monkeypatch.setenv("CARTSLE_BUSY_TIMEOUT", "0.5")
    holder = _holder(db, 60)
    try:
        for args in WRITERS:
            result = cli(*_args(args, tmp_path), ok=False)
            _one_line_error(result, "busy", "try again")
            assert f"pid {holder.pid}" in result.output
        for args in READERS:  # reading goes on beside a writer (WAL)
            assert cli(*args).exit_code == 0
    finally:
        holder.kill()
        holder.wait()
    conn = open_review(db)
    assert conn.execute("SELECT count(*) FROM screening_decisions").fetchone()[0] == 1
    conn.close()


def test_import_reads_its_file_before_taking_the_lock(cli, db: Path, tmp_path: Path, monkeypatch) -> None:
    """While an import is still reading (a slow share, a huge file), another reviewer's decision
    goes through: the import takes the write lock only to store what it has read."""
    import threading

    from cartsle_cli.formats import stream_file
    from cartsle_cli.review import importing

    _small_review(cli, tmp_path)
    reading, release = threading.Event(), threading.Event()

    def slow_read(path):
        reading.set()
        assert release.wait(60)
        return stream_file(path)

    monkeypatch.setattr(importing, "stream_file", slow_read)
    outcome: list = []

    def run_import() -> None:
        conn = open_review(db)  # a connection belongs to its thread
        try:
            outcome.append(
                importing.import_files(conn, [_export(tmp_path / "slow.ris", salt="s")], source="Embase")
            )
        finally:
            conn.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert reading.wait(30)
        decide = _beside(db, "screen", "decide", "3", "include", "--reviewer", "kofi")
        assert decide.returncode == 0, decide.stderr
    finally:
        release.set()
        importer.join(60)
    assert outcome and outcome[0][0].records == 6
    check = open_review(db)
    assert check.execute("SELECT count(*) FROM screening_decisions").fetchone()[0] == 2
    check.close()


@contextlib.contextmanager
def _env(values: dict[str, str]):
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_every_command_leaves_the_review_whole_in_its_file(cli, db: Path, tmp_path: Path) -> None:
    """Copying only cartsle.db after a command loses nothing: the WAL is checkpointed on close."""
    _small_review(cli, tmp_path)
    for record in (3, 4, 5):
        cli("screen", "decide", str(record), "exclude", "--reviewer", "ama")
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)  # the file alone, as a reviewer copying it would
    raw = sqlite3.connect(copy)
    assert raw.execute("SELECT count(*) FROM screening_decisions").fetchone()[0] == 4


def _mount(kind: str, target: Path, *options: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small or read-only file system needs root")
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", *options, target] if kind == "bind" else ["mount", "-t", kind, *options, "x", target],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip()})")


def _unmount(target: Path) -> None:
    subprocess.run(["umount", "-l", target], capture_output=True)


def test_disk_full_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    from tests.conftest import Cli

    disk = tmp_path / "small"
    # room for a new review and its WAL (16 KB pages: about 1 MB each), then filled up below
    _mount("tmpfs", disk, "-o", "size=4m")
    try:
        cli = Cli(disk / "review.db")
        _small_review(cli, tmp_path)
        big = _export(tmp_path / "big.ris", count=3000, salt="big")
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as handle:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        for args in (["import", str(big), "--source", "Embase"], ["dedup"], *WRITERS[:2]):
            result = cli(*args, ok=False)
            _one_line_error(result, "disk is full", "nothing was written")
        filler.unlink()
        conn = open_review(cli.db)
        assert conn.execute("SELECT count(*) FROM screening_decisions").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM searches").fetchone()[0] == 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    finally:
        _unmount(disk)


def test_read_only_review_reads_refuses_writes_and_leaves_no_wal_behind(tmp_path: Path) -> None:
    from tests.conftest import Cli

    source, shown = tmp_path / "review", tmp_path / "read-only"
    source.mkdir()
    writable = Cli(source / "review.db")
    _small_review(writable, tmp_path)
    _mount("bind", shown, "--bind", str(source))
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", shown], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only ({remount.stderr.strip()})")
        cli = Cli(shown / "review.db")
        for args in READERS:
            assert cli(*args).exit_code == 0
        result = cli("report", "--format", "md", "--out", tmp_path / "report")
        assert (tmp_path / "report" / "report.md").exists(), result.output
        for args in WRITERS:
            _one_line_error(cli(*_args(args, tmp_path), ok=False), "read-only")
    finally:
        _unmount(shown)
    assert sorted(p.name for p in source.iterdir()) == ["review.db"]  # no -wal or -shm left
    assert writable("screen", "decide", "3", "include", "--reviewer", "kofi").exit_code == 0


def test_dedup_compares_before_it_takes_the_lock_and_refuses_a_review_changed_meanwhile(
    cli, db: Path, tmp_path: Path, monkeypatch
) -> None:
    import threading

    from cartsle_cli.dedup import run as dedup_run
    from cartsle_cli.store import transaction

    _small_review(cli, tmp_path)
    comparing, release = threading.Event(), threading.Event()
    real_compare = dedup_run._compare_new

    def slow_compare(*args):
        comparing.set()
        assert release.wait(60)
        return real_compare(*args)

    monkeypatch.setattr(dedup_run, "_compare_new", slow_compare)
    outcome: list = []

    def dedup() -> None:
        conn = open_review(db)
        try:
            comparison = dedup_run.compare_records(conn)
            with transaction(conn):
                outcome.append(dedup_run.store_comparison(conn, comparison))
        except Exception as error:  # noqa: BLE001 - the test looks at it
            outcome.append(error)
        finally:
            conn.close()

    worker = threading.Thread(target=dedup)
    worker.start()
    try:
        assert comparing.wait(30)
        decide = _beside(db, "import", str(_export(tmp_path / "c.ris", salt="c")), "--source", "Scopus")
        assert decide.returncode == 0, decide.stderr  # the comparison held no lock
    finally:
        release.set()
        worker.join(60)
    assert "review changed" in str(outcome[0])  # its records would have been missing from the run
    cli("dedup")
