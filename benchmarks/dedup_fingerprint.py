#!/usr/bin/env python3
"""Fingerprints of what `cartsle dedup` decides, to check that a speed-up changes no decision.

Each set is stored in a fresh review and deduplicated; the fingerprint is a SHA-256 of the rows of
``record_clusters``, ``merged_records`` (as merged: an abstract left to the kept record is read
from it), ``report_links``, ``dedup_pairs`` and ``dedup_seen``, each table read in the order of all
its columns. The sets: the two labelled searches of
../shared/labelled-dedup, the generated traps of dedup_bench.py, generated records (100,000 by
default), and the traps imported in three searches with a run after each and one search removed
(the incremental path: earlier pairs kept, clusters rebuilt).

    python3 benchmarks/dedup_fingerprint.py --save before.json
    python3 benchmarks/dedup_fingerprint.py --check before.json   # exit 1 when any differs

The generated reviews are stored once in ``--cache`` (the generating takes longer than the run)
and copied for each run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from dedup_bench import LABELLED, SHARED, _stored
from dedup_generate import generate

from cartsle_cli.dedup import run_dedup
from cartsle_cli.review.importing import import_files
from cartsle_cli.search_removal import remove_search_keeping_decisions
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search

TABLES = ("record_clusters", "merged_records", "report_links", "dedup_pairs", "dedup_seen")


def fingerprint(conn: sqlite3.Connection) -> str:
    digest = hashlib.sha256()
    for table in TABLES:
        names = [column[0] for column in conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
        order = ", ".join(str(n) for n in range(1, len(names) + 1))
        digest.update(table.encode())
        for row in conn.execute(f"SELECT {_as_merged(table, names)} ORDER BY {order}"):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _as_merged(table: str, names: list[str]) -> str:
    """The table's columns and rows as they are read: a merged record's abstract stored as NULL is
    the kept record's own (dedup.sql), so that how it is stored does not change the fingerprint."""
    if table != "merged_records":
        return f"* FROM {table}"
    columns = ", ".join(
        "COALESCE(m.abstract, r.abstract)" if name == "abstract" else f"m.{name}" for name in names
    )
    return f"{columns} FROM merged_records m JOIN records r ON r.id = m.cluster_id"


def dedup(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        run_dedup(conn)


def labelled(stem: str, folder: Path) -> str:
    conn = open_review(folder / f"{stem}.db")
    import_files(conn, [SHARED / "labelled-dedup" / f"{stem}_records_pre_merged.csv"], source="fingerprint")
    dedup(conn)
    return fingerprint(conn)


def generated(count: int, seed: int, trap_rate: float, cache: Path, folder: Path) -> str:
    stored = cache / f"generated-{count}-{seed}-{trap_rate}.db"
    if not stored.exists():
        _stored(generate(count, seed=seed, trap_rate=trap_rate)[0], stored).close()
    path = folder / stored.name
    shutil.copyfile(stored, path)
    conn = open_review(path)
    dedup(conn)
    return fingerprint(conn)


def incremental(folder: Path) -> str:
    """The traps in three searches: a run after each of the first two, the last added, the second
    removed, and a run."""
    records = generate(3000, seed=11, trap_rate=0.35)[0]
    conn = open_review(folder / "incremental.db")
    search_ids = []
    for part, (start, end) in enumerate(((0, 1200), (1200, 2200), (2200, 3000))):
        with transaction(conn):
            search_ids.append(
                add_search(
                    conn,
                    database=f"generated {part}",
                    other_methods=False,
                    format="generated",
                    file_name=f"part{part}",
                    sha256=f"part{part}",
                    records=records[start:end],
                )
            )
        if part < 2:
            dedup(conn)
    remove_search_keeping_decisions(conn, search_ids[1], apply=True)
    dedup(conn)
    return fingerprint(conn)


def fingerprints(size: int, cache: Path, folder: Path) -> dict[str, str]:
    results = {}
    sets = {
        **{name: lambda stem=stem: labelled(stem, folder) for name, stem in LABELLED},
        "traps": lambda: generated(3000, 11, 0.35, cache, folder),
        f"generated {size}": lambda: generated(size, 4, 0.04, cache, folder),
        "incremental traps": lambda: incremental(folder),
    }
    for name, make in sets.items():
        started = time.perf_counter()
        results[name] = make()
        print(f"  {name}: {results[name][:16]} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", type=Path, metavar="JSON", help="write the fingerprints here")
    action.add_argument("--check", type=Path, metavar="JSON", help="compare with fingerprints saved")
    parser.add_argument("--size", type=int, default=100_000, help="generated records (default 100,000)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/cartsle-dedup-fingerprint"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    work = args.cache / "runs"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    results = fingerprints(args.size, args.cache, work)
    shutil.rmtree(work)
    if args.save:
        args.save.write_text(json.dumps(results, indent=1) + "\n")
        return
    saved = json.loads(args.check.read_text())
    differ = [name for name in saved if results.get(name) != saved[name]]
    print("identical" if not differ else f"DIFFERENT: {', '.join(differ)}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
