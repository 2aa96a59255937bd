#!/usr/bin/env python3
"""Benchmark `cartsle dedup`: accuracy on labelled searches and generated traps, beside bib-dedupe,
a check against fitting, and speed at scale.

Accuracy: each labelled search (../shared/labelled-dedup, and the sample review's ground truth
when given) is imported into a fresh review and deduplicated. Two scores, so that figures can be
set beside published ones: pairwise (a pair is a duplicate pair when both records share a
cluster; precision and recall over those pairs, as ../shared/tools/score_dedup.py does) and
records removed (bib-dedupe's own measure: a removed record is right when it was merged with a
true duplicate of itself; recall is over the records that should be removed, records minus gold
clusters). The grey-band pairs left for a person are counted, as a share of the records, with
those `cartsle dedup review` would ask among them (a pair whose answer follows from the clusters
is not asked), and the recall once they are decided is computed with the gold clusters deciding them.

Traps: generated records (benchmarks/dedup_generate.py) in which a third of the originals have a
trap beside them: an erratum, a later update, a reply on the same pages, the same abstract at two
meetings, a co-publication, a meeting abstract's later article, one author's other abstract in a
supplement. None may be merged.

Against fitting: the two title thresholds of compare.py are set, over a small grid, to the values
that score best on one labelled set; the table shows what those values give on the other set,
beside the round values cartsle ships.

bib-dedupe 0.11 (CoLRev-Environment/bib-dedupe) runs on the same CSV files in its own virtual
environment (``--bib-dedupe /work/venvs/bibdedupe/bin/python``; prep, block, match, cluster,
timed), on the labelled sets and on 2,000 generated records, where ``cartsle import`` and
``cartsle dedup`` are timed as commands.

Speed: records with planted duplicates are generated, stored in a review, and deduplicated in a
fresh process that reports wall time, CPU time (its own and its worker processes'), peak resident
memory (of it and its workers together), the load average and the pairs compared. Speed alone,
the stored review kept for the next run (each run works on a copy of it):

    python3 benchmarks/dedup_bench.py --bib-dedupe /work/venvs/bibdedupe/bin/python --sizes 10000 100000
    python3 benchmarks/dedup_bench.py --labelled none --traps 0 --sizes 1000000 --keep /tmp/dedup-speed
    python3 benchmarks/dedup_bench.py --labelled none --traps 0 --sizes 1000000 --full-rows --keep /tmp/dedup-speed
    python3 benchmarks/dedup_bench.py --labelled none --traps 0 --sizes 1000000 --repeat 3 --keep /tmp/dedup-speed
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations, product
from pathlib import Path

from dedup_generate import generate, write_bibdedupe_csv

from cartsle_cli.dedup import compare, run_dedup
from cartsle_cli.dedup.export import cluster_rows
from cartsle_cli.dedup.review import count_pending
from cartsle_cli.review.importing import import_files
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
LABELLED = (("cytology", "bibdedupe__cytology_screening"), ("stroke", "bibdedupe__stroke"))
# The grid the fitting check searches (compare.SAME_TITLE, compare.CLOSE_TITLE).
GRID = ((0.90, 0.93, 0.95, 0.97, 0.99), (0.75, 0.80, 0.85, 0.90))

Pair = tuple[str, str]


def pairs_of(clusters: list[list[str]]) -> set[Pair]:
    return {pair for cluster in clusters for pair in combinations(sorted(set(cluster)), 2)}


def score(predicted: set[Pair], gold: set[Pair]) -> dict[str, float]:
    true = len(predicted & gold)
    return {
        "precision": true / len(predicted) if predicted else 1.0,
        "recall": true / len(gold) if gold else 1.0,
        "false_merges": len(predicted - gold),
        "missed": len(gold - predicted),
    }


def removed_score(predicted: list[list[str]], gold: list[list[str]]) -> dict[str, float]:
    """Records removed, as bib-dedupe counts: in each predicted cluster, the records of one gold
    cluster but one are rightly removed; each further gold cluster in it is one record wrongly
    removed (merged into another publication). Recall is over records minus gold clusters."""
    gold_of = {record: n for n, cluster in enumerate(gold) for record in cluster}
    right = wrong = 0
    for cluster in predicted:
        groups = Counter(gold_of.get(record, f"alone:{record}") for record in set(cluster))
        right += sum(size - 1 for size in groups.values())
        wrong += len(groups) - 1
    should = sum(len(set(cluster)) - 1 for cluster in gold)
    return {
        "precision": right / (right + wrong) if right + wrong else 1.0,
        "recall": right / should if should else 1.0,
        "removed": right + wrong,
        "should": should,
    }


def read_gold(path: Path) -> list[list[str]]:
    """A ``merged_ids`` file (one cluster a line, ids joined by ";") or a CSV with an id column
    (``id``/``ID``, with ``source_file`` when given) and a ``cluster`` column."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "merged_ids" in rows[0]:
        return [row["merged_ids"].split(";") for row in rows if row["merged_ids"]]
    groups: dict[str, list[str]] = {}
    for row in rows:
        key = row.get("id") or row.get("ID") or row.get("record_id")
        if row.get("source_file"):
            key = f"{row['source_file']}:{key}"
        groups.setdefault(row["cluster"], []).append(key)
    return list(groups.values())


