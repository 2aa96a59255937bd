"""The screening model as four named, swappable parts, and a ranker bound to one set of records.

The parts follow ASReview LAB's design (van de Schoot et al. 2021, Nature Machine Intelligence):
feature extractor -> balancer -> classifier -> query strategy. The features are computed once per
set of records; each retrain refits only the classifier on the screened records, which keeps a
retrain at 50,000 records well under two seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from cartsle_cli.screening.ranking.balancers import Balanced, Balancer
from cartsle_cli.screening.ranking.classifiers import (
    Classifier,
    Ensemble,
    LinearSVM,
    Logistic,
    TrainedClassifier,
)
from cartsle_cli.screening.ranking.features import (
    Combined,
    FeatureExtractor,
    KeywordTerms,
    TfidfChars,
    TfidfWordPairs,
)
from cartsle_cli.screening.ranking.queriers import MaxQuery, MixedQuery, Querier


@dataclass(frozen=True)
class RankingModel:
    """Which part does each job; every part carries its own settings."""

    features: FeatureExtractor = field(default_factory=TfidfWordPairs)
    balancer: Balancer = field(default_factory=Balanced)
    classifier: Classifier = field(default_factory=LinearSVM)
    querier: Querier = field(default_factory=MaxQuery)

    def describe(self) -> str:
        return "; ".join(
            part.describe() for part in (self.features, self.balancer, self.classifier, self.querier)
        )


ELAS_U4 = RankingModel()  # ASReview LAB 3's default, rebuilt part for part
_WORDS_KEYWORDS = Combined((TfidfWordPairs(), KeywordTerms()), (1.0, 0.5))
CANDIDATES: dict[str, RankingModel] = {
    "elas-u4": ELAS_U4,
    "svm+keywords": RankingModel(features=_WORDS_KEYWORDS),
    "svm+keywords+mixed": RankingModel(features=_WORDS_KEYWORDS, querier=MixedQuery()),
    "svm+chars+keywords": RankingModel(
        features=Combined((TfidfWordPairs(), TfidfChars(), KeywordTerms()), (1.0, 1.0, 0.5))
    ),
    "svm+logistic+keywords": RankingModel(
        features=_WORDS_KEYWORDS, classifier=Ensemble((LinearSVM(), Logistic()))
    ),
    "ensemble": RankingModel(classifier=Ensemble()),
    "ensemble+keywords": RankingModel(features=_WORDS_KEYWORDS, classifier=Ensemble()),
}
# Chosen with benchmarks/screening_choice.py (README, "How the default was chosen"): ELAS u4 plus
# the records' keyword/MeSH terms as a second feature block at half weight. Records without
# keywords get exactly ELAS u4's features.
DEFAULT_MODEL = CANDIDATES["svm+keywords"]
MODELS: dict[str, RankingModel] = {"default": DEFAULT_MODEL, **CANDIDATES}  # the names --model takes


def model_named(name: str) -> RankingModel:
    from cartsle_cli.errors import CartsleError

    if name not in MODELS:
        raise CartsleError(f"no model {name!r}; models: {', '.join(MODELS)}", field="model")
    return MODELS[name]


@dataclass
class Ranking:
    """One retrain's output: unscreened positions best first, and the classifier's scores."""

    order: np.ndarray  # positions into the ranker's records, best first
    scores: np.ndarray  # the classifier's score for each record in ``order``; zeros in the random phase
    trained: TrainedClassifier | None  # None in the random phase


class Ranker:
    """A model bound to one set of texts: features fitted once, classifier refitted on demand."""

    def __init__(
        self,
        texts: Sequence[str],
        model: RankingModel = DEFAULT_MODEL,
        seed: int = 0,
        keywords: Sequence[str] | None = None,
        features: sparse.csr_matrix | None = None,
    ) -> None:
        """``features`` given (kept from an earlier launch) skips the extraction."""
        self.model = model
        self.features: sparse.csr_matrix = (
            features if features is not None else model.features.fit_transform(texts, keywords)
        )
        self.reseed(seed)

    def reseed(self, seed: int) -> None:
        """One random rank per record: the random phase's order, and the tie-break afterwards."""
        self.tiebreak = np.random.default_rng(seed).permutation(self.features.shape[0])

    def __len__(self) -> int:
        return self.features.shape[0]

    def rank(self, screened: np.ndarray, labels: np.ndarray) -> Ranking:
        """Order the records not in ``screened`` (positions) given their ``labels`` (1/0).

        Until the screened records hold both an include and an exclude there is nothing to learn
        from, and the order is the seeded random one.
        """
        mask = np.ones(len(self), dtype=bool)
        mask[np.asarray(screened, dtype=int)] = False
        unscreened = np.flatnonzero(mask)
        if not (np.any(labels == 1) and np.any(labels == 0)):
            order = np.argsort(self.tiebreak[unscreened], kind="stable")
            return Ranking(unscreened[order], np.zeros(len(order)), None)
        trained = self.train(screened, labels)
        scores = trained.decision_function(self.features[unscreened])
        order = self.model.querier.order(scores, self.tiebreak[unscreened], len(screened), trained.boundary)
        return Ranking(unscreened[order], scores[order], trained)

    def train(self, screened: np.ndarray, labels: np.ndarray) -> TrainedClassifier:
        weights = self.model.balancer.weights(labels)
        trained = self.model.classifier.fit(self.features[screened], labels, weights)
        if hasattr(trained, "set_reference"):  # rank averaging ranks against every record
            trained.set_reference(self.features)
        return trained
