"""How fast and in how much memory `cartsle screen import` reads a large decision file.

Writes a review of ``--records`` records (straight into the store) and a cartsle decision CSV of
``--rows`` rows by record id (ten reviewers' title/abstract votes on every record at 100,000
records and 1,000,000 rows), then runs `cartsle screen import FILE` in a fresh process and prints
its wall and CPU seconds and peak resident memory (``getrusage`` of the child).

Beside it, its peer: the same file read by Python's csv module and inserted with ``executemany``
into a bare SQLite table of the same columns, in a fresh process - nothing matched, checked or
indexed, the floor under any importer written in Python. The ratio of the two is printed last.

Aim (issue 14 item 13): 1,000,000 rows in under 30 s and under 500 MB.

Run: nice python3 benchmarks/decisions_bench.py [--records 100000] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def build_review(path: Path, records: int) -> None:
    sys.path.insert(0, str(REPOSITORY))
    from cartsle_cli.store import open_review, transaction

    conn = open_review(path, create=True)
    with transaction(conn):
        conn.execute(
            "INSERT INTO searches (id, database, format, file_name, sha256, imported_at, record_count)"
            " VALUES (1, 'PubMed', 'ris', 'large.ris', 'x', '2025-03-01T00:00:00+00:00', ?)",
            (records,),
        )
        conn.executemany(
            "INSERT INTO records (id, search_id, position, line, title, doi, raw) VALUES (?, 1, ?, ?, ?, ?, '')",
            ((n, n, n, f"A trial number {n}", f"10.1/{n}") for n in range(1, records + 1)),
        )
    conn.close()


def write_decisions(path: Path, records: int, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("record_id,reviewer,stage,decision,reason,note\n")
        for row in range(rows):
            decision = "include" if rng.random() < 0.1 else "exclude"
            handle.write(f"{row % records + 1},reviewer{row // records},ta,{decision},,\n")


PEER = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[2])
conn.execute("CREATE TABLE decisions (record_id INTEGER, reviewer TEXT, stage TEXT, decision TEXT, reason TEXT, note TEXT)")
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    rows = csv.reader(handle)
    next(rows)
    with conn:
        conn.executemany("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?)", rows)
"""


def run_child(command: list[str], environment: dict) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MB of one child process (its own rusage, from
    wait4: RUSAGE_CHILDREN would give the largest child so far)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=environment
    )
    errors = child.stderr.read() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"failed:\n{errors}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cartsle-decisions-"))
    try:
        review, decisions = folder / "review.db", folder / "decisions.csv"
        build_review(review, options.records)
        write_decisions(decisions, options.records, options.rows)
        size_mb = decisions.stat().st_size / 1e6
        print(f"review of {options.records:,} records; {options.rows:,} decision rows, {size_mb:.0f} MB")
        environment = {**os.environ, "PYTHONPATH": str(REPOSITORY), "NO_COLOR": "1"}
        command = [
            sys.executable,
            "-m",
            "cartsle_cli",
            "screen",
            "import",
            str(decisions),
            "--db",
            str(review),
        ]
        seconds, cpu, peak_mb = run_child(command, environment)
        verdict = "ok" if seconds < 30 and peak_mb < 500 else "OVER the aim"
        print(
            f"cartsle screen import: {seconds:6.2f} s wall (CPU {cpu:6.2f} s), peak {peak_mb:5.0f} MB"
            f"  {verdict} (aim at 1,000,000 rows: 30 s, 500 MB)"
        )
        peer = [sys.executable, "-c", PEER, str(decisions), str(folder / "peer.db")]
        peer_seconds, peer_cpu, peer_mb = run_child(peer, environment)
        print(
            f"peer, csv.reader + executemany: {peer_seconds:6.2f} s wall (CPU {peer_cpu:6.2f} s), peak {peer_mb:5.0f} MB"
        )
        print(f"cartsle / peer: {cpu / peer_cpu:.1f} x the CPU, {peak_mb / peer_mb:.1f} x the memory")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
