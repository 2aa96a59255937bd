"""Classifiers: linear models that score a record's relevance from its features."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC


class TrainedClassifier(Protocol):
    def decision_function(self, features: sparse.spmatrix) -> np.ndarray: ...


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
        return LinearSVC(C=self.C, loss="squared_hinge").fit(features, labels, sample_weight=weights)


@dataclass(frozen=True)
class Logistic:
    """L2-penalised logistic regression (scikit-learn ``LogisticRegression``, liblinear solver)."""

    name: ClassVar[str] = "logistic"
    C: float = 1.0

    def describe(self) -> str:
        return f"logistic regression (L2, C={self.C:g})"

    def fit(self, features: sparse.spmatrix, labels: np.ndarray, weights: np.ndarray) -> TrainedClassifier:
        return LogisticRegression(C=self.C, solver="liblinear").fit(features, labels, sample_weight=weights)


Classifier = LinearSVM | Logistic