_DEDUP_TABLES = (
    "report_links",
    "merged_records",
    "record_clusters",
    "dedup_pairs",
    "dedup_seen",
    "dedup_runs",
)


def dedup_again(conn, *, keyed_by_file: bool, by_record_id: bool = False) -> dict:
    """Forget every earlier dedup run (decisions are kept: there are none here), deduplicate, and
    return the clusters, the pairs for a person and the timing."""
    with transaction(conn):
        for table in _DEDUP_TABLES:
            conn.execute(f"DELETE FROM {table}")
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(conn):
        run = run_dedup(conn)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = cluster_rows(conn)
    key = {
        row.record_id: str(row.record_id)
        if by_record_id
        else (f"{row.source_file}:{row.id}" if keyed_by_file else row.id)
        for row in rows
    }
    groups: dict[int, list[str]] = {}
    for row in rows:
        groups.setdefault(row.cluster, []).append(key[row.record_id])
    review_pairs = {
        tuple(sorted((key[a], key[b])))
        for a, b in conn.execute(
            "SELECT record_id, other_record_id FROM dedup_pairs WHERE verdict = 'review'"
        )
    }
    return {
        "clusters": [g for g in groups.values() if len(g) > 1],
        "seconds": seconds,
        "cpu": cpu,
        "run": run,
        "review_pairs": review_pairs,
        "asked": count_pending(conn),
        "records": len(rows),
    }


_BIB_DEDUPE = """
import json, sys, time, pandas as pd
from bib_dedupe.bib_dedupe import prep, block, match, cluster
records = pd.read_csv(sys.argv[1], dtype=str).fillna("")
started, cpu = time.perf_counter(), time.process_time()
matched = match(block(prep(records, verbosity_level=0), verbosity_level=0), verbosity_level=0)
clusters = cluster(matched, verbosity_level=0)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "clusters": [sorted(c) for c in clusters]}))
"""


