"""Replaying the stopping rules on a labelled set: the recall they stop at, how often it falls below
the target, and the work they save.

Per simulated screening (a replay of the model's order, see :mod:`.simulation`) the reviewer
screens in the model's order until the SAFE-style heuristic is first met (:mod:`.stopping`), then
switches to screening the rest in a random order; after each random record the hypergeometric
test (:mod:`.recall_test`) is computed, and the reviewer stops when it says recall >= target at
the confidence. Each replay is followed by ``draws`` different random samples, so the share of
stops below the target measures the test's own error rate, which it promises to keep at or below
1 - confidence. The heuristic alone (stopping at the switch) is reported beside it, and a stress
test that switches early, as soon as 80% of the includes are found (a point only a simulation
knows), where stopping below the target is a real risk the test has to guard against.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cartsle_cli.screening.ranking.recall_test import check_target, hypergeometric_cdf, includes_under_null
from cartsle_cli.screening.ranking.stopping import stopping_advice


@dataclass(frozen=True)
class Stop:
    """Where one simulated reviewer stopped."""

    screened: int  # records screened in all, priors included
    recall: float
    records: int

    @property
    def work_saved(self) -> float:
        return 1 - self.screened / self.records


@dataclass(frozen=True)
class StopSummary:
    rule: str
    runs: int
    mean_recall: float
    min_recall: float
    below_target: float  # share of runs that stopped below the target
    mean_work_saved: float
    target: float


def heuristic_switch(sequence: Sequence[int]) -> int:
    """Records screened when the heuristic is first met (all of them if never)."""
    total = len(sequence)
    run = 0
    needed = stopping_advice([], total).screened_needed
    for screened, label in enumerate(sequence, start=1):
        run = 0 if label else run + 1
        if screened >= needed and run >= 50:
            return screened
    return total


def early_switch(sequence: Sequence[int], recall: float = 0.8) -> int:
    """Records screened when ``recall`` of the includes are first found."""
    found = np.cumsum(sequence)
    return int(np.searchsorted(found, np.ceil(recall * found[-1]))) + 1


def sample_until_test_says_stop(
    sequence: Sequence[int], switch: int, rng: np.random.Generator, target: float, confidence: float
) -> Stop:
    """Screen the records after ``switch`` in a random order until the test is met."""
    labels = np.asarray(sequence)
    total, relevant = len(labels), int(labels.sum())
    before = int(labels[:switch].sum())
    rest = rng.permutation(labels[switch:])
    population, alpha, found = len(rest), 1 - confidence, 0
    for drawn, label in enumerate(rest, start=1):
        found += int(label)
        needed = includes_under_null(before, found, target)
        if (
            needed > population - (drawn - found)
            or hypergeometric_cdf(found, population, needed, drawn) < alpha
        ):
            return Stop(switch + drawn, (before + found) / relevant, total)
    return Stop(total, 1.0, total)


def summarise(rule: str, stops: list[Stop], target: float) -> StopSummary:
    recalls = [stop.recall for stop in stops]
    return StopSummary(
        rule,
        len(stops),
        statistics.fmean(recalls),
        min(recalls),
        sum(recall < target for recall in recalls) / len(stops),
        statistics.fmean(stop.work_saved for stop in stops),
        target,
    )


def simulate_stopping(
    sequences: Sequence[Sequence[int]],
    *,
    draws: int = 40,
    seed: int = 0,
    target: float = 0.95,
    confidence: float = 0.95,
) -> list[StopSummary]:
    """``sequences``: per replay, every record's label in the order screened (priors first, then the
    model's order, then the records never reached). Returns the test's and the heuristic's summaries."""
    check_target(target, confidence)
    rng = np.random.default_rng(seed)
    tested, heuristic, stressed = [], [], []
    for sequence in sequences:
        switch = heuristic_switch(sequence)
        relevant = sum(sequence)
        heuristic.append(Stop(switch, sum(sequence[:switch]) / relevant, len(sequence)))
        tested += [
            sample_until_test_says_stop(sequence, switch, rng, target, confidence) for _ in range(draws)
        ]
        early = early_switch(sequence)
        stressed += [
            sample_until_test_says_stop(sequence, early, rng, target, confidence) for _ in range(draws)
        ]
    test = f"hypergeometric test, recall >= {target:.0%} at {confidence:.0%}"
    return [
        summarise(f"{test}, random sample after the heuristic", tested, target),
        summarise(f"{test}, random sample from 80% recall (stress test)", stressed, target),
        summarise("SAFE-style heuristic alone (heuristic: no guarantee)", heuristic, target),
    ]
