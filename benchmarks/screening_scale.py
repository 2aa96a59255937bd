"""Start-up and key latency of the interactive screen on generated reviews (30,000 and 100,000 records).

    nice python3 benchmarks/screening_scale.py [--records 30000 100000] [--folder /tmp/cartsle-scale]

Per size: a review of generated records (abstract-sized texts over a Zipf vocabulary) with 200
title/abstract decisions, an include among them; then
- first launch: building and keeping the features (what the progress bar covers);
- later launch: from constructing the screen to its first record on screen (Textual headless);
- key latency: median and max over 30 decisions of one key press (store + next record shown), with
  no retrain running and while one runs;
- quitting while a retrain runs: how long the app takes to exit.
Wall seconds, on a machine shared with other work (the load average is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screening_bench import synthetic_texts  # noqa: E402

from cartsle_cli.cli.screen_tui import ScreenApp  # noqa: E402
from cartsle_cli.formats.record import Record  # noqa: E402
from cartsle_cli.screening.decisions import Decision, store_decisions  # noqa: E402
from cartsle_cli.screening.features_store import build_features, features_path  # noqa: E402
from cartsle_cli.screening.settings import set_reviewers_required  # noqa: E402
from cartsle_cli.store import open_review, transaction  # noqa: E402
from cartsle_cli.store.searches import add_search  # noqa: E402


def make_review(path: Path, count: int) -> None:
    if path.exists():
        return
    texts, labels = synthetic_texts(count)
    records = [
        Record(
            line=i + 1, raw="", title=" ".join(text.split()[:12]), abstract=text, authors=[f"Author{i}, A"]
        )
        for i, text in enumerate(texts)
    ]
    conn = open_review(path)
    with transaction(conn):
        add_search(
            conn,
            database="Generated",
            other_methods=False,
            format="test",
            file_name="generated.txt",
            sha256=f"generated-{count}",
            records=records,
        )
        set_reviewers_required(conn, 1)
        ids = [row[0] for row in conn.execute("SELECT id FROM records ORDER BY id LIMIT 200")]
        store_decisions(
            conn,
            [
                Decision(rid, "ta", "bench", "include" if labels[i] or i == 0 else "exclude")
                for i, rid in enumerate(ids)
            ],
            source="bench",
        )
    conn.close()


async def drive(app: ScreenApp, keys: int, *, during_retrain: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    started = time.perf_counter()
    async with app.run_test() as pilot:
        while app.view.shown is None:
            await asyncio.sleep(0.005)
        figures["first record"] = time.perf_counter() - started
        await app.view.wait_for_ranking()
        await pilot.pause()
        latencies = []
        for _ in range(keys):
            if during_retrain and not app.view.ranking:
                app.view.rerank()
            shown = app.view.shown
            pressed = time.perf_counter()
            app.view.action_decide("exclude")
            while app.view.shown == shown:
                await asyncio.sleep(0)
            latencies.append(time.perf_counter() - pressed)
        figures["key median"] = statistics.median(latencies)
        figures["key max"] = max(latencies)
        app.view.rerank()
        quitting = time.perf_counter()
        await pilot.press("q")
    figures["quit while retraining"] = time.perf_counter() - quitting
    return figures


def bench(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"review-{count}.db"
    started = time.perf_counter()
    make_review(db, count)
    made = time.perf_counter() - started
    features_path(db).unlink(missing_ok=True)
    conn = open_review(db)
    started = time.perf_counter()
    features = build_features(db, conn)
    first_build = time.perf_counter() - started
    conn.close()
    del features
    size = features_path(db).stat().st_size / 1e6
    quiet = asyncio.run(drive(ScreenApp(db, stage="ta", reviewer="bench"), 30, during_retrain=False))
    busy = asyncio.run(drive(ScreenApp(db, stage="ta", reviewer="bench"), 30, during_retrain=True))
    print(
        f"\n{count:,} records (review made in {made:.0f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(f"  first launch: features built and kept in {first_build:.1f} s ({size:.0f} MB beside the review)")
    print(f"  later launch: first record on screen after {quiet['first record']:.2f} s")
    print(
        f"  key press (store + next record): median {1000 * quiet['key median']:.1f} ms, max {1000 * quiet['key max']:.1f} ms; "
        f"while a retrain runs: median {1000 * busy['key median']:.1f} ms, max {1000 * busy['key max']:.1f} ms"
    )
    print(f"  quit while a retrain runs: {quiet['quit while retraining']:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, nargs="+", default=[30_000, 100_000])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/cartsle-scale"))
    args = parser.parse_args()
    for count in args.records:
        bench(args.folder, count)


if __name__ == "__main__":
    main()
