"""Benchmark of screening prioritisation: WSS@95, RRF@10 and time per retrain, beside ASReview.

    python3 benchmarks/screening_bench.py [LABELLED.csv ...] [--runs 3] [--asreview /tmp/asr/bin/python]
                                          [--records 50000] [--skip-timing]

Runs `cartsle screen simulate`'s simulation on the two labelled Cohen 2006 reviews in
../shared/labelled-screening/ (reference, ASReview LAB 3.0.8 ELAS u4, mean of 3 seeds, WSS@95 as
asreview-insights computes it: UrinaryIncontinence 0.39, ADHD 0.65), on the sample review's works
(from cartsle_cli.sample; label: passed title/abstract screening), and on any labelled files given.
With --asreview (a Python that has asreview==3.0.8 installed, e.g. `python3 -m venv /tmp/asr &&
/tmp/asr/bin/pip install asreview==3.0.8`) ASReview's own simulation runs on the same file with the
same priors, and both orders are scored by the same metric code. Finally times TF-IDF, retrains and
the estimate of includes unseen on synthetic records, in wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.ranking import Ranker, read_labelled, screening_metrics, simulate, stopping_advice
from cartsle_cli.screening.ranking.rank import estimate_relevant_remaining
from cartsle_cli.screening.ranking.simulation import SimulationRun

REPO = Path(__file__).resolve().parent.parent
LABELLED = REPO.parent / "shared" / "labelled-screening"
REFERENCE_WSS95 = {"UrinaryIncontinence": 0.39, "ADHD": 0.65}  # PROVENANCE.md

# Runs inside the ASReview interpreter: its default model (ELAS u4), the given priors (row indices),
# simulation until the last include; prints the row indices in the order screened after the priors.
ASREVIEW_SCRIPT = """
import json, sys
import numpy as np
from asreview import load_dataset
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.simulation.simulate import Simulate
path, priors, seed = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
np.random.seed(seed)
db = load_dataset(path)
with db:
    cycle = ActiveLearningCycle.from_meta(get_ai_config("elas_u4")["value"])
    sim = Simulate(db.input.get_df(), db.input["included"], cycle, print_progress=False)
    sim.label(priors)
    sim.review()
    print(json.dumps([int(i) for i in sim._results["record_id"].tolist()[len(priors):]]))
