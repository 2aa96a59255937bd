#!/usr/bin/env python3
"""Benchmark `cartsle extract load` and `cartsle pool` on a generated protocol of issue 13's size.

The protocol: a comparative design, 40 outcomes (binary, continuous and generic in turn) over 60
studies, every analysis with a subgroup variable, one moderator and leave-one-out (REML, z CI).
The data are drawn from fixed seeds: per study a region (3 levels), a latitude and, per outcome,
arm counts or means around a true effect that moves with latitude. Timed: the library's
``load_extraction`` of studies.csv + arms.csv (60 studies x 40 outcomes, all checks), and
`cartsle pool` in a fresh process (imports included) and in-process (``pool_review`` alone).
Targets (issue 13): `extract load` under 1 s, `cartsle pool` under 3 s. Wall and CPU time are
both printed: on a shared machine the wall time mostly measures the other processes.

The peer is R's metafor running the same analyses on the same files (``pool_peer.R``: escalc,
rma REML with confint and predict, rma per region with the Q-between test, rma with the moderator
and its confint, leave1out, every result printed), timed once as a fresh ``Rscript`` process;
it is skipped with ``--no-peer`` or where Rscript with metafor is not installed.

    python3 benchmarks/pool_bench.py [--studies 60] [--outcomes 40] [--repeat 3] [--no-peer]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from cartsle_cli.extraction.store import load_extraction
from cartsle_cli.protocol.store import load_protocol
from cartsle_cli.review.pooling import pool_review
from cartsle_cli.store import open_review

KINDS = ("binary", "continuous", "generic")
MEASURE = {"binary": "OR", "continuous": "SMD", "generic": "GEN"}


def protocol_text(outcomes: int) -> str:
    parts = [
        'format = 1\ntitle = "Generated benchmark review"\n',
        '[design]\ntype = "comparative"\n',
        '[[design.arms]]\nid = "treated"\nrole = "intervention"\n',
        '[[design.arms]]\nid = "control"\nrole = "control"\n',
        '[[characteristics]]\nname = "first_author"\ntype = "text"\nrequired = true\n',
        '[[characteristics]]\nname = "year"\ntype = "integer"\nrequired = true\n',
        '[[characteristics]]\nname = "region"\ntype = "choice"\nvalues = ["north", "south", "east"]\nrole = "subgroup"\n',
        '[[characteristics]]\nname = "latitude"\ntype = "number"\nrole = "covariate"\n',
    ]
    for i in range(outcomes):
        kind = KINDS[i % 3]
        scale = '\nscale = "log hazard ratio"' if kind == "generic" else ""
        parts.append(f'[[outcomes]]\nid = "o{i}"\nlabel = "Outcome {i}"\ntype = "{kind}"{scale}\n')
        parts.append(
            f'[[outcomes.analyses]]\nmeasure = "{MEASURE[kind]}"\nmethod = "reml"\nsubgroups = ["region"]\n'
            'covariates = ["latitude"]\nsensitivity = ["leave-one-out"]\n'
        )
    return "\n".join(parts)


def write_files(folder: Path, studies: int, outcomes: int, seed: int = 13) -> tuple[list[Path], set[str]]:
    rng = np.random.default_rng(seed)
    ids = [f"Study{i:03d} {2000 + i % 25}" for i in range(studies)]
    regions = rng.choice(["north", "south", "east"], size=studies)
    latitude = rng.uniform(0, 60, size=studies).round(1)
    study_columns = ["study_id", "first_author", "year", "region", "latitude"]
    arm_columns = ["study_id", "arm"]
    study_rows = [
        [ids[s], f"Study{s:03d}", str(2000 + s % 25), regions[s], str(latitude[s])] for s in range(studies)
    ]
    arm_rows = {(s, arm): [ids[s], arm] for s in range(studies) for arm in ("treated", "control")}
    for i in range(outcomes):
        kind = KINDS[i % 3]
        effect = -0.4 + 0.01 * (latitude - 30) + rng.normal(0, 0.2, studies)
        if kind == "generic":
            study_columns += [f"o{i}_estimate", f"o{i}_se"]
            se = rng.uniform(0.1, 0.4, studies)
            for s in range(studies):
                study_rows[s] += [f"{effect[s] + rng.normal(0, se[s]):.4f}", f"{se[s]:.4f}"]
            continue
        n = rng.integers(40, 400, size=(studies, 2))
        if kind == "binary":
            arm_columns += [f"o{i}_events", f"o{i}_n"]
            risk_c = rng.uniform(0.1, 0.4, studies)
            odds_t = risk_c / (1 - risk_c) * np.exp(effect)
            risk_t = odds_t / (1 + odds_t)
            for s in range(studies):
                arm_rows[s, "treated"] += [str(rng.binomial(n[s, 0], risk_t[s])), str(n[s, 0])]
                arm_rows[s, "control"] += [str(rng.binomial(n[s, 1], risk_c[s])), str(n[s, 1])]
        else:
            arm_columns += [f"o{i}_mean", f"o{i}_sd", f"o{i}_n"]
            for s in range(studies):
                for arm, shift, k in (("treated", effect[s], 0), ("control", 0.0, 1)):
                    mean = 10 + shift * 2 + rng.normal(0, 2 / np.sqrt(n[s, k]))
                    arm_rows[s, arm] += [f"{mean:.3f}", f"{rng.uniform(1.5, 2.5):.3f}", str(n[s, k])]
    paths = [folder / "studies.csv", folder / "arms.csv"]
    paths[0].write_text("\n".join(",".join(row) for row in [study_columns, *study_rows]) + "\n")
    paths[1].write_text("\n".join(",".join(row) for row in [arm_columns, *arm_rows.values()]) + "\n")
    return paths, set(ids)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--studies", type=int, default=60)
    parser.add_argument("--outcomes", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best is shown")
    parser.add_argument("--no-peer", action="store_true", help="do not time metafor (pool_peer.R)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "protocol.toml").write_text(protocol_text(args.outcomes))
        files, ids = write_files(folder, args.studies, args.outcomes)
        db = folder / "review.db"
        conn = open_review(db)
        load_protocol(conn, folder / "protocol.toml")
        loads, load_cpu = [], []
        for _ in range(args.repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = load_extraction(conn, files, known_study_ids=ids)
            loads.append(time.perf_counter() - started)
            load_cpu.append(time.process_time() - cpu_started)
        cells = conn.execute(
            "SELECT count(*) FROM extract_values WHERE load_id = ?", (result.load.id,)
        ).fetchone()[0]
        pools, pool_cpu = [], []
        for _ in range(args.repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            pooled = pool_review(conn)
            pools.append(time.perf_counter() - started)
            pool_cpu.append(time.process_time() - cpu_started)
        conn.close()
        command = [str(Path(sys.executable).with_name("cartsle")), "pool", "--db", str(db)]
        processes, cpu = [], []
        for _ in range(args.repeat):
            wall, seconds, _ = _timed(command)
            processes.append(wall)
            cpu.append(seconds)
        peer = None if args.no_peer else _peer(folder, args.outcomes)
    extras = sum(
        bool(a.effect.subgroups) + bool(a.effect.meta_regression) + bool(a.effect.leave_one_out)
        for a in pooled.analyses
        if a.effect
    )
    print(f"protocol: {args.outcomes} outcomes ({', '.join(KINDS)}) x {args.studies} studies; "
          f"{len(pooled.analyses)} analyses pooled, {extras} subgroup/moderator/leave-one-out analyses run")  # fmt: skip
    print(
        f"extract load ({cells} cells)      best {min(loads):6.3f} s wall, {min(load_cpu):6.3f} s CPU  (target < 1 s)"
    )
    print(f"pool_review (in process)         best {min(pools):6.3f} s wall, {min(pool_cpu):6.3f} s CPU")
    print(
        f"cartsle pool (fresh process)     best {min(processes):6.3f} s wall, {min(cpu):6.3f} s CPU"
        f"  (target < 3 s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    if peer is None:
        print("peer: not run (--no-peer, or no Rscript with metafor)")
    else:
        wall, seconds, version = peer
        print(
            f"peer: metafor {version} (Rscript pool_peer.R, the same analyses, fresh process, one run)"
            f"  {wall:6.3f} s wall, {seconds:6.3f} s CPU"
        )


def _timed(command: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one run of ``command`` (the child's own CPU), and its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, done.stderr


def _peer(folder: Path, outcomes: int) -> tuple[float, float, str] | None:
    """metafor on the same files, or None where Rscript or metafor is missing."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    script = Path(__file__).with_name("pool_peer.R")
    try:
        wall, seconds, messages = _timed([rscript, str(script), str(folder), str(outcomes)])
    except subprocess.CalledProcessError:
        return None
    named = [line for line in messages.splitlines() if line.startswith("metafor ")]
    version = named[0].removeprefix("metafor ") if named else "?"
    return wall, seconds, version


if __name__ == "__main__":
    main()
