"""Classifiers: models that score a record's relevance from its features.

Every trained classifier has ``decision_function`` (higher is more likely relevant) and
``boundary``, the score at which it would call a record relevant (used by uncertainty queries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol

import numpy as np
from scipy import sparse

# scikit-learn's estimators are imported where they are fitted: a simulation of the linear SVM
# solves it itself (span_svm) and needs none of them, and sklearn.linear_model and sklearn.svm
# cost a fresh process a few tenths of a second


class Scorer(Protocol):
    """What a fitted scikit-learn linear model offers (scikit-learn has no type information)."""

    def decision_function(self, features: sparse.spmatrix) -> np.ndarray: ...


class TrainedClassifier(Protocol):
    boundary: float

    def decision_function(self, features: sparse.spmatrix) -> np.ndarray: ...


@dataclass
class Margin:
    """A fitted linear model's signed margin; it calls a record relevant above 0."""

    model: Scorer
    boundary: float = 0.0

    def decision_function(self, features: sparse.spmatrix) -> np.ndarray:
        return self.model.decision_function(features)


@dataclass(frozen=True)
class LinearSVM:
    """Linear support vector machine (Cortes & Vapnik 1995, Machine Learning), squared hinge loss.

    liblinear's dual coordinate descent (Fan et al. 2008, JMLR) via scikit-learn ``LinearSVC``.
    C = 0.11 is ASReview LAB 3's tuned value for ELAS u4 (asreview/asreview-optuna).
    """

    name: ClassVar[str] = "svm"
    C: float = 0.11

    def describe(self) -> str:
        return f"linear SVM (squared hinge, C={self.C:g})"

    def fit(self, features: sparse.spmatrix, labels: np.ndarray, weights: np.ndarray) -> TrainedClassifier:
        from sklearn.svm import LinearSVC

        return Margin(LinearSVC(C=self.C, loss="squared_hinge").fit(features, labels, sample_weight=weights))


@dataclass(frozen=True)
class Logistic:
    """L2-penalised logistic regression (scikit-learn ``LogisticRegression``, liblinear dual solver:
    far faster than the primal when features outnumber the screened records, as they do here)."""

    name: ClassVar[str] = "logistic"
    C: float = 1.0

    def describe(self) -> str:
        return f"logistic regression (L2, C={self.C:g})"

    def fit(self, features: sparse.spmatrix, labels: np.ndarray, weights: np.ndarray) -> TrainedClassifier:
        from sklearn.linear_model import LogisticRegression

        return Margin(
            LogisticRegression(C=self.C, solver="liblinear", dual=True).fit(
                features, labels, sample_weight=weights
            )
        )


@dataclass
class LogOdds:
    """A fitted multinomial naive Bayes model's log posterior odds of relevance."""

    weights: np.ndarray
    intercept: float
    boundary: float = 0.0

    def decision_function(self, features: sparse.spmatrix) -> np.ndarray:
        return np.asarray(features @ self.weights).ravel() + self.intercept


@dataclass(frozen=True)
class NaiveBayes:
    """Multinomial naive Bayes on TF-IDF weights (McCallum & Nigam 1998, AAAI workshop), additive
    smoothing ``alpha``; ASReview LAB's long-time default classifier (van de Schoot et al. 2021)."""

    name: ClassVar[str] = "nb"
    alpha: float = 3.822  # ASReview LAB's tuned value

    def describe(self) -> str:
        return f"naive Bayes (multinomial, alpha={self.alpha:g})"

    def fit(self, features: sparse.spmatrix, labels: np.ndarray, weights: np.ndarray) -> TrainedClassifier:
        from sklearn.naive_bayes import MultinomialNB

        model = MultinomialNB(alpha=self.alpha).fit(features, labels, sample_weight=weights)
        log_probability = model.feature_log_prob_
        prior = model.class_log_prior_
        return LogOdds(log_probability[1] - log_probability[0], float(prior[1] - prior[0]))


Member = LinearSVM | Logistic | NaiveBayes


@dataclass
class RankAveraged:
    """Members' scores turned into ranks among all the review's records, then averaged.

    The reference (every record's score per member) makes a record's score independent of which
    other records are scored with it, so held-out and unscreened scores stay comparable.
    """

    members: list[TrainedClassifier]
    reference: list[np.ndarray] = field(default_factory=list)  # each member's sorted scores
    boundary: float = 0.5

    def set_reference(self, features: sparse.spmatrix) -> None:
        self.reference = [np.sort(member.decision_function(features)) for member in self.members]
        self.boundary = float(
            np.mean(
                [
                    self._share_below(ref, member.boundary)
                    for member, ref in zip(self.members, self.reference, strict=True)
                ]
            )
        )

    @staticmethod
    def _share_below(reference: np.ndarray, scores: np.ndarray | float) -> np.ndarray:
        low = np.searchsorted(reference, scores, side="left")
        high = np.searchsorted(reference, scores, side="right")
        return (low + high) / (2 * len(reference))  # mid-rank: ties share their rank

    def decision_function(self, features: sparse.spmatrix) -> np.ndarray:
        scores = [member.decision_function(features) for member in self.members]
        if not self.reference:
            self.reference = [np.sort(score) for score in scores]
        return np.mean(
            [self._share_below(ref, score) for ref, score in zip(self.reference, scores, strict=True)], axis=0
        )


@dataclass(frozen=True)
class Ensemble:
    """Several classifiers, combined by averaging each record's rank (percentile) across them.

    Rank averaging needs no common scale between an SVM margin and naive Bayes log odds, and an
    ensemble of differently biased learners ranks more steadily than any one (the ensembles
    ASReview LAB 2 offered; Teijema et al. 2023, Frontiers in Research Metrics and Analytics).
    """

    name: ClassVar[str] = "ensemble"
    members: tuple[Member, ...] = field(default_factory=lambda: (LinearSVM(), NaiveBayes(), Logistic()))

    def describe(self) -> str:
        return "rank average of " + ", ".join(member.describe() for member in self.members)

    def fit(self, features: sparse.spmatrix, labels: np.ndarray, weights: np.ndarray) -> TrainedClassifier:
        return RankAveraged([member.fit(features, labels, weights) for member in self.members])


Classifier = LinearSVM | Logistic | NaiveBayes | Ensemble
