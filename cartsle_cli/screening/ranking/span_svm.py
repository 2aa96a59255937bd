"""The linear SVM of :class:`~.classifiers.LinearSVM` solved in the span of the screened records and
warm-started from one retrain to the next: what lets a simulation retrain after every record.

The problem is the one liblinear solves for scikit-learn's ``LinearSVC`` (L2-regularised squared
hinge loss, the bias a constant feature 1 that is regularised too)::

    minimise over w   0.5 |w|^2 + sum_i C_i max(0, 1 - y_i w.x_i)^2,    C_i = C * weight_i

By the representer theorem w = sum_j beta_j x_j over the t screened records, so it can be solved
in t unknowns instead of tens of thousands of TF-IDF columns, from K = the screened records' dot
products (+ 1 for the bias), which grows by one row per record screened. Newton's method in beta
(Chapelle 2007, Neural Computation 19:1155; the finite Newton method of Keerthi & DeCoste 2005,
JMLR 6:341): with S the records inside the margin (y_i f_i < 1, f = K beta), each step solves
(K_SS + diag(1 / (2 C_i))) beta_S = y_S with beta = 0 outside S, and the method stops when S no
longer changes, at the exact optimum (liblinear's dual coordinate descent stops at its tolerance,
1e-4, so the two agree to about that). The system is solved by Jacobi-preconditioned conjugate
gradients started from the previous retrain's beta, which is already close: a few products with
K per retrain. A record's score is w.x + bias = sum_j beta_j (x_j.x + 1): one product of the
kept columns (x_j . every record) with beta while they fit in memory, else two sparse products.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

SCORE_COLUMNS_LIMIT = 1 << 24  # kept dot products (records x screened): 128 MB of float64
TOLERANCE = 1e-10  # conjugate gradients: residual relative to |y_S|
MAX_NEWTON_STEPS = 50


class SpanSVM:
    """LinearSVM's optimum after each screened record, for one fixed set of records."""

    def __init__(self, features: sparse.csr_matrix, C: float) -> None:
        self.features = sparse.csr_matrix(features, dtype=np.float64)
        self.C = C
        self.positions: list[int] = []  # screened records, in the order added
        self.signs = np.empty(0)  # +1 include, -1 exclude, per screened record
        self.beta = np.empty(0)
        self._gram = np.empty((0, 0))  # screened x screened dot products + 1, grown by doubling
        self._columns: np.ndarray | None = np.empty((0, self.features.shape[0]))  # a row per screened
        self._row = np.zeros(self.features.shape[1])  # one record's features, dense, reused

    def __len__(self) -> int:
        return len(self.positions)

    def add(self, position: int, label: int) -> None:
        """Screen one more record: its dot products with every record are computed once."""
        start, end = self.features.indptr[position], self.features.indptr[position + 1]
        columns = self.features.indices[start:end]
        self._row[columns] = self.features.data[start:end]
        products = self.features @ self._row
        self._row[columns] = 0.0
        t = len(self.positions)
        self.positions.append(position)
        if t == self._gram.shape[0]:
            self._grow()
        self._gram[t, : t + 1] = products[self.positions] + 1.0
        self._gram[: t + 1, t] = self._gram[t, : t + 1]
        if self._columns is not None:
            self._columns[t] = products
        self.signs = np.append(self.signs, 1.0 if label == 1 else -1.0)
        self.beta = np.append(self.beta, 0.0)

    def _grow(self) -> None:
        t = self._gram.shape[0]
        capacity = max(16, 2 * t)
        gram = np.zeros((capacity, capacity))
        gram[:t, :t] = self._gram[:t, :t]
        self._gram = gram
        if self._columns is not None:
            if self.features.shape[0] * capacity > SCORE_COLUMNS_LIMIT:
                self._columns = None  # scores from w instead (see scores)
            else:
                columns = np.empty((capacity, self.features.shape[0]))
                columns[:t] = self._columns[:t]
                self._columns = columns

    def fit(self, weights: np.ndarray) -> None:
        """Solve for the screened records with these sample weights (one per record, in order)."""
        t = len(self.positions)
        gram = self._gram[:t, :t]
        costs = self.C * np.asarray(weights, dtype=np.float64)
        y = self.signs
        beta = self.beta
        margins = gram @ beta
        for _ in range(MAX_NEWTON_STEPS):
            inside = y * margins < 1
            target = np.zeros(t)
            block = gram if inside.all() else gram[np.ix_(inside, inside)]
            target[inside] = _solve(block, 1 / (2 * costs[inside]), y[inside], beta[inside])
            target_margins = gram @ target
            if np.array_equal(y * target_margins < 1, inside):
                beta = (
                    target  # the optimum of the quadratic on this margin set, inside its own set: the optimum
                )
                break
            # the set of records inside the margin changed: a full step can overshoot, so halve it
            # until the objective falls (Keerthi & DeCoste use an exact line search to the same end)
            direction, change = target - beta, target_margins - margins
            step, before = 1.0, _objective(y, costs, beta, margins)
            while _objective(y, costs, target, target_margins) > before and step > 1e-8:
                step /= 2
                target, target_margins = beta + step * direction, margins + step * change
            beta, margins = target, target_margins
        self.beta = beta

    def scores(self) -> np.ndarray:
        """w.x + bias for every record (screened ones included)."""
        t = len(self.positions)
        if self._columns is not None:
            return self.beta @ self._columns[:t] + self.beta.sum()
        weights = self.features[self.positions].T @ self.beta
        return self.features @ weights + self.beta.sum()


def _objective(y: np.ndarray, costs: np.ndarray, beta: np.ndarray, margins: np.ndarray) -> float:
    """0.5 |w|^2 + sum C_i slack_i^2, with |w|^2 = beta' K beta and ``margins`` = K beta."""
    slack = np.maximum(0.0, 1 - y * margins)
    return float(0.5 * beta @ margins + costs @ slack**2)


def _solve(matrix: np.ndarray, diagonal: np.ndarray, y: np.ndarray, start: np.ndarray) -> np.ndarray:
    """(matrix + diag(diagonal)) x = y by Jacobi-preconditioned conjugate gradients from ``start``."""
    x = start.copy()
    residual = y - (matrix @ x + diagonal * x)
    inverse = 1 / (np.diag(matrix) + diagonal)
    limit = TOLERANCE**2 * (y @ y)
    z = inverse * residual
    direction = z.copy()
    rz = residual @ z
    for _ in range(10 * len(y) + 10):
        if residual @ residual <= limit:
            break
        product = matrix @ direction + diagonal * direction
        alpha = rz / (direction @ product)
        x += alpha * direction
        residual -= alpha * product
        z = inverse * residual
        rz, previous = residual @ z, rz
        direction = z + (rz / previous) * direction
    return x
