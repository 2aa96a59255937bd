#!/usr/bin/env python3
"""Benchmark `cartsle dedup`: accuracy on labelled searches, beside bib-dedupe, and speed at scale.

Accuracy: each labelled search (../shared/labelled-dedup, and the sample review's ground truth
when given) is imported into a fresh review and deduplicated; the clusters are scored pairwise
(a pair is a duplicate pair when both records share a cluster; precision and recall over those
pairs, as ../shared/tools/score_dedup.py does). The grey-band pairs left for a person are counted,
and the recall once they are decided is computed with the gold clusters deciding them.

bib-dedupe 0.11 (CoLRev-Environment/bib-dedupe) runs on the same CSV files in its own virtual
environment (``--bib-dedupe /tmp/bibdedupe-venv/bin/python``; prep, block, match, cluster, timed).

Speed: records with planted duplicates are generated (see :func:`generate`), stored in a review,
and deduplicated in a fresh process that reports wall time, peak resident memory and the
candidate pairs compared.

    python3 benchmarks/dedup_bench.py --bib-dedupe /tmp/bibdedupe-venv/bin/python --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

from cartsle_cli.dedup import run_dedup
from cartsle_cli.dedup.export import cluster_rows
from cartsle_cli.formats.record import Record
from cartsle_cli.review.importing import import_files
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
LABELLED = (("cytology", "bibdedupe__cytology_screening"), ("stroke", "bibdedupe__stroke"))

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


def cartsle_on_files(files: list[Path], *, keyed_by_file: bool) -> dict:
    """Import the files into a fresh review, deduplicate, and return clusters and timings."""
    with tempfile.TemporaryDirectory() as folder:
        conn = open_review(Path(folder) / "review.db")
        import_files(conn, files, source="benchmark")
        started, cpu = time.perf_counter(), time.process_time()
        with transaction(conn):
            run = run_dedup(conn)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = cluster_rows(conn)
        key = {row.record_id: f"{row.source_file}:{row.id}" if keyed_by_file else row.id for row in rows}
        groups: dict[int, list[str]] = {}
        for row in rows:
            groups.setdefault(row.cluster, []).append(key[row.record_id])
        review_pairs = {
            tuple(sorted((key[a], key[b])))
            for a, b in conn.execute(
                "SELECT record_id, other_record_id FROM dedup_pairs WHERE verdict = 'review'"
            )
        }
        conn.close()
    return {
        "clusters": [g for g in groups.values() if len(g) > 1],
        "seconds": seconds,
        "cpu": cpu,
        "run": run,
        "review_pairs": review_pairs,
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
    result = subprocess.run([python, "-c", _BIB_DEDUPE, str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        print(f"  bib-dedupe failed: {result.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def accuracy(
    name: str, files: list[Path], gold: list[list[str]], *, bib_dedupe: str | None, keyed_by_file: bool
) -> None:
    gold_pairs = pairs_of(gold)
    ours = cartsle_on_files(files, keyed_by_file=keyed_by_file)
    predicted = pairs_of(ours["clusters"])
    auto = score(predicted, gold_pairs)
    decided = predicted | (ours["review_pairs"] & gold_pairs)
    after = score(decided, gold_pairs)
    print(f"{name}: {ours['records']} records, {len(gold_pairs)} gold duplicate pairs")
    print(
        f"  cartsle     precision {auto['precision']:.4f}  recall {auto['recall']:.4f}  false merges "
        f"{auto['false_merges']}  missed {auto['missed']}  dedup {ours['seconds']:.2f} s (CPU {ours['cpu']:.2f} s)  "
        f"comparisons {ours['run'].comparisons}"
    )
    share = len(ours["review_pairs"]) / ours["records"]
    print(
        f"  cartsle     {len(ours['review_pairs'])} pairs for a person ({share:.1%} of records); once decided: "
        f"recall {after['recall']:.4f}, precision {after['precision']:.4f}"
    )
    if bib_dedupe and not keyed_by_file and len(files) == 1:
        theirs = bib_dedupe_on(files[0], bib_dedupe)
        if theirs:
            other = score(pairs_of(theirs["clusters"]), gold_pairs)
            print(
                f"  bib-dedupe  precision {other['precision']:.4f}  recall {other['recall']:.4f}  false merges "
                f"{other['false_merges']}  missed {other['missed']}  prep+block+match+cluster {theirs['seconds']:.2f} s "
                f"(CPU of its main process {theirs['cpu']:.2f} s; it also runs worker processes)"
            )


# --- generated records with planted duplicates ---------------------------------------------------


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


def generate(count: int, seed: int = 4) -> tuple[list[Record], list[int]]:
    """``count`` records, about a quarter of them copies of another with the differences exports
    show (case, punctuation, a typo, a truncated title, an abbreviated journal, missing pages or
    DOI, initials written differently), and a few traps that are not copies (an erratum, the same
    title in a later year); returns the records and each one's true cluster."""
    rng = random.Random(seed)
    words = [_word(rng) for _ in range(20_000)]
    surnames = [_word(rng).capitalize() for _ in range(30_000)]
    journals = [
        " ".join(rng.choice(words).capitalize() for _ in range(rng.randint(2, 4))) for _ in range(3_000)
    ]
    records: list[Record] = []
    truth: list[int] = []
    while len(records) < count:
        original = _original(rng, words, surnames, journals, len(records))
        cluster = len(records)
        records.append(original)
        truth.append(cluster)
        copies = rng.choice((0, 0, 0, 0, 0, 1, 1, 2, 3)) if len(records) + 3 < count else 0
        for _ in range(copies):
            records.append(_copy(rng, original))
            truth.append(cluster)
        if rng.random() < 0.04:  # a trap that is not a duplicate: its own cluster
            records.append(_decoy(rng, original))
            truth.append(len(records) - 1)
    return records[:count], truth[:count]


