"""Benchmark of screening prioritisation: the default model beside ELAS u4, and beside ASReview.

    nice python3 benchmarks/screening_bench.py [LABELLED.csv ...] [--runs 5] [--asreview /tmp/asr/bin/python]
                                               [--records 50000] [--skip-timing] [--time-only]

Per labelled set, mean over the runs (seeds 0..runs-1, one random include and one random exclude
as priors, the same for both models): WSS@95 by both formulas, WSS@100, RRF@10, for cartsle's
default model and for ELAS u4, and the simulation's wall time; then the mean over sets.
Start-up and key latency at 30,000 and 100,000 records are in benchmarks/screening_scale.py.

Runs `cartsle screen simulate`'s simulation on the two labelled Cohen 2006 reviews in
../shared/labelled-screening/ (reference, ASReview LAB 3.0.8 ELAS u4, mean of 3 seeds, WSS@95 as
asreview-insights computes it: UrinaryIncontinence 0.39, ADHD 0.65), on the sample review's works
(from cartsle_cli.sample; label: passed title/abstract screening), and on any labelled files given.
With --asreview (a Python that has asreview==3.0.8 installed, e.g. `python3 -m venv /tmp/asr &&
/tmp/asr/bin/pip install asreview==3.0.8`) ASReview's own simulation runs on the same file with the
same priors, and both orders are scored by the same metric code. Finally times TF-IDF, retrains and
the estimate of includes unseen on synthetic records, in wall and CPU seconds.

One simulation per set (seed 0's priors, until the last include) is timed in CPU seconds (from
os.wait4 for a whole process) beside wall seconds, with the load average: inside the process from
reading the file, and as whole processes: `cartsle screen simulate FILE --model M --runs 1
--priors ...` the first time (an empty cache: the file read and its TF-IDF computed) and again
(the prepared set kept by the first), and ASReview's. --time-only runs just that.
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.ranking import Ranker, read_labelled, screening_metrics, simulate, stopping_advice
from cartsle_cli.screening.ranking.model import DEFAULT_MODEL, ELAS_U4, model_named
from cartsle_cli.screening.ranking.rank import estimate_relevant_remaining
from cartsle_cli.screening.ranking.simulation import SimulationRun, choose_priors, replay_refit

REPO = Path(__file__).resolve().parent.parent
LABELLED = REPO.parent / "shared" / "labelled-screening"
REFERENCE_WSS95 = {"UrinaryIncontinence": 0.39, "ADHD": 0.65}  # PROVENANCE.md

# Runs inside the ASReview interpreter: its default model (ELAS u4), the given priors (row indices),
# simulation until the last include; prints the row indices in the order screened after the priors,
# and the wall and CPU seconds from reading the file to the last include (imports left out).
ASREVIEW_SCRIPT = """
import json, sys, time
import numpy as np
from asreview import load_dataset
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.simulation.simulate import Simulate
path, priors, seed = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
wall, cpu = time.perf_counter(), time.process_time()
np.random.seed(seed)
db = load_dataset(path)
with db:
    cycle = ActiveLearningCycle.from_meta(get_ai_config("elas_u4")["value"])
    sim = Simulate(db.input.get_df(), db.input["included"], cycle, print_progress=False)
    sim.label(priors)
    sim.review()
    order = [int(i) for i in sim._results["record_id"].tolist()[len(priors):]]