def bib_dedupe_on(path: Path, python: str) -> dict | None:
    started = time.perf_counter()
    result = subprocess.run([python, "-c", _BIB_DEDUPE, str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        print(f"  bib-dedupe failed: {result.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["command_seconds"] = time.perf_counter() - started
    return figures


def _line(who: str, pairwise: dict, removed: dict, rest: str) -> str:
    return (
        f"  {who:<11} pairwise P {pairwise['precision']:.4f} R {pairwise['recall']:.4f} "
        f"(false merges {pairwise['false_merges']}, missed {pairwise['missed']})  "
        f"records removed P {removed['precision']:.4f} R {removed['recall']:.4f}  {rest}"
    )


def accuracy(
    name: str,
    conn,
    gold: list[list[str]],
    *,
    bib_dedupe: str | None,
    csv_file: Path | None,
    keyed_by_file: bool,
) -> dict:
    gold_pairs = pairs_of(gold)
    ours = dedup_again(conn, keyed_by_file=keyed_by_file)
    predicted = pairs_of(ours["clusters"])
    auto = score(predicted, gold_pairs)
    decided = predicted | (ours["review_pairs"] & gold_pairs)
    after = score(decided, gold_pairs)
    print(
        f"{name}: {ours['records']} records, {len(gold_pairs)} gold duplicate pairs, "
        f"{sum(len(set(c)) - 1 for c in gold)} records to remove"
    )
    print(
        _line(
            "cartsle",
            auto,
            removed_score(ours["clusters"], gold),
            f"dedup {ours['seconds']:.2f} s (CPU {ours['cpu']:.2f} s), {ours['run'].comparisons} comparisons",
        )
    )
    share = len(ours["review_pairs"]) / ours["records"]
    print(
        f"  {'':<11} {len(ours['review_pairs'])} pairs for a person ({share:.1%} of records; "
        f"{ours['asked']} asked by `dedup review`); once decided: "
        f"pairwise R {after['recall']:.4f}, P {after['precision']:.4f}"
    )
    if bib_dedupe and csv_file is not None:
        theirs = bib_dedupe_on(csv_file, bib_dedupe)
        if theirs:
            print(
                _line(
                    "bib-dedupe",
                    score(pairs_of(theirs["clusters"]), gold_pairs),
                    removed_score(theirs["clusters"], gold),
                    f"prep+block+match+cluster {theirs['seconds']:.2f} s",
                )
            )
    return auto


def fitting_check(sets: dict[str, tuple]) -> None:
    """Fit the two title thresholds to each labelled set in turn and score the other with them."""
    defaults = (compare.SAME_TITLE, compare.CLOSE_TITLE)
    results: dict[tuple[float, float], dict[str, dict]] = {}
    try:
        for same, close in product(*GRID):
            compare.SAME_TITLE, compare.CLOSE_TITLE = same, close
            results[(same, close)] = {
                name: score(pairs_of(dedup_again(conn, keyed_by_file=False)["clusters"]), pairs_of(gold))
                for name, (conn, gold) in sets.items()
            }
    finally:
        compare.SAME_TITLE, compare.CLOSE_TITLE = defaults
    print("against fitting: title thresholds (same, close) fitted to one set, scored on the other")

    def merit(figures: dict) -> tuple:
        return (figures["precision"] >= 0.999, figures["recall"] + figures["precision"])

    names = list(sets)
    for fitted_on in names:
        # ties go to the grid point nearest the shipped values
        best = max(
            results,
            key=lambda values: (
                merit(results[values][fitted_on]),
                -abs(values[0] - defaults[0]) - abs(values[1] - defaults[1]),
            ),
        )
        for other in (n for n in names if n != fitted_on):
            tuned, shipped = results[best][other], results[defaults][other]
            recalls = [figures[other]["recall"] for figures in results.values()]
            precisions = [figures[other]["precision"] for figures in results.values()]
            print(
                f"  fitted on {fitted_on}: {best}, there R {results[best][fitted_on]['recall']:.4f}; on {other} "
                f"P {tuned['precision']:.4f} R {tuned['recall']:.4f}  |  shipped {defaults} on {other}: "
                f"P {shipped['precision']:.4f} R {shipped['recall']:.4f}  |  whole grid on {other}: "
                f"P {min(precisions):.4f}-{max(precisions):.4f} R {min(recalls):.4f}-{max(recalls):.4f}"
            )


def traps(count: int, bib_dedupe: str | None) -> None:
    records, truth, roles = generate(count, seed=11, trap_rate=0.35)
    with tempfile.TemporaryDirectory() as folder:
        conn = _stored(records, Path(folder) / "traps.db")
        ours = dedup_again(conn, keyed_by_file=False, by_record_id=True)  # ids are 1-based positions
        conn.close()
        by_position = {str(n): n - 1 for n in range(1, len(records) + 1)}
        gold = _gold(truth)
        pairwise = score(pairs_of(ours["clusters"]), pairs_of(gold))
        kinds = Counter(roles)
        wrong = Counter(
            roles[by_position[x]]
            if roles[by_position[x]] not in ("original", "copy")
            else roles[by_position[y]]
            for x, y in pairs_of(ours["clusters"]) - pairs_of(gold)
        )
        print(
            f"traps: {count} generated records, {sum(v for k, v in kinds.items() if k not in ('original', 'copy'))} traps "
            + ", ".join(f"{kind} {kinds[kind]}" for kind in sorted(kinds) if kind not in ("original", "copy"))
        )
        print(
            _line(
                "cartsle",
                pairwise,
                removed_score(ours["clusters"], gold),
                f"{len(ours['review_pairs'])} pairs for a person ({ours['asked']} asked); "
                f"traps merged: {dict(wrong) or 'none'}",
            )
        )
        if bib_dedupe:
            path = Path(folder) / "traps.csv"
            write_bibdedupe_csv(records, path)
            theirs = bib_dedupe_on(path, bib_dedupe)
            if theirs:
                print(
                    _line(
                        "bib-dedupe",
                        score(pairs_of(theirs["clusters"]), pairs_of(gold)),
                        removed_score(theirs["clusters"], gold),
                        "",
                    )
                )


def versus_bib_dedupe(python: str, count: int = 2000) -> None:
    """`cartsle import` and `cartsle dedup` as commands beside bib-dedupe, on generated records."""
    records, truth, _ = generate(count, seed=7)
    with tempfile.TemporaryDirectory() as folder:
        path, db = Path(folder) / "generated.csv", Path(folder) / "review.db"
        write_bibdedupe_csv(records, path)
        cli = [sys.executable, "-m", "cartsle_cli"]
        started = time.perf_counter()
        subprocess.run(
            [*cli, "import", str(path), "--source", "generated", "--db", str(db)],
            check=True,
            capture_output=True,
        )
        imported = time.perf_counter()
        subprocess.run([*cli, "dedup", "--db", str(db)], check=True, capture_output=True)
        done = time.perf_counter()
        theirs = bib_dedupe_on(path, python)
    if theirs:
        ratio = theirs["command_seconds"] / (done - imported)
        print(
            f"timing at {count} generated records: cartsle dedup (command) {done - imported:.2f} s, "
            f"import (command) {imported - started:.2f} s; bib-dedupe prep+block+match+cluster "
            f"{theirs['seconds']:.2f} s, as a process {theirs['command_seconds']:.2f} s: "
            f"cartsle dedup {ratio:.0f} times faster"
        )


def _gold(truth: list[int]) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for position, cluster in enumerate(truth, 1):
        groups.setdefault(cluster, []).append(str(position))
    return [g for g in groups.values() if len(g) > 1]


def _stored(records, path: Path):
    conn = open_review(path)
    with transaction(conn):
        add_search(
            conn,
            database="generated",
            other_methods=False,
            format="generated",
            file_name="generated",
            sha256=str(len(records)),
            records=records,
        )
    return conn


# Real records carry more than the matcher reads: an abstract (most do), every tag of the file
# kept in ``fields`` (the title, authors and abstract again among them) and the record's own text.
# ``--full-rows`` gives the generated records rows of that size (about 4.5 KB of text: an abstract
# of 800-1,800 characters for four in five, in its column and in its tag), so that reading and
# merging are measured on rows like a real review's; the filler is deterministic and no field the
# matcher reads is touched, so the decisions are those of the plain rows.
_FILLER = " ".join(f"word{n % 97} finding{n % 13} outcome{n % 7}." for n in range(200))
_ABSTRACT = "substr(:filler, 1 + id % 500, 800 + id % 1000)"
_TAGS = """'TI', json_array(title), 'AU', json(authors),
           'N1', json_array(substr(:filler, 1 + id % 300, 300)),
           'KW', json_array('adult', 'human', 'treatment outcome'),
           'AD', json_array(substr(:filler, 1 + id % 700, 200))"""
_FULL_ROWS = f"""
    UPDATE records SET
        abstract = CASE WHEN id % 5 != 0 THEN {_ABSTRACT} END,
        keywords = '["randomized controlled trial", "adult", "human", "treatment outcome"]',
        fields = CASE WHEN id % 5 != 0 THEN json_object({_TAGS}, 'AB', json_array({_ABSTRACT}))
                      ELSE json_object({_TAGS}) END,
        raw = 'TY  - JOUR' || char(10) || 'TI  - ' || COALESCE(title, '') || char(10)
              || 'AB  - ' || substr(:filler, 1 + id % 400, 1200) || char(10) || 'ER  - '
"""


def speed_store(count: int, path: Path, full_rows: bool = False) -> None:
    records, truth, _ = generate(count)
    conn = _stored(records, path)
    if full_rows:
        with transaction(conn):
            conn.execute(_FULL_ROWS, {"filler": _FILLER})
        conn.execute("VACUUM")
    conn.close()
    path.with_suffix(".truth.json").write_text(json.dumps(truth))


def _tree_rss_kb(pid: int) -> int:
    total, pids = 0, [pid]
    while pids:
        process = pids.pop()
        try:
            status = Path(f"/proc/{process}/status").read_text()
            total += int(status.split("VmRSS:", 1)[1].split()[0]) if "VmRSS:" in status else 0
            for task in os.listdir(f"/proc/{process}/task"):
                pids.extend(
                    int(child) for child in Path(f"/proc/{process}/task/{task}/children").read_text().split()
                )
        except (FileNotFoundError, ProcessLookupError):
            continue  # a worker that ended between two reads
    return total


def _own_peak_kb() -> int:
    """This process's peak resident memory since it started its program: Linux's ``VmHWM``, which
    belongs to the program (``ru_maxrss`` survives exec and so starts at the parent's size at the
    fork: a timed run started after the labelled sets showed their 93 MB as its own); ``ru_maxrss``
    where there is no /proc."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:", 1)[1].split()[0])
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_seconds() -> float:
    """CPU of this process and of its worker processes that have ended, user and system."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def speed_run(path: Path) -> None:
    """In its own process: deduplicate the stored review, print time, memory, comparisons, score.
    CPU counts the worker processes too; the load average is the one minute's. Memory of the whole
    process tree is sampled by the parent (:func:`speed_line`), so that nothing but the run itself
    holds this process's GIL while it is timed."""
    conn = open_review(path)
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), _cpu_seconds()
    with transaction(conn):
        run = run_dedup(conn)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    own_peak_mb = _own_peak_kb() / 1024
    truth = json.loads(path.with_suffix(".truth.json").read_text())
    predicted: dict[int, list[str]] = {}
    for record_id, cluster_id in conn.execute("SELECT record_id, cluster_id FROM record_clusters"):
        predicted.setdefault(cluster_id, []).append(str(record_id))
    result = score(pairs_of(list(predicted.values())), pairs_of(_gold(truth)))
    print(
        json.dumps(
            {
                "records": run.records,
                "seconds": round(seconds, 2),
                "cpu": round(cpu, 2),
                "own_peak_mb": round(own_peak_mb),
                "load": round((load + os.getloadavg()[0]) / 2, 1),
                "comparisons": run.comparisons,
                "review_pairs": run.review_pairs,
                "asked": count_pending(conn),
                **result,
            }
        )
    )


def speed_line(count: int, path: Path) -> tuple[str, float, int]:
    """Deduplicate the stored review at ``path`` in a fresh process, its figures in one line; the
    peak memory of that process and its workers together is sampled from here every 20 ms
    (a process's own peak, :func:`_own_peak_kb`, is never the sum of processes alive at once)."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--run", str(path)], stdout=subprocess.PIPE, text=True
    )
    peak_kb = 0
    while child.poll() is None:
        peak_kb = max(peak_kb, _tree_rss_kb(child.pid))
        time.sleep(0.02)
    output = child.stdout.read() if child.stdout else ""
    if child.returncode:
        raise SystemExit(f"the timed dedup run failed (exit {child.returncode})")
    figures = json.loads(output)
    peak_mb = round(max(peak_kb / 1024, figures["own_peak_mb"]))
    line = (
        f"  {count:>9,} records: {figures['seconds']:8.2f} s (CPU {figures['cpu']:.2f} s, workers included)  "
        f"peak {peak_mb:6,} MB (this process {figures['own_peak_mb']:,} MB)  load {figures['load']}  "
        f"comparisons {figures['comparisons']:,} ({figures['comparisons'] / count:.2f} per record)  "
        f"precision {figures['precision']:.4f} ({figures['false_merges']} false merges)  "
        f"recall {figures['recall']:.4f}  "
        f"for a person {figures['review_pairs']:,} ({figures['asked']:,} asked)"
    )
    return line, figures["seconds"], peak_mb


def machine_yardstick() -> float:
    """Seconds, best of three, for one fixed single-core task of the kind dedup does (strings made,
    hashed, compared): machines lent for a session differ in speed by half or more, and this says
    how fast the one that measured was, whatever the code under test."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        words = [f"record {n % 99_991} title {n * 7 % 1_000_003}" for n in range(1_000_000)]
        counts = Counter(words)
        sorted(counts)
        best = min(best, time.perf_counter() - started)
    return best


def speed(sizes: list[int], kept: Path | None, full_rows: bool = False, repeat: int = 1) -> None:
    """Each size generated, stored and deduplicated ``repeat`` times; with ``kept``, the stored
    reviews are kept there (and taken from there when present) and each run works on a copy, written
    to disk before the run (a copy of gigabytes still being written would slow the timed run)."""
    rows = "rows of a real record's size (abstract, tags, text)" if full_rows else "plain rows"
    print(f"speed: generated records with planted duplicates, {rows} (dedup run only, fresh process)")
    print(
        f"  this machine: {machine_yardstick():.2f} s for a fixed pure-Python task (a million short "
        "strings made, counted in a dict and sorted; best of 3), a rough measure of its speed beside "
        "other machines"
    )
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            stored = (kept or Path(folder)) / f"generated-{count}{'-full' if full_rows else ''}.db"
            if not stored.exists():
                store = [sys.executable, __file__, "--store", str(count), str(stored)]
                subprocess.run(store + (["--full-rows"] if full_rows else []), check=True)
            runs = []
            for _ in range(repeat):
                path = stored
                if kept or repeat > 1:
                    path = Path(folder) / f"run-{stored.name}"
                    shutil.copyfile(stored, path)
                    shutil.copyfile(stored.with_suffix(".truth.json"), path.with_suffix(".truth.json"))
                    os.sync()
                line, seconds, peak_mb = speed_line(count, path)
                runs.append((seconds, peak_mb))
                print(line, flush=True)
            if repeat > 1:
                times = sorted(seconds for seconds, _ in runs)
                print(
                    f"  {count:>9,} records, {repeat} runs: median {statistics.median(times):.2f} s, "
                    f"fastest {times[0]:.2f} s, slowest {times[-1]:.2f} s, "
                    f"highest peak {max(peak for _, peak in runs):,} MB",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--labelled", type=Path, default=SHARED / "labelled-dedup", help="folder of the labelled sets"
    )
    parser.add_argument(
        "--sample",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="the sample review's export files followed by its ground-truth CSV (last)",
    )
    parser.add_argument("--bib-dedupe", metavar="PYTHON", help="a Python with bib-dedupe 0.11 installed")
    parser.add_argument(
        "--traps", type=int, default=3000, metavar="N", help="generated records for the trap set"
    )
    parser.add_argument(
        "--no-fitting-check", action="store_true", help="skip the fitting check (about a minute)"
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[10_000, 100_000],
        help="generated records to time (none: --sizes)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="FOLDER",
        help="keep the generated reviews of --sizes here and reuse them (each run on a copy)",
    )
    parser.add_argument(
        "--full-rows",
        action="store_true",
        help="give --sizes' records rows of a real record's size: an abstract for four in five, tags, text",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run each of --sizes N times, each on a fresh copy, and print the median, fastest and slowest",
    )
    parser.add_argument("--store", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if any(size <= 0 for size in args.sizes):
        parser.error("--sizes takes record counts above 0 (--sizes alone: no timing)")
    if args.store:
        return speed_store(int(args.store[0]), Path(args.store[1]), args.full_rows)
    if args.run:
        return speed_run(Path(args.run))
    with tempfile.TemporaryDirectory() as folder:
        sets = {}
        for name, stem in LABELLED:
            records = args.labelled / f"{stem}_records_pre_merged.csv"
            if records.exists():
                conn = open_review(Path(folder) / f"{name}.db")
                import_files(conn, [records], source="benchmark")
                gold = read_gold(args.labelled / f"{stem}_merged_record_ids.csv")
                accuracy(name, conn, gold, bib_dedupe=args.bib_dedupe, csv_file=records, keyed_by_file=False)
                sets[name] = (conn, gold)
        if args.sample:
            *files, truth = args.sample
            conn = open_review(Path(folder) / "sample.db")
            import_files(conn, files, source="benchmark")
            accuracy(
                "sample review", conn, read_gold(truth), bib_dedupe=None, csv_file=None, keyed_by_file=True
            )
            conn.close()
        if args.traps:
            traps(args.traps, args.bib_dedupe)
        if len(sets) >= 2 and not args.no_fitting_check:
            fitting_check(sets)
        for conn, _ in sets.values():
            conn.close()
    if args.bib_dedupe:
        versus_bib_dedupe(args.bib_dedupe)
    if args.sizes:
        speed(args.sizes, args.keep, args.full_rows, max(args.repeat, 1))


if __name__ == "__main__":
    main()
