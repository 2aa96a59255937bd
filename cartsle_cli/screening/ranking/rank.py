"""The order of screening for a review: ``rank_records``, the contract `cartsle screen` relies on."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from cartsle_cli.screening.ranking.model import DEFAULT_MODEL, Ranker, Ranking, RankingModel


@dataclass
class RankResult:
    """Unscreened record ids, most likely relevant first, and what put them in that order."""

    order: list[int]
    estimated_relevant_remaining: float | None  # None in the random phase
    model: str | None  # one-line description; None in the random phase


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple, Ranker]] = {}


def ranker_for(
    record_ids: Sequence[int],
    texts: Sequence[str] | None,
    seed: int = 0,
    model: RankingModel = DEFAULT_MODEL,
    features: sparse.csr_matrix | None = None,
    keywords: Sequence[str] | None = None,
) -> Ranker:
    """The ranker for these records, reused while the records, texts (or the given features), seed
    and model stay the same.

    Fitting TF-IDF is the slow step (a minute at 100,000 records), so it is done once per review
    (and kept: see ``screening.features_store``) and a retrain only refits the classifier.
    """
    content = id(features) if features is not None else hash((tuple(texts or ()), tuple(keywords or ())))
    key = (tuple(record_ids), content, seed, model)
    with _cache_lock:
        cached = _cache.get("last")
        if cached and cached[0] == key:
            return cached[1]
    ranker = Ranker(texts or [], model, seed, keywords, features=features)
    with _cache_lock:
        _cache["last"] = (key, ranker)
    return ranker


CALIBRATION_FOLDS = 3
CALIBRATION_TRAINING_CAP = 3_000  # records per fold model: keeps the estimate's cost below a retrain's


def held_out_scores(ranker: Ranker, screened: np.ndarray, labels: np.ndarray) -> np.ndarray | None:
    """Each screened record's score from a model that did not see it (stratified k-fold), or None
    when there are too few includes or excludes to split. Fold models learn from at most
    ``CALIBRATION_TRAINING_CAP`` records, drawn at random, so a review with 20,000 decisions pays
    for three small fits, not three large ones."""
    folds = min(CALIBRATION_FOLDS, int(labels.sum()), int((labels == 0).sum()))
    if folds < 2:
        return None
    rng = np.random.default_rng(0)
    scores = np.empty(len(screened))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(screened, labels):
        if len(train) > CALIBRATION_TRAINING_CAP:
            train = rng.choice(train, CALIBRATION_TRAINING_CAP, replace=False)
        if labels[train].min() == labels[train].max():
            return None
        trained = ranker.train(screened[train], labels[train])
        scores[test] = trained.decision_function(ranker.features[screened[test]])
    return scores


def estimate_relevant_remaining(
    ranker: Ranker, ranking: Ranking, screened: np.ndarray, labels: np.ndarray
) -> float:
    """Sum over unscreened records of a Platt-calibrated probability of relevance (Platt 1999).

    A one-variable logistic regression maps held-out classifier scores of the screened records
    (:func:`held_out_scores`) to their labels and is applied to the unscreened records' scores.
    The screened records are the model's own picks, hard excludes among them, so held-out scores
    separate them poorly and the estimate runs high early in screening; it is a rough guide, not a
    bound. With too few labels to split, training scores are used (which runs low).
    """
    scores = held_out_scores(ranker, screened, labels)
    if scores is None:
        assert ranking.trained is not None, "the random phase has no classifier to score with"
        scores = ranking.trained.decision_function(ranker.features[screened])
    calibration = LogisticRegression(C=1e4).fit(scores.reshape(-1, 1), labels)
    return float(calibration.predict_proba(ranking.scores.reshape(-1, 1))[:, 1].sum())


def rank_records(
    record_ids: list[int],
    texts: list[str] | None,
    labels: dict[int, int],
    seed: int = 0,
    *,
    features: sparse.csr_matrix | None = None,
    model: RankingModel = DEFAULT_MODEL,
    estimate: bool = True,
    keywords: Sequence[str] | None = None,
) -> RankResult:
    """Order the records not yet in ``labels`` (record id -> 1 include / 0 exclude).

    Until ``labels`` hold an include and an exclude the order is random, reproducible from
    ``seed``; after that the model (default: see :mod:`model`) ranks them, retrained on ``labels``.
    ``features`` (one row per record id) replaces the texts when they were computed before.
    The estimate of includes unseen is never above the records left; ``estimate=False`` skips it.
    """
    rows = features.shape[0] if features is not None else len(texts or [])
    if len(record_ids) != rows:
        raise ValueError("record_ids and texts (or features) must have the same length")
    position = {record_id: index for index, record_id in enumerate(record_ids)}
    known = [
        (position[record_id], int(label)) for record_id, label in labels.items() if record_id in position
    ]
    screened = np.array([index for index, _ in known], dtype=int)
    decisions = np.array([label for _, label in known], dtype=int)
    ranker = ranker_for(record_ids, texts, seed, model, features, keywords)
    ranking = ranker.rank(screened, decisions)
    order = [record_ids[index] for index in ranking.order]
    if ranking.trained is None:
        return RankResult(order, None, None)
    remaining = None
    if estimate:
        remaining = min(float(len(order)), estimate_relevant_remaining(ranker, ranking, screened, decisions))
    return RankResult(order, remaining, model.describe())
