"""How fast `cartsle import` reads RIS, and how much memory it needs.

Writes N realistic RIS records (about 1.6 KB each, in the layout Scopus exports: six authors,
a 600-character abstract, eight keywords, an affiliation, C2 PMID, DOI and EID in UR) to a
temporary folder, split into files as databases split their exports, then runs three times:

0. bare rispy 0.10 (``rispy.load`` on every file: parsing only, nothing normalised or stored),
1. in-process, reading only (``formats.read_file`` on every file, records kept as import does),
2. in-process, through ``cartsle_cli.review.importing.import_files`` (read, normalise and store, the
   file streamed), each in a fresh process so the peak resident memory reported by
   ``getrusage`` is that run's alone, and
3. through the real command line, ``python -m cartsle_cli import FILE... --db``.
The difference between 1 and 2 is the store (importing.py, store/searches.py); the ratio of 2 to
0 is printed last.

Run: python3 benchmarks/import_bench.py [--records 100000] [--files 10]
     python3 benchmarks/import_bench.py --records 125000 --files 1   # one 200 MB file
Aims: 100,000 records in under 10 s and under 1 GB of peak memory (issue 3); the whole import
no slower than rispy's bare parse (issue 17 item 8); a 200 MB RIS under 400 MB (issue 14 item 13).
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

WORDS = (
    "randomised controlled trial patients treatment outcome disease clinical effect risk "
    "analysis cohort mortality therapy inflammatory arthritis intervention placebo follow-up "
    "significant reduction baseline months participants quality life pain adverse events "
    "observed primary secondary endpoint dose weeks response compared group associated"
).split()
SURNAMES = (
    "Smith",
    "Müller",
    "García",
    "Nakamura",
    "O'Connor",
    "Kowalski",
    "Dubois",
    "Rossi",
    "Li",
    "Andersen",
)


def record_text(number: int, rng: random.Random) -> str:
    """One Scopus-style RIS record of about 1.6 KB."""

    def words(count: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(count))

    authors = "".join(f"AU  - {rng.choice(SURNAMES)}, {chr(65 + rng.randrange(26))}.\n" for _ in range(6))
    keywords = "".join(f"KW  - {words(2)}\n" for _ in range(8))
    doi = f"10.1016/j.bench.{2000 + number % 25}.{number:07d}"
    return (
        f"TY  - JOUR\nTI  - {words(14).capitalize()}\nT2  - Journal of Benchmark Medicine\n"
        f"J2  - J. Bench. Med.\nVL  - {number % 90 + 1}\nIS  - {number % 12 + 1}\n"
        f"SP  - {number % 900 + 1}\nEP  - {number % 900 + 12}\nPY  - {2000 + number % 25}\n"
        f"DO  - {doi}\nSN  - 01406736 (ISSN)\n{authors}"
        f"AD  - Department of Rheumatology, University Hospital, City, Country\n"
        f"AB  - {words(85).capitalize()}. © 2024 Elsevier Ltd\n{keywords}"
        f"N1  - Export Date: 1 March 2025\nM3  - Article\nDB  - Scopus\nC2  - {30000000 + number}\n"
        f"LA  - English\nUR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-{85000000000 + number}"
        f"&doi={doi.replace('/', '%2f')}&partnerID=40\nER  - \n\n"
    )


def write_exports(folder: Path, records: int, files: int) -> list[Path]:
    rng = random.Random(2025)
    paths = []
    per_file = -(-records // files)
    for index in range(files):
        path = folder / f"scopus_{index + 1:03d}.ris"
        with path.open("w", encoding="utf-8") as handle:
            for number in range(index * per_file, min(records, (index + 1) * per_file)):
                handle.write(record_text(number, rng))
        paths.append(path)
    return paths


def in_process(paths: list[str], db: str | None) -> None:
    """Run inside a fresh interpreter: import (or, without a db, only read the files and keep
    their records, as import_files does before it writes), then print records, seconds, CPU
    seconds and peak RSS."""
    started, cpu = time.perf_counter(), time.process_time()
    if db == "rispy":
        import rispy

        count = 0
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                count += len(rispy.load(handle))
    elif db:
        from cartsle_cli.review.importing import import_files
        from cartsle_cli.store import open_review

        conn = open_review(db)
        count = sum(item.records for item in import_files(conn, paths))
        conn.close()
    else:
        from cartsle_cli.formats import read_file

        parsed = [read_file(path) for path in paths]
        count = sum(len(file.records) for file in parsed)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{count} {seconds:.3f} {cpu:.3f} {peak_mb:.0f}")


REPOSITORY = Path(__file__).resolve().parent.parent


def run(command: list[str]) -> tuple[str, float, float]:
    """Run ``command`` in a fresh process: its stdout, wall seconds and its own peak memory (MB).

    The peak comes from ``wait4`` on that child alone (``RUSAGE_CHILDREN`` would give the largest
    child so far, so a later, smaller run would repeat an earlier run's figure)."""
    started = time.perf_counter()
    # measure this checkout's code, whatever `pip install -e` last pointed the package at
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=environment)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        sys.exit(f"failed: {' '.join(command[:3])} ...\n{stderr}")
    return stdout, seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=10, help="how many export files to split them into")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--in-process", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--db", default=None, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.in_process:
        in_process(options.in_process, options.db)
        return

    folder = Path(tempfile.mkdtemp(prefix="cartsle-bench-"))
    try:
        started = time.perf_counter()
        paths = write_exports(folder, options.records, options.files)
        size_mb = sum(path.stat().st_size for path in paths) / 1e6
        print(
            f"wrote {options.records:,} RIS records in {len(paths)} files, {size_mb:.0f} MB "
            f"({size_mb * 1e6 / options.records:.0f} bytes a record) in {time.perf_counter() - started:.1f} s"
        )
        names = [str(path) for path in paths]

        seconds_of = {}
        for label, db in (
            ("rispy 0.10 rispy.load (parse only)", ["--db", "rispy"]),
            ("read_file only (the readers)", []),
            ("import_files (read + store)", ["--db", str(folder / "library.db")]),
        ):
            stdout, _, _ = run([sys.executable, __file__, "--in-process", *names, *db])
            count, seconds, cpu, peak_mb = stdout.split()
            seconds_of[label] = float(seconds)
            seconds_of[label + " cpu"] = float(cpu)
            report(label, int(count), float(seconds), float(peak_mb), float(cpu))

        _, seconds, peak_mb = run(
            [sys.executable, "-m", "cartsle_cli", "import", *names, "--db", str(folder / "cli.db")]
        )
        report("cartsle import (CLI, with start-up)", options.records, seconds, peak_mb)
        ours, theirs = "import_files (read + store)", "rispy 0.10 rispy.load (parse only)"
        print(
            f"import_files / rispy's bare parse: {seconds_of[ours] / seconds_of[theirs]:.2f}x wall, "
            f"{seconds_of[ours + ' cpu'] / seconds_of[theirs + ' cpu']:.2f}x CPU (aim: at most 1.00x)"
        )
    finally:
        if options.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder)


def report(label: str, records: int, seconds: float, peak_mb: float, cpu: float | None = None) -> None:
    verdict = "ok" if seconds < 10 * records / 100_000 and peak_mb < 1024 else "OVER the aim"
    cpu_text = f"(CPU {cpu:6.2f} s)" if cpu is not None else " " * 15
    print(
        f"{label:36s} {records:>8,} records {seconds:6.2f} s {cpu_text} {records / seconds:>8,.0f} records/s"
        f"  peak {peak_mb:5.0f} MB  {verdict}"
    )


if __name__ == "__main__":
    main()