print(json.dumps({"order": order, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))
"""


@dataclass(frozen=True)
class Timed:
    """One simulation's seconds: from reading the file to the last include (imports left out), the
    whole process (interpreter start, imports, output), and for cartsle the whole process again
    with the prepared set kept by the first."""

    wall: float
    cpu: float
    process_wall: float
    process_cpu: float
    kept_wall: float | None = None
    kept_cpu: float | None = None


def whole_process(command: list[str], environment: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``command``: its wall seconds, its CPU seconds (user + system, from wait4) and stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.DEVNULL, env=environment)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise subprocess.CalledProcessError(child.returncode, command)
        output.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, output.read().decode()


def asreview_run(python: str, path: Path, labels: list[int], priors: list[int], seed: int):
    """ASReview's simulation in its own interpreter: metrics and seconds."""
    wall, cpu, printed_text = whole_process(
        [python, "-c", ASREVIEW_SCRIPT, str(path), json.dumps(priors), str(seed)]
    )
    printed = json.loads(printed_text.strip().splitlines()[-1])
    order = printed["order"]
    unread = [i for i in range(len(labels)) if i not in set(order) | set(priors)]
    return screening_metrics([labels[i] for i in order + unread]), Timed(
        printed["wall"], printed["cpu"], wall, cpu
    )


def picks(printed: str) -> dict[str, list]:
    """Per model, each run's priors and the records it screened, from `screen simulate --json`."""
    return {
        name: [(run["priors"], run["order"]) for run in model["runs"]]
        for name, model in json.loads(printed)["models"].items()
    }


def cartsle_run(path: Path, model: str, priors: list[int], record_ids: list[str]) -> Timed:
    """cartsle's simulation of one model, one run with the given priors: in this process from reading
    the file (features included), and as `cartsle screen simulate --runs 1` in its own process,
    first with an empty cache, then again with the prepared set the first kept."""
    started, cpu = time.perf_counter(), time.process_time()
    labelled = read_labelled(path)
    simulate(
        labelled.texts,
        labelled.labels,
        priors=priors,
        model=model_named(model),
        keywords=labelled.keywords,
    )
    inside = (time.perf_counter() - started, time.process_time() - cpu)
    command = [sys.executable, "-m", "cartsle_cli", "screen", "simulate", str(path), "--model", model]
    command += ["--runs", "1", "--priors", ",".join(record_ids[i] for i in priors), "--json"]
    with tempfile.TemporaryDirectory(prefix="cartsle-cache-") as cache:
        environment = {**os.environ, "CARTSLE_CACHE": cache}
        first = whole_process(command, environment)
        again = whole_process(command, environment)
    if picks(first[2]) != picks(again[2]):
        raise SystemExit(f"{path.name}, {model}: the run on the kept set screened other records")
    return Timed(*inside, first[0], first[1], again[0], again[1])


def mean(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.fmean(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def median_timed(measured: list[Timed]) -> Timed:
    """Each figure's median over repeated measurements."""

    def middle(name: str) -> float | None:
        values = [getattr(timed, name) for timed in measured]
        return None if None in values else statistics.median(values)

    return Timed(*(middle(name) for name in Timed.__dataclass_fields__))  # type: ignore[arg-type]


def time_file(path: Path, asreview: str | None, repeat: int = 1) -> None:
    """Only the timing of one simulation per model (seed 0's priors), cartsle's and ASReview's,
    each measured ``repeat`` times in turn (cartsle default, ELAS u4, ASReview), medians shown."""
    labelled = read_labelled(path)
    priors = choose_priors(np.asarray(labelled.labels), 0)
    name = path.stem.replace("srd__Cohen_2006_local_", "")
    print(f"\n{name}: {len(labelled.labels)} records, {labelled.includes} includes; {load()}")
    measured: dict[str, list[Timed]] = {}
    for _ in range(repeat):
        for label, model in (("cartsle default", "default"), ("ELAS u4 (cartsle)", "elas-u4")):
            measured.setdefault(label, []).append(cartsle_run(path, model, priors, labelled.record_ids))
        if asreview:
            metrics, timed = asreview_run(asreview, path, labelled.labels, priors, 0)
            measured.setdefault("ASReview 3.0.8", []).append(timed)
    if asreview:
        ours = simulate(labelled.texts, labelled.labels, priors=priors, model=ELAS_U4).runs[0].metrics
        print(
            f"  ELAS u4 in cartsle and in ASReview, same priors: {'identical' if ours == metrics else 'DIFFERENT'} metrics"
        )
    for label, timed in measured.items():
        print(
            f"  {label}, whole-process CPU of each measurement: "
            + ", ".join(f"{t.process_cpu:.2f}" for t in timed)
            + (
                "; again: " + ", ".join(f"{t.kept_cpu:.2f}" for t in timed)
                if timed[0].kept_cpu is not None
                else ""
            )
        )
    print_timings({label: median_timed(timed) for label, timed in measured.items()}, repeat)
    print(f"  ({load()} after)")


def bench_file(
    path: Path,
    runs: int,
    asreview: str | None,
    table: dict[str, dict[str, list]],
    asreview_runs: int = 1,
    compare_refit: bool = False,
) -> None:
    labelled = read_labelled(path)
    name = path.stem.replace("srd__Cohen_2006_local_", "")
    results = {
        label: simulate(
            labelled.texts, labelled.labels, runs=runs, seed=0, model=model, keywords=labelled.keywords
        )
        for label, model in (("cartsle default", DEFAULT_MODEL), ("ELAS u4 (cartsle)", ELAS_U4))
    }
    first = results["cartsle default"]
    print(
        f"\n{name}: {first.records} records, {first.includes} includes ({labelled.label_column}), {runs} runs, "
        "priors 1+1 per seed, the same for every model"
    )
    print(f"  {'model':<26} {'WSS@95 insights':<22} {'WSS@95 Cohen':<22} {'WSS@100 insights':<22} RRF@10")
    rows = [(label, [run.metrics for run in result.runs]) for label, result in results.items()]
    priors = first.runs[0].priors
    timings = {
        "cartsle default": cartsle_run(path, "default", priors, labelled.record_ids),
        "ELAS u4 (cartsle)": cartsle_run(path, "elas-u4", priors, labelled.record_ids),
    }
    if asreview:
        measured = [
            asreview_run(asreview, path, labelled.labels, run.priors, run.seed)
            for run in first.runs[:asreview_runs]
        ]
        label = f"ASReview 3.0.8 ({len(measured)} run)"
        rows.append((label, [m[0] for m in measured]))
        timings[label] = measured[0][1]
        ours = [run.metrics for run in results["ELAS u4 (cartsle)"].runs[: len(measured)]]
        same = ours == [m[0] for m in measured]
        print(
            f"  ELAS u4 in cartsle and in ASReview, same priors: {'identical' if same else 'DIFFERENT'} metrics"
        )
    for model, measured in rows:
        table.setdefault(model, {})[name] = [m.wss95_insights for m in measured]
        print(
            f"  {model:<26} {mean([m.wss95_insights for m in measured]):<22} {mean([m.wss95_cohen for m in measured]):<22} "
            f"{mean([m.wss100_insights for m in measured]):<22} {mean([m.rrf10 for m in measured])}"
        )
    if name in REFERENCE_WSS95:
        print(f"  reference (PROVENANCE.md, ASReview ELAS u4, insights WSS@95): {REFERENCE_WSS95[name]:.2f}")
    print_timings(timings)
    if compare_refit:
        print_refit_comparison(labelled, results)
    run = results["cartsle default"].runs[0]
    point = stopping_point(run)
    where = f"after {point[0]} records, recall {point[1]:.3f}" if point else "never"
    print(f"  stopping heuristic (50 exclusions in a row, >= 10% screened), default, run 1: met {where}")


def print_timings(timings: dict[str, Timed], repeat: int = 1) -> None:
    """One simulation each, seed 0's priors, until the last include."""
    print(
        "  one simulation (seed 0's priors): from reading the file to the last include; the whole process; "
        "the whole process again, the prepared set kept" + (f" (medians of {repeat})" if repeat > 1 else "")
    )
    for label, timed in timings.items():
        again = (
            f"; again CPU {timed.kept_cpu:5.2f} s (wall {timed.kept_wall:5.2f} s)"
            if timed.kept_cpu is not None
            else ""
        )
        print(
            f"    {label:<24} CPU {timed.cpu:5.2f} s (wall {timed.wall:5.2f} s); "
            f"whole process CPU {timed.process_cpu:5.2f} s (wall {timed.process_wall:5.2f} s){again}"
        )
    theirs = next((timed for label, timed in timings.items() if label.startswith("ASReview")), None)
    if theirs:
        for label in ("cartsle default", "ELAS u4 (cartsle)"):
            ours = timings[label]
            kept = f", {theirs.process_cpu / ours.kept_cpu:.1f}x again" if ours.kept_cpu else ""
            print(
                f"    ASReview (ELAS u4) / {label}, CPU: {theirs.cpu / ours.cpu:.1f}x from the file, "
                f"{theirs.process_cpu / ours.process_cpu:.1f}x whole process{kept}"
            )


def print_refit_comparison(labelled, results) -> None:
    """The runs again with the classifier refitted from scratch by liblinear after every record (the
    simulation before it solved the SVM warm-started): same order, same metrics?"""
    values = np.asarray(labelled.labels)
    for label, model in (("cartsle default", DEFAULT_MODEL), ("ELAS u4 (cartsle)", ELAS_U4)):
        ranker = Ranker(labelled.texts, model, 0, labelled.keywords)
        same_order = same_metrics = 0
        for run in results[label].runs:
            ranker.reseed(run.seed)
            # liblinear visits the coordinates in a random order drawn from NumPy's global
            # generator: seeded per run as ASReview's simulation seeds it (np.random.seed)
            np.random.seed(run.seed)
            order, _ = replay_refit(ranker, values, run.priors)
            unread = np.setdiff1d(np.arange(len(values)), run.priors + order)
            metrics = screening_metrics(values[order].tolist() + values[unread].tolist())
            same_order += order == run.order
            same_metrics += metrics == run.metrics
        print(
            f"  {label}, refitted by liblinear (seeded) after every record instead: same order in {same_order} of "
            f"{len(results[label].runs)} runs, same metrics in {same_metrics}"
        )


def print_means(table: dict[str, dict[str, list]]) -> None:
    sets = list(next(iter(table.values())))
    print("\nWSS@95 (asreview-insights), mean over runs per set, and the mean over sets")
    print(f"  {'model':<24} " + " ".join(f"{name:>20}" for name in sets) + f" {'mean':>8}")
    for model, per_set in table.items():
        means = [statistics.fmean(per_set[name]) for name in sets if name in per_set]
        print(
            f"  {model:<24} "
            + " ".join(f"{value:>20.3f}" for value in means)
            + f" {statistics.fmean(means):>8.3f}"
        )


def sample_review_csv(folder: Path) -> Path:
    """The sample review's works (one row per work, after deduplication) labelled 1 when they pass
    title/abstract screening (they reach full text), from the generator in cartsle_cli.sample."""
    from cartsle_cli.sample.catalogue import build
    from cartsle_cli.sample.decisions import FT_REASONS

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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--asreview", help="a Python interpreter with asreview==3.0.8 installed")
    parser.add_argument("--asreview-runs", type=int, default=1, help="ASReview runs per set (slow)")
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=1, help="with --time-only: measurements per figure (medians)"
    )
    parser.add_argument(
        "--time-only",
        action="store_true",
        help="only time one simulation per set and model (seed 0's priors), beside ASReview's",
    )
    parser.add_argument(
        "--compare-refit",
        action="store_true",
        help="also replay every run refitting liblinear after every record (the simulation before the warm-started solver)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cartsle-bench-"))
    sample = sample_review_csv(folder)
    files = [*sorted(LABELLED.glob("*.csv")), sample, *args.files]
    table: dict[str, dict[str, list]] = {}
    if args.time_only:
        print(f"One simulation per set, CPU seconds (wait4) beside wall; {load()}")
        for path in files:
            time_file(path, args.asreview, args.repeat)
        return
    for path in files:
        try:
            bench_file(path, args.runs, args.asreview, table, args.asreview_runs, args.compare_refit)
        except CartsleError as error:
            print(f"\n{path.name}: skipped: {error}", file=sys.stderr)
    if table:
        print_means(table)
    if not args.skip_timing:
        bench_timing(args.records)


if __name__ == "__main__":
    main()