def _decoy(rng: random.Random, original: Record) -> Record:
    """The same title in a later year (an update), or an erratum about the article."""
    erratum = rng.random() < 0.5
    first = rng.randint(1, 2000)
    return Record(
        line=original.line,
        raw="",
        source_id=f"{original.source_id}-decoy",
        title=f"Erratum: {original.title}" if erratum else original.title,
        authors=list(original.authors),
        year=original.year + (0 if erratum else rng.randint(2, 6)),
        journal=original.journal,
        volume=original.volume if erratum else str(int(original.volume) + 3),
        issue=None,
        pages=f"{first}-{first + 1}",
        doi=None,
    )


def _original(
    rng: random.Random, words: list[str], surnames: list[str], journals: list[str], number: int
) -> Record:
    first = rng.randint(1, 2000)
    return Record(
        line=number + 1,
        raw="",
        source_id=f"r{number}",
        title=" ".join(rng.choice(words) for _ in range(rng.randint(6, 16))).capitalize(),
        authors=[
            f"{rng.choice(surnames)}, {rng.choice(string.ascii_uppercase)} {rng.choice(string.ascii_uppercase)}"
            for _ in range(rng.randint(1, 8))
        ],
        year=rng.randint(1990, 2024),
        journal=rng.choice(journals),
        volume=str(rng.randint(1, 300)),
        issue=str(rng.randint(1, 12)),
        pages=f"{first}-{first + rng.randint(1, 20)}",
        doi=f"10.{rng.randint(1000, 9999)}/{rng.randint(0, 10**9)}" if rng.random() < 0.6 else None,
    )


def _copy(rng: random.Random, original: Record) -> Record:
    title = original.title
    change = rng.random()
    if change < 0.3:
        title = title.upper()
    elif change < 0.45:
        position = rng.randrange(len(title))
        title = title[:position] + rng.choice(string.ascii_lowercase) + title[position + 1 :]
    elif change < 0.55 and len(title) > 60:
        title = title[:55]
    elif change < 0.7:
        title = f"{title}."
    journal = original.journal
    if rng.random() < 0.3:
        journal = " ".join(word[:4] for word in journal.split())
    return Record(
        line=original.line,
        raw="",
        source_id=f"{original.source_id}-{rng.randint(0, 10**6)}",
        title=title,
        authors=[
            author.replace(" ", ". ") + "." if rng.random() < 0.5 else author for author in original.authors
        ],
        year=original.year,
        journal=journal,
        volume=original.volume,
        issue=original.issue if rng.random() < 0.8 else None,
        pages=original.pages if rng.random() < 0.85 else None,
        doi=original.doi if rng.random() < 0.7 else None,
    )


def speed_store(count: int, path: Path) -> None:
    records, truth = generate(count)
    conn = open_review(path)
    with transaction(conn):
        add_search(
            conn,
            database="generated",
            other_methods=False,
            format="generated",
            file_name="generated",
            sha256=str(count),
            records=records,
        )
    conn.close()
    path.with_suffix(".truth.json").write_text(json.dumps(truth))


def speed_run(path: Path) -> None:
    """In its own process: deduplicate the stored review, print time, memory, comparisons, score."""
    conn = open_review(path)
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(conn):
        run = run_dedup(conn)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    truth = json.loads(path.with_suffix(".truth.json").read_text())
    gold: dict[int, list[str]] = {}
    for position, cluster in enumerate(truth, 1):
        gold.setdefault(cluster, []).append(str(position))
    predicted: dict[int, list[str]] = {}
    for record_id, cluster_id in conn.execute("SELECT record_id, cluster_id FROM record_clusters"):
        predicted.setdefault(cluster_id, []).append(str(record_id))
    result = score(pairs_of(list(predicted.values())), pairs_of([g for g in gold.values() if len(g) > 1]))
    print(
        json.dumps(
            {
                "records": run.records,
                "seconds": round(seconds, 2),
                "cpu": round(cpu, 2),
                "peak_mb": round(peak_mb),
                "comparisons": run.comparisons,
                "review_pairs": run.review_pairs,
                **result,
            }
        )
    )


def speed(sizes: list[int]) -> None:
    print("speed: generated records with planted duplicates (dedup run only, fresh process)")
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            path = Path(folder) / f"generated-{count}.db"
            subprocess.run([sys.executable, __file__, "--store", str(count), str(path)], check=True)
            output = subprocess.run(
                [sys.executable, __file__, "--run", str(path)], check=True, capture_output=True, text=True
            )
            figures = json.loads(output.stdout)
            print(
                f"  {count:>9,} records: {figures['seconds']:8.2f} s (CPU {figures['cpu']:.2f} s)  peak {figures['peak_mb']:6,} MB  "
                f"comparisons {figures['comparisons']:,} ({figures['comparisons'] / count:.2f} per record)  "
                f"precision {figures['precision']:.4f}  recall {figures['recall']:.4f}  "
                f"for a person {figures['review_pairs']:,}"
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
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--store", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.store:
        return speed_store(int(args.store[0]), Path(args.store[1]))
    if args.run:
        return speed_run(Path(args.run))
    for name, stem in LABELLED:
        records = args.labelled / f"{stem}_records_pre_merged.csv"
        if records.exists():
            gold = read_gold(args.labelled / f"{stem}_merged_record_ids.csv")
            accuracy(name, [records], gold, bib_dedupe=args.bib_dedupe, keyed_by_file=False)
    if args.sample:
        *files, truth = args.sample
        accuracy("sample review", files, read_gold(truth), bib_dedupe=None, keyed_by_file=True)
    if args.sizes:
        speed(args.sizes)


if __name__ == "__main__":
    main()
