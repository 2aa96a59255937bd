"""How fast cartsle's commands start, beside a bare `python -c pass`, and how the reading commands
scale to a large review.

1. Start-up: each command runs (on a review of a few records, so the time is start-up: imports,
   opening the review, printing) ``--repeat`` times in a fresh process; the median wall time and
   the median CPU time of the child process (user + system, from getrusage: steadier than wall
   time on a shared machine) are printed beside those of `python -c pass`, and one more run with
   `-X importtime` gives the modules imported, their import time and the heaviest packages.
   Bytecode is cached (in a temporary PYTHONPYCACHEPREFIX, warmed by one run), as an installed
   package has it. Aim (issue 17 item 7): the light commands (status, searches, prisma, screen
   conflicts, screen decide, --help) under 0.4 s.
2. Scale: a review of ``--records`` unique records with two title/abstract votes each (the votes
   agree on nine records in ten, so some records reach full text and get two votes there too) is
   written straight into the store, then `cartsle prisma`, `cartsle report --format html` and
   `cartsle status` run twice each and the second run is timed (the first compiles the modules the
   command loads, as an installed package has them). Aim: under 3 s each (prisma and report) at
   100,000 records and 200,000 votes.

Run: nice python3 benchmarks/startup_bench.py [--repeat 5] [--records 100000]
     (--records 0 skips the scale part)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
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


PYCACHE: Path | None = None  # set by main: compiled modules kept between the runs


def environment() -> dict[str, str]:
    # this checkout's code, whatever `pip install -e` last pointed the package at
    path = os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if PYCACHE is not None:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the child (user + system) and its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment())
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, result.stderr


def timed(command: list[str], cwd: Path) -> float:
    return run(command, cwd)[0]


def medians(command: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    runs = [run(command, cwd)[:2] for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def import_figures(stderr: str) -> str:
    """Modules, their total import time and the three heaviest packages, from -X importtime."""
    modules, total, by_package = 0, 0, {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        modules += 1
        if not name.startswith("  "):  # imported at the top level: its cumulative time counts once
            total += int(cumulative)
        package = name.strip().split(".")[0]
        by_package[package] = by_package.get(package, 0) + int(own)
    heaviest = sorted(by_package.items(), key=lambda item: -item[1])[:3]
    named = ", ".join(f"{name} {us / 1000:.0f}" for name, us in heaviest)
    return f"{modules:4d} modules {total / 1000:5.0f} ms ({named})"


def cartsle(*args: str) -> list[str]:
    return [sys.executable, "-m", "cartsle_cli", *args]


def startup(folder: Path, repeat: int) -> None:
    (folder / "few.ris").write_text("".join(RIS.format(n=n) for n in range(20)), encoding="utf-8")
    timed(cartsle("import", "few.ris", "--source", "PubMed"), folder)
    timed(cartsle("dedup"), folder)
    timed([sys.executable, "-c", "pass"], folder)  # the interpreter's own modules compiled
    bare, bare_cpu = medians([sys.executable, "-c", "pass"], folder, repeat)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"start-up, median of {repeat} runs, on a review of 20 records ({os.cpu_count()} cores, load {load})"
    )
    print(f"{'':48s}  wall         cpu              -X importtime: imports (heaviest packages, ms)")
    print(f"{'python -c pass':48s} {bare:6.3f} s  1.0x {bare_cpu:6.3f} s  1.0x")
    for command in COMMANDS:
        args = command.split()
        timed(cartsle(*args), folder)  # warm: this command's modules compiled once
        wall, cpu = medians(cartsle(*args), folder, repeat)
        imports = import_figures(
            run([sys.executable, "-X", "importtime", "-m", "cartsle_cli", *args], folder)[2]
        )
        light = any(command == name or command.startswith(name + " ") for name in LIGHT)
        verdict = _verdict(wall, cpu, 0.4) if light else ""
        print(
            f"cartsle {command:40s} {wall:6.3f} s {wall / bare:4.1f}x {cpu:6.3f} s {cpu / bare_cpu:4.1f}x"
            f"  {imports}  {verdict}"
        )


def _verdict(wall: float, cpu: float, aim: float) -> str:
    if wall < aim:
        return "ok"
    return f"OVER the {aim:g} s aim" + (f" (its CPU time is under {aim:g} s)" if cpu < aim else "")


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


REPORT_PHASES = """
import json, sys, tempfile, time
from pathlib import Path
clock = time.process_time
started = clock()
from cartsle_cli.cli.report import report_command  # the command's imports (pandas and SciPy only to pool)
from cartsle_cli.report.document import build_report
from cartsle_cli.report.figures import write_figures
from cartsle_cli.report.writers import write_report
from cartsle_cli.screening.prisma import prisma_counts
from cartsle_cli.store import open_review
phases = {"imports": clock() - started}
conn = open_review(sys.argv[1])
mark = clock(); prisma_counts(conn); phases["stage outcomes and PRISMA counts"] = clock() - mark
mark = clock(); report = build_report(conn); phases["the rest of the document"] = clock() - mark
with tempfile.TemporaryDirectory() as scratch:
    mark = clock(); write_figures(report, Path(scratch), ".svg"); phases["plots (matplotlib, SVG)"] = clock() - mark
    mark = clock(); write_report(report, Path(scratch), "html"); phases["HTML (plots drawn again)"] = clock() - mark
print(json.dumps(phases))
"""


def scale(folder: Path, records: int) -> None:
    review = folder / "large.db"
    started = time.perf_counter()
    votes = build_large_review(review, records)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nscale: {records:,} records, {votes:,} votes, written in {time.perf_counter() - started:.1f} s (load {load})"
    )
    print(f"{'':48s}   wall      cpu")
    for label, args in (
        ("cartsle prisma", ("prisma", "--db", str(review))),
        (
            "cartsle report --format html",
            ("report", "--format", "html", "--out", str(folder / "r"), "--db", str(review)),
        ),
        ("cartsle status", ("status", "--db", str(review))),
    ):
        # warm: the modules this command loads compiled once (`report --help` loads no figure code)
        timed(cartsle(*args), folder)
        wall, cpu, _ = run(cartsle(*args), folder)
        verdict = "" if label == "cartsle status" else _verdict(wall, cpu, 3)
        print(f"{label:48s} {wall:6.2f} s {cpu:6.2f} s  {verdict}")
    phases = json.loads(
        subprocess.run(
            [sys.executable, "-c", REPORT_PHASES, str(review)],
            cwd=folder,
            capture_output=True,
            text=True,
            env=environment(),
            check=True,
        ).stdout
    )
    print("where the report's CPU time goes (one more run, in process):")
    for phase, seconds in phases.items():
        print(f"  {phase:46s} {seconds:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--records", type=int, default=100_000, help="records of the scale part (0: skip it)")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cartsle-startup-"))
    global PYCACHE
    PYCACHE = folder / "pycache"
    try:
        if options.repeat:
            startup(folder, options.repeat)
        if options.records:
            scale(folder, options.records)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