"""


def asreview_metrics(python: str, path: Path, labels: list[int], priors: list[int], seed: int):
    done = subprocess.run(
        [python, "-c", ASREVIEW_SCRIPT, str(path), json.dumps(priors), str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    order = json.loads(done.stdout.strip().splitlines()[-1])
    unread = [i for i in range(len(labels)) if i not in set(order) | set(priors)]
    return screening_metrics([labels[i] for i in order + unread])


def mean(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.fmean(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def bench_file(path: Path, runs: int, asreview: str | None) -> None:
    labelled = read_labelled(path)
    started = time.perf_counter()
    result = simulate(labelled.texts, labelled.labels, runs=runs, seed=0)
    elapsed = time.perf_counter() - started
    retrains = [s for run in result.runs for s in run.retrain_seconds]
    name = path.stem.replace("srd__Cohen_2006_local_", "")
    print(
        f"\n{name}: {result.records} records, {result.includes} includes ({labelled.label_column}), {runs} runs, priors 1+1 per seed"
    )
    print(
        f"  {'model':<22} {'WSS@95 insights':<24} {'WSS@95 Cohen':<24} {'WSS@100 insights':<24} {'RRF@10':<24} screened to all"
    )
    rows = [("cartsle", [run.metrics for run in result.runs])]
    if asreview:
        rows.append(
            (
                "ASReview 3.0.8 ELAS u4",
                [
                    asreview_metrics(asreview, path, labelled.labels, run.priors, run.seed)
                    for run in result.runs
                ],
            )
        )
    for model, measured in rows:
        print(
            f"  {model:<22} {mean([m.wss95_insights for m in measured]):<24} {mean([m.wss95_cohen for m in measured]):<24} "
            f"{mean([m.wss100_insights for m in measured]):<24} {mean([m.rrf10 for m in measured]):<24} "
            f"{mean([float(m.screened_to_find_all) for m in measured])}"
        )
    if name in REFERENCE_WSS95:
        print(f"  reference (PROVENANCE.md, ASReview ELAS u4, insights WSS@95): {REFERENCE_WSS95[name]:.2f}")
    for index, run in enumerate(result.runs, start=1):
        point = stopping_point(run)
        where = f"after {point[0]} records, recall {point[1]:.3f}" if point else "never"
        print(f"  stopping heuristic (50 exclusions in a row, >= 10% screened), run {index}: met {where}")
    print(
        f"  estimated includes unseen, run 1: {estimate_check(labelled.texts, labelled.labels, result.runs[0])}"
    )
    print(
        f"  cartsle: {len(retrains)} retrains, mean {1000 * statistics.fmean(retrains):.1f} ms, max {1000 * max(retrains):.1f} ms; simulation {elapsed:.1f} s"
    )


def sample_review_csv(folder: Path) -> Path | None:
    """The sample review's works (one row per work, after deduplication) labelled 1 when they pass
    title/abstract screening (they reach full text), from the generator in cartsle_cli.sample."""
    try:
        from cartsle_cli.sample.catalogue import build
        from cartsle_cli.sample.decisions import FT_REASONS
    except ImportError:
        return None
    path = folder / "sample_review_title_abstract.csv"
    rows = [
        {
            "record_id": work.key,
            "title": work.title,
            "abstract": work.abstract or "",
            "keywords": "; ".join(work.keywords),
            "label_included": int(bool(work.study or work.title in FT_REASONS)),
        }
        for work in build().works
    ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def stopping_point(run: SimulationRun) -> tuple[int, float] | None:
    """Where the SAFE-style heuristic would first have been met, and the recall reached there."""
    labels = run.labels_in_order
    for screened in range(1, len(labels) + 1):
        if stopping_advice(labels[:screened], len(labels)).met:
            return screened, sum(labels[:screened]) / sum(labels)
    return None


def estimate_check(texts: list[str], labels: list[int], run: SimulationRun) -> str:
    """The estimate of includes still unseen against the truth, when 25/50/75/95% were found."""
    ranker = Ranker(texts)
    values = np.asarray(labels)
    sequence = run.priors + run.order
    total = int(values.sum())
    notes = []
    for share in (0.25, 0.5, 0.75, 0.95):
        found = np.cumsum(values[sequence])
        screened_count = int(np.searchsorted(found, np.ceil(share * total))) + 1
        screened = np.asarray(sequence[:screened_count])
        ranking = ranker.rank(screened, values[screened])
        estimate = estimate_relevant_remaining(ranker, ranking, screened, values[screened])
        notes.append(
            f"{share:.0%} found: estimate {estimate:.1f}, truth {total - int(found[screened_count - 1])}"
        )
    return "; ".join(notes)


def synthetic_texts(count: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Abstract-sized texts over a Zipf vocabulary; 2% carry a topic of their own."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i}" for i in range(30_000)])
    weights = 1 / np.arange(1, len(vocabulary) + 1)
    weights /= weights.sum()
    labels = (rng.random(count) < 0.02).astype(int)
    words = rng.choice(len(vocabulary), size=(count, 180), p=weights)  # one draw: p is costly per call
    topic = rng.integers(5000, 5050, size=(count, 20))
    words[:, :20] = np.where(labels[:, None] == 1, topic, words[:, :20])
    texts = [" ".join(vocabulary[row]) for row in words]
    return texts, labels


def bench_timing(count: int) -> None:
    """Wall and CPU seconds: on a shared machine the wall clock also counts other processes' turns."""
    print(
        f"\nTiming at {count:,} synthetic records (180 words each); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    texts, labels = synthetic_texts(count)
    started, cpu = time.perf_counter(), time.process_time()
    ranker = Ranker(texts)
    print(
        f"  TF-IDF (once per review): wall {time.perf_counter() - started:.1f} s, CPU {time.process_time() - cpu:.1f} s, "
        f"{ranker.features.shape[1]:,} features"
    )
    rng = np.random.default_rng(1)
    for screened_count in (100, 1_000, 5_000, 20_000):
        screened = rng.choice(count, size=screened_count, replace=False)
        screened_labels = labels[screened]
        screened_labels[:2] = [1, 0]
        for what, step in (
            ("retrain + rank", lambda: ranker.rank(screened, screened_labels)),
            (
                "+ estimate unseen",
                lambda: estimate_relevant_remaining(
                    ranker, ranker.rank(screened, screened_labels), screened, screened_labels
                ),
            ),
        ):
            walls, cpus = [], []
            for _ in range(3):
                started, cpu = time.perf_counter(), time.process_time()
                step()
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
            print(
                f"  {what:<17} with {screened_count:>6,} screened: median wall {statistics.median(walls):.2f} s, "
                f"CPU {statistics.median(cpus):.2f} s (of 3)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--asreview", help="a Python interpreter with asreview==3.0.8 installed")
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cartsle-bench-"))
    sample = sample_review_csv(folder)
    files = sorted(LABELLED.glob("*.csv")) + ([sample] if sample else []) + args.files
    for path in files:
        try:
            bench_file(path, args.runs, args.asreview)
        except CartsleError as error:
            print(f"\n{path.name}: skipped: {error}", file=sys.stderr)
    if not args.skip_timing:
        bench_timing(args.records)


if __name__ == "__main__":
    main()
