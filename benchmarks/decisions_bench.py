"""How fast and in how much memory `cartsle screen import` reads a large decision file.

Writes a review of ``--records`` records (straight into the store) and a cartsle decision CSV of
``--rows`` rows by record id (ten reviewers' title/abstract votes on every record at 100,000
records and 1,000,000 rows), then runs `cartsle screen import FILE` in a fresh process and prints
its wall and CPU seconds and peak resident memory (``getrusage`` of the child).

Aim (issue 14 item 13): 1,000,000 rows in under 30 s and under 500 MB.

Run: nice python3 benchmarks/decisions_bench.py [--records 100000] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
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
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env=environment)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            sys.exit(f"failed:\n{result.stderr}")
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        peak_mb = after.ru_maxrss / 1024
        verdict = "ok" if seconds < 30 and peak_mb < 500 else "OVER the aim"
        print(
            f"cartsle screen import: {seconds:6.2f} s wall (CPU {cpu:6.2f} s), peak {peak_mb:5.0f} MB"
            f"  {verdict} (aim at 1,000,000 rows: 30 s, 500 MB)"
        )
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
