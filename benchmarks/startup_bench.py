"""How fast cartsle's commands start, beside a bare `python -c pass`, and how the reading commands
scale to a large review.

1. Start-up: each command runs (on a review of a few records, so the time is start-up: imports,
   opening the review, printing) ``--repeat`` times in a fresh process; the median wall time is
   printed beside the median of `python -c pass`. Aim (issue 17 item 7): the light commands
   (status, searches, prisma, screen conflicts, screen decide, --help) under 0.4 s.
2. Scale: a review of ``--records`` unique records with two title/abstract votes each (the votes
   agree on nine records in ten, so some records reach full text and get two votes there too) is
   written straight into the store, then `cartsle prisma` and `cartsle report --format html` run
   once each. Aim: under 3 s each at 100,000 records and 200,000 votes.

Run: nice python3 benchmarks/startup_bench.py [--repeat 5] [--records 100000]
     (--records 0 skips the scale part)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
LIGHT = {"--help", "status", "searches", "prisma", "screen conflicts", "screen decide"}
COMMANDS = (
    "--help",
    "status",
    "searches",
    "prisma",
    "screen conflicts",
    "screen decide 1 include --reviewer bench",
    "screen status",
    "dedup clusters",
    "pool --help",
    "report --help",
)
RIS = (
    "TY  - JOUR\nTI  - A randomised trial number {n}\nAU  - Smith, J.\nPY  - 2020\nDO  - 10.1/{n}\nER  - \n\n"
)


def environment() -> dict[str, str]:
    # this checkout's code, whatever `pip install -e` last pointed the package at
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1"}


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment())
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    return seconds


def cartsle(*args: str) -> list[str]:
    return [sys.executable, "-m", "cartsle_cli", *args]


def startup(folder: Path, repeat: int) -> None:
    (folder / "few.ris").write_text("".join(RIS.format(n=n) for n in range(20)), encoding="utf-8")
    timed(cartsle("import", "few.ris", "--source", "PubMed"), folder)
    timed(cartsle("dedup"), folder)
    bare = statistics.median(timed([sys.executable, "-c", "pass"], folder) for _ in range(repeat))
    print(f"start-up, median of {repeat} runs, on a review of 20 records (2 cores shared)")
    print(f"{'python -c pass':44s} {bare:6.3f} s   1.0x")
    for command in COMMANDS:
        seconds = statistics.median(timed(cartsle(*command.split()), folder) for _ in range(repeat))
        light = any(command == name or command.startswith(name + " ") for name in LIGHT)
        verdict = ("ok" if seconds < 0.4 else "OVER the 0.4 s aim") if light else ""
        print(f"cartsle {command:36s} {seconds:6.3f} s {seconds / bare:5.1f}x  {verdict}")


def build_large_review(path: Path, records: int, seed: int = 2025) -> int:
    """``records`` unique records, two title/abstract votes each; votes written straight to the
    store (the decisions' own checks are benchmarked by screening_bench)."""
    sys.path.insert(0, str(REPOSITORY))
    from cartsle_cli.store import open_review, transaction

    rng = random.Random(seed)
    conn = open_review(path, create=True)
    votes = 0
    with transaction(conn):
        conn.execute(
            "INSERT INTO searches (id, database, format, file_name, sha256, imported_at, record_count)"
            " VALUES (1, 'PubMed', 'ris', 'large.ris', 'x', '2025-03-01T00:00:00+00:00', ?)",
            (records,),
        )
        conn.executemany(
            "INSERT INTO records (id, search_id, position, line, title, year, raw) VALUES (?, 1, ?, ?, ?, 2020, '')",
            ((n, n, n, f"A trial number {n}") for n in range(1, records + 1)),
        )
        rows = []
        for n in range(1, records + 1):
            first = "include" if rng.random() < 0.1 else "exclude"
            second = first if rng.random() < 0.9 else ("exclude" if first == "include" else "include")
            rows += [(n, "ta", "ana", first), (n, "ta", "ben", second)]
            if first == second == "include":
                rows += [(n, "ft", "ana", "include"), (n, "ft", "ben", "include")]
        conn.executemany(
            "INSERT INTO screening_decisions (record_id, stage, reviewer, decision, reason, source, decided_at)"
            " VALUES (?, ?, ?, ?, NULL, 'bench', '2025-03-01T00:00:00+00:00')",
            rows,
        )
        votes = len(rows)
        conn.execute(
            "INSERT INTO dedup_runs (ran_at, records, new_records, comparisons, merged_pairs, review_pairs)"
            " VALUES ('2025-03-01T00:00:00+00:00', ?, ?, 0, 0, 0)",
            (records, records),
        )
    conn.close()
    return votes


def scale(folder: Path, records: int) -> None:
    review = folder / "large.db"
    started = time.perf_counter()
    votes = build_large_review(review, records)
    print(f"\nscale: {records:,} records, {votes:,} votes, written in {time.perf_counter() - started:.1f} s")
    for label, args in (
        ("cartsle prisma", ("prisma", "--db", str(review))),
        (
            "cartsle report --format html",
            ("report", "--format", "html", "--out", str(folder / "r"), "--db", str(review)),
        ),
        ("cartsle status", ("status", "--db", str(review))),
    ):
        seconds = timed(cartsle(*args), folder)
        verdict = "" if label == "cartsle status" else ("ok" if seconds < 3 else "OVER the 3 s aim")
        print(f"{label:44s} {seconds:6.2f} s  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--records", type=int, default=100_000, help="records of the scale part (0: skip it)")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cartsle-startup-"))
    try:
        if options.repeat:
            startup(folder, options.repeat)
        if options.records:
            scale(folder, options.records)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
