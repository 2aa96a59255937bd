"""Replaying a fully labelled set: the model screens, the labels answer, the metrics measure.

The protocol is ASReview LAB's simulation (van de Schoot et al. 2021, Nature Machine Intelligence):
per run, one random include and one random exclude are given as prior knowledge; the model is then
retrained after every record and the best-ranked record is "screened" (its label revealed) until
the last include is found. Priors are left out of N and of the includes when measuring.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

from cartsle_cli.screening.ranking.classifiers import LinearSVM
from cartsle_cli.screening.ranking.metrics import ScreeningMetrics, screening_metrics
from cartsle_cli.screening.ranking.model import DEFAULT_MODEL, Ranker, RankingModel
from cartsle_cli.screening.ranking.span_svm import SpanSVM, certain_pick, feature_twins

SPAN_RECORDS_LIMIT = 4096  # screened records up to which replay_span retrains, liblinear after
Progress = Callable[[int], None]  # called with the number of records screened in this step


@dataclass
class SimulationRun:
    """One replay: which priors, the screening order that followed, and how it scored."""

    seed: int
    priors: list[int]  # positions into the labelled set
    order: list[int]  # positions screened after the priors, up to the last include
    labels_in_order: list[int]  # labels of all records but the priors, screened ones first
    metrics: ScreeningMetrics
    retrain_seconds: list[float] = field(default_factory=list)

    @property
    def recall(self) -> list[float]:
        """Share of includes found after each record screened (index 0: one record read)."""
        found = np.cumsum(self.labels_in_order)
        return (found / found[-1]).tolist()


@dataclass(frozen=True)
class Spread:
    mean: float
    sd: float | None  # None with one run
    low: float
    high: float


@dataclass
class SimulationResult:
    model: str
    records: int
    includes: int
    runs: list[SimulationRun]

    def spread(self, metric: str) -> Spread:
        values = [float(getattr(run.metrics, metric)) for run in self.runs]
        sd = statistics.stdev(values) if len(values) > 1 else None
        return Spread(statistics.fmean(values), sd, min(values), max(values))


def choose_priors(labels: np.ndarray, seed: int) -> list[int]:
    """One random include and one random exclude, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    return [int(rng.choice(np.flatnonzero(labels == 1))), int(rng.choice(np.flatnonzero(labels == 0)))]


def replay(
    ranker: Ranker, labels: np.ndarray, priors: Sequence[int], progress: Progress | None = None
) -> tuple[list[int], list[float]]:
    """Screen in the model's order, retraining after every record, until the last include is found."""
    if isinstance(ranker.model.classifier, LinearSVM) and len(set(labels[list(priors)].tolist())) == 2:
        order, seconds = replay_span(ranker, labels, priors, progress)
        if len(priors) + len(order) < SPAN_RECORDS_LIMIT or labels.sum() == labels[[*priors, *order]].sum():
            return order, seconds
        # past the limit the rest is refitted by liblinear, from the records screened so far
        more, more_seconds = replay_refit(ranker, labels, [*priors, *order], progress)
        return order + more, seconds + more_seconds
    return replay_refit(ranker, labels, priors, progress)


def replay_refit(
    ranker: Ranker, labels: np.ndarray, priors: Sequence[int], progress: Progress | None = None
) -> tuple[list[int], list[float]]:
    """``replay`` through :meth:`Ranker.rank`, the classifier fitted from scratch every time (and
    the seeded random order while the priors lack an include or an exclude)."""
    screened = list(priors)
    remaining = int(labels.sum() - labels[screened].sum())
    order: list[int] = []
    seconds: list[float] = []
    while remaining > 0:
        started = time.perf_counter()
        ranking = ranker.rank(np.asarray(screened), labels[screened])
        seconds.append(time.perf_counter() - started)
        chosen = int(ranking.order[0])
        screened.append(chosen)
        order.append(chosen)
        remaining -= int(labels[chosen])
        if progress:
            progress(1)
    return order, seconds


def replay_span(
    ranker: Ranker, labels: np.ndarray, priors: Sequence[int], progress: Progress | None = None
) -> tuple[list[int], list[float]]:
    """``replay`` for the linear SVM: the same retrain after every record and the pick of the exact
    optimum, with the SVM solved in the span of the screened records, warm-started and no more
    exactly than the pick needs (:mod:`.span_svm`), and only the best record found instead of the
    whole order sorted. Stops after ``SPAN_RECORDS_LIMIT`` records screened (the dot products among
    them take its square of memory: 128 MB at 4,096)."""
    classifier = ranker.model.classifier
    assert isinstance(classifier, LinearSVM)
    solver = SpanSVM(ranker.features, classifier.C)
    twins = feature_twins(solver.features)
    for position in priors:
        solver.add(int(position), int(labels[position]))
    unscreened = np.ones(len(labels), dtype=bool)
    unscreened[list(priors)] = False
    remaining = int(labels[unscreened].sum())
    order: list[int] = []
    seconds: list[float] = []
    while remaining > 0 and len(solver) < SPAN_RECORDS_LIMIT:
        started = time.perf_counter()
        pool = np.flatnonzero(unscreened)
        screened = len(solver)
        pick = certain_pick(
            solver,
            ranker.model.balancer.weights(labels[solver.positions]),
            pool,
            partial(ranker.model.querier.key, screened=screened),
            ranker.tiebreak[pool],
            twins,
        )
        chosen = int(pool[pick])
        seconds.append(time.perf_counter() - started)
        solver.add(chosen, int(labels[chosen]))
        unscreened[chosen] = False
        order.append(chosen)
        remaining -= int(labels[chosen])
        if progress:
            progress(1)
    return order, seconds


def simulate(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    runs: int = 1,
    seed: int = 0,
    priors: Sequence[int] | None = None,
    model: RankingModel = DEFAULT_MODEL,
    progress: Progress | None = None,
    keywords: Sequence[str] | None = None,
    features: sparse.csr_matrix | None = None,
) -> SimulationResult:
    """Replay the labelled set ``runs`` times, run i seeded with ``seed + i``.

    ``priors`` (positions) fixes the prior knowledge for every run; otherwise each run draws one
    include and one exclude. The features are computed once for all runs, or given (``model``'s,
    computed before: then ``texts`` and ``keywords`` are not read).
    """
    values = np.asarray(labels, dtype=int)
    if not (np.any(values == 1) and np.any(values == 0)):
        raise ValueError("a simulation needs at least one include and one exclude")
    ranker = Ranker(texts, model, seed, keywords, features)
    with threadpool_limits(limits=1, user_api="blas"):
        # the retrains multiply matrices of a few hundred rows: BLAS threads only wait for each other
        results = [_run(ranker, values, run_seed, priors, progress) for run_seed in range(seed, seed + runs)]
    includes = int(values.sum())
    return SimulationResult(model.describe(), len(values), includes, results)


def _run(
    ranker: Ranker, values: np.ndarray, run_seed: int, priors: Sequence[int] | None, progress: Progress | None
) -> SimulationRun:
    """One replay, seeded with ``run_seed``."""
    run_priors = list(priors) if priors else choose_priors(values, run_seed)
    ranker.reseed(run_seed)
    order, seconds = replay(ranker, values, run_priors, progress)
    unread = np.setdiff1d(np.arange(len(values)), run_priors + order)
    # after the last include every remaining record is an exclude, so their order is moot
    labels_in_order = values[order].tolist() + values[unread].tolist()
    return SimulationRun(
        run_seed, run_priors, order, labels_in_order, screening_metrics(labels_in_order), seconds
    )
