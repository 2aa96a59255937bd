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

from collections.abc import Callable

import numpy as np
from scipy import sparse

SCORE_COLUMNS_LIMIT = 1 << 24  # kept dot products (records x screened): 128 MB of float64
GRAM_RECORDS_LIMIT = 2048  # up to which every record's dot products may be computed at once (32 MB)
GRAM_SHARE = 0.125  # ... when that costs at most this share of one product per record (see below)
TOLERANCE = 1e-10  # conjugate gradients: residual relative to |y_S|, when no bound is asked for
FIRST_TOLERANCE = 1e-6  # the first try of a pick (see :func:`certain_pick`)
MAX_NEWTON_STEPS = 50


class SpanSVM:
    """LinearSVM's optimum after each screened record, for one fixed set of records."""

    def __init__(self, features: sparse.csr_matrix, C: float) -> None:
        self.features = sparse.csr_matrix(features, dtype=np.float64)
        self.C = C
        self.positions: list[int] = []  # screened records, in the order added
        self._index = np.empty(0, dtype=np.int64)  # the same, as an array grown by doubling
        self._signs = np.empty(0)  # +1 include, -1 exclude, per screened record
        self._beta = np.empty(0)
        self._margins = np.empty(0)  # K beta, kept: adding a record (beta 0) changes only its own
        self._gram = np.empty((0, 0))  # screened x screened dot products + 1, grown by doubling
        self._columns: np.ndarray | None = np.empty((0, self.features.shape[0]))  # a row per screened
        self._row = np.zeros(self.features.shape[1])  # one record's features, dense, reused
        self._all_products = _all_products(self.features)  # every record's with every record, or None
        squares = np.asarray(self.features.multiply(self.features).sum(axis=1)).ravel()
        self._longest_row = float(np.sqrt(squares.max(initial=0.0) + 1.0))  # with the bias feature
        self._gradient_terms = np.empty(0)  # C_i r_i on the margin set at the last fit, else 0

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def beta(self) -> np.ndarray:
        return self._beta[: len(self)]

    def add(self, position: int, label: int) -> None:
        """Screen one more record: its dot products with every record are computed once."""
        if self._all_products is not None:
            products = self._all_products[position]
        else:
            start, end = self.features.indptr[position], self.features.indptr[position + 1]
            columns = self.features.indices[start:end]
            self._row[columns] = self.features.data[start:end]
            products = self.features @ self._row
            self._row[columns] = 0.0
        t = len(self.positions)
        if t == self._gram.shape[0]:
            self._grow()
        self.positions.append(position)
        self._index[t] = position
        self._gram[t, : t + 1] = products[self._index[: t + 1]] + 1.0
        self._gram[: t + 1, t] = self._gram[t, : t + 1]
        if self._columns is not None:
            self._columns[t] = products
        self._signs[t] = 1.0 if label == 1 else -1.0
        self._beta[t] = 0.0
        self._margins[t] = self._gram[t, :t] @ self._beta[:t]

    def _grow(self) -> None:
        t = self._gram.shape[0]
        capacity = max(16, 2 * t)
        gram = np.zeros((capacity, capacity))
        gram[:t, :t] = self._gram[:t, :t]
        self._gram = gram
        for name in ("_index", "_signs", "_beta", "_margins"):
            grown = np.zeros(capacity, dtype=getattr(self, name).dtype)
            grown[:t] = getattr(self, name)[:t]
            setattr(self, name, grown)
        if self._columns is not None:
            if self.features.shape[0] * capacity > SCORE_COLUMNS_LIMIT:
                self._columns = None  # scores from w instead (see scores)
            else:
                columns = np.empty((capacity, self.features.shape[0]))
                columns[:t] = self._columns[:t]
                self._columns = columns

    def fit(self, weights: np.ndarray, tolerance: float = TOLERANCE) -> None:
        """Solve for the screened records with these sample weights (one per record, in order),
        the Newton systems to ``tolerance`` (see :meth:`error_bound`)."""
        t = len(self.positions)
        gram = self._gram[:t, :t]
        costs = self.C * np.asarray(weights, dtype=np.float64)
        y = self._signs[:t]
        beta, margins = self._beta[:t].copy(), self._margins[:t].copy()
        self._gradient_terms = np.full(t, np.inf)  # no bound until the margin set settles
        for _ in range(MAX_NEWTON_STEPS):
            inside = y * margins < 1
            diagonal = np.where(inside, 1 / (2 * costs), 0.0)
            # the system on the margin set, written on all t records: those outside have beta 0
            target = _solve(
                gram, diagonal, np.where(inside, y, 0.0), np.where(inside, beta, 0.0), inside, tolerance
            )
            target_margins = gram @ target
            if np.array_equal(y * target_margins < 1, inside):
                # the optimum of the quadratic on this margin set lies in its own set: the optimum
                beta, margins = target, target_margins
                self._gradient_terms = np.where(inside, costs * (y - margins - diagonal * beta), 0.0)
                break
            # the set of records inside the margin changed: a full step can overshoot, so halve it
            # until the objective falls (Keerthi & DeCoste use an exact line search to the same end)
            direction, change = target - beta, target_margins - margins
            step, before = 1.0, _objective(y, costs, beta, margins)
            while _objective(y, costs, target, target_margins) > before and step > 1e-8:
                step /= 2
                target, target_margins = beta + step * direction, margins + step * change
            beta, margins = target, target_margins
        self._beta[:t], self._margins[:t] = beta, margins

    def error_bound(self, exact: bool = True) -> float:
        """How far any record's score can be from the exact optimum's, after :meth:`fit`.

        The primal objective is 1-strongly convex in w, so |w - w*| <= |gradient at w|, and a
        score w.x moves by at most |w - w*| |x| (x with its bias 1). With the margin set settled
        the gradient is -sum 2 C_i r_i x_i over it, r the residual of the Newton system: its norm is
        2 sqrt((C r)' K (C r)), one product with K; ``exact=False`` gives the cheaper triangle-
        inequality bound 2 sum |C_i r_i| |x_i| instead, never below it.
        """
        terms = self._gradient_terms
        if not np.all(np.isfinite(terms)):
            return float("inf")
        if not exact:
            return 2 * float(np.abs(terms).sum()) * self._longest_row**2
        t = len(terms)
        quadratic = float(terms @ (self._gram[:t, :t] @ terms))  # a scalar: terms' Gram norm squared
        return 2 * float(np.sqrt(max(quadratic, 0.0))) * self._longest_row

    def scores(self) -> np.ndarray:
        """w.x + bias for every record (screened ones included)."""
        t = len(self.positions)
        if self._columns is not None:
            return self.beta @ self._columns[:t] + self.beta.sum()
        weights = self.features[self.positions].T @ self.beta
        return self.features @ weights + self.beta.sum()


def _all_products(features: sparse.csr_matrix) -> np.ndarray | None:
    """Every record's dot products with every record (X X'), when there are few records and that
    costs less than a product per record screened: on many rare terms (a term in df records costs
    df^2 multiplications here, against the matrix's stored values for each record's own product),
    as TF-IDF of words and pairs on a few hundred abstracts has. None otherwise.

    Each entry is the same sum, in the same order, as the record's own product (scipy's sparse
    product adds a row's terms in their stored order, as its product with a dense vector does,
    and the TF-IDF rows store their terms in one order common to all rows), so the picks do not
    change; the simulation's tests check them against liblinear's.
    """
    records = features.shape[0]
    if records > GRAM_RECORDS_LIMIT or not features.nnz:
        return None
    frequencies = np.bincount(features.indices, minlength=features.shape[1]).astype(np.float64)
    if frequencies @ frequencies > GRAM_SHARE * features.nnz * records:
        return None
    return (features @ features.T).toarray()


def _objective(y: np.ndarray, costs: np.ndarray, beta: np.ndarray, margins: np.ndarray) -> float:
    """0.5 |w|^2 + sum C_i slack_i^2, with |w|^2 = beta' K beta and ``margins`` = K beta."""
    slack = np.maximum(0.0, 1 - y * margins)
    return float(0.5 * beta @ margins + costs @ slack**2)


def _solve(
    matrix: np.ndarray,
    diagonal: np.ndarray,
    y: np.ndarray,
    start: np.ndarray,
    inside: np.ndarray,
    tolerance: float,
) -> np.ndarray:
    """(matrix + diag(diagonal)) x = y on the records ``inside``, x = 0 elsewhere, by Jacobi-
    preconditioned conjugate gradients from ``start`` (0 outside), until the residual is below
    ``tolerance`` |y|. Products are taken with the whole matrix and masked: cheaper than copying
    the block when nearly every record is inside, as here."""
    everyone = bool(inside.all())
    x = start.copy()
    residual = y - (matrix @ x + diagonal * x)
    if not everyone:
        residual[~inside] = 0.0
    inverse = np.where(inside, 1 / (np.diag(matrix) + diagonal), 0.0)
    limit = tolerance**2 * (y @ y)
    z = inverse * residual
    direction = z.copy()
    rz = residual @ z
    for _ in range(10 * len(y) + 10):
        if residual @ residual <= limit:
            break
        product = matrix @ direction + diagonal * direction
        if not everyone:
            product[~inside] = 0.0
        alpha = rz / (direction @ product)
        x += alpha * direction
        residual -= alpha * product
        z = inverse * residual
        rz, previous = residual @ z, rz
        direction = z + (rz / previous) * direction
    return x


def certain_pick(
    solver: SpanSVM,
    weights: np.ndarray,
    pool: np.ndarray,
    key: Callable[[np.ndarray], np.ndarray],
    tiebreak: np.ndarray,
    twins: np.ndarray,
) -> int:
    """The position in ``pool`` whose ``key`` (a function of the records' scores, highest wins,
    ties to the lowest ``tiebreak``) is highest at the exact optimum, solving no more exactly than
    needed: first to a loose tolerance, then 1000 times tighter until the winner's lead over every
    other record is more than twice the bound on the scores' error (so the exact optimum has the
    same winner; ``key`` must move by at most as much as a score does), down to 1e-12.

    ``twins`` gives records with the very same features one group number: their scores are equal
    at any solution, so the tiebreak, not the solver, settles them.
    """
    tolerance = FIRST_TOLERANCE
    while True:
        solver.fit(weights, tolerance)
        values = key(solver.scores()[pool])
        best = np.flatnonzero(values == values.max())
        pick = int(best[np.argmin(tiebreak[best])])
        others = values[twins[pool] != twins[pool[pick]]]
        lead = values[pick] - others.max() if len(others) else np.inf
        if tolerance <= 1e-12 or any(lead > 2 * solver.error_bound(exact) + 1e-12 for exact in (False, True)):
            return pick
        tolerance *= 1e-3


def feature_twins(features: sparse.csr_matrix) -> np.ndarray:
    """A group number per record, equal for records with identical feature rows."""
    groups: dict[tuple[bytes, bytes], int] = {}
    rows = np.empty(features.shape[0], dtype=np.int64)
    for row in range(features.shape[0]):
        start, end = features.indptr[row], features.indptr[row + 1]
        content = (features.indices[start:end].tobytes(), features.data[start:end].tobytes())
        rows[row] = groups.setdefault(content, len(groups))
    return rows
