"""The simulation's SVM solver: the same optimum as liblinear's LinearSVC, and the same picks."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.svm import LinearSVC

from cartsle_cli.screening.ranking import span_svm
from cartsle_cli.screening.ranking.balancers import Balanced
from cartsle_cli.screening.ranking.model import ELAS_U4, Ranker
from cartsle_cli.screening.ranking.simulation import choose_priors, replay_refit, replay_span
from cartsle_cli.screening.ranking.span_svm import SpanSVM

UI = "labelled-screening/srd__Cohen_2006_local_UrinaryIncontinence.csv"


def solved(features, labels, C, weights):
    solver = SpanSVM(sparse.csr_matrix(features), C)
    for position, label in enumerate(labels):
        solver.add(position, label)
    solver.fit(np.asarray(weights, dtype=float))
    return solver


def test_two_points_by_hand():
    # x = +1 (include) and x = -1 (exclude), C_i = 0.25, the bias a regularised feature 1.
    # By symmetry the bias is 0; the objective 0.5 w^2 + 2 * 0.25 * (1 - w)^2 has its minimum at
    # w - (1 - w) = 0, w = 0.5: the include scores +0.5, the exclude -0.5.
    solver = solved([[1.0], [-1.0]], [1, 0], C=0.25, weights=[1, 1])
    assert solver.scores() == pytest.approx([0.5, -0.5], abs=1e-12)


def primal_gradient(features, signs, costs, weights_and_bias):
    """Gradient of 0.5 |w|^2 + sum C_i max(0, 1 - y_i w.x_i)^2 with x_i extended by a 1."""
    x = np.hstack([features, np.ones((len(signs), 1))])
    slack = np.maximum(0, 1 - signs * (x @ weights_and_bias))
    return weights_and_bias - 2 * x.T @ (costs * signs * slack)


def test_optimum_has_zero_gradient_and_is_at_least_as_low_as_liblinear():
    rng = np.random.default_rng(3)
    features = np.abs(rng.normal(size=(40, 25))) * (rng.random((40, 25)) < 0.3)
    labels = (rng.random(40) < 0.25).astype(int)
    weights = Balanced().weights(labels)
    solver = solved(features, labels, C=0.11, weights=weights)
    signs = np.where(labels == 1, 1.0, -1.0)
    costs = 0.11 * weights
    w = np.append(features.T @ solver.beta, solver.beta.sum())  # w = sum beta_j x_j (bias: sum beta_j)
    assert np.abs(primal_gradient(features, signs, costs, w)).max() < 1e-8
    liblinear = LinearSVC(C=0.11, loss="squared_hinge", random_state=0).fit(
        features, labels, sample_weight=weights
    )
    theirs = np.append(liblinear.coef_.ravel(), liblinear.intercept_)

    def objective(v):
        x = np.hstack([features, np.ones((40, 1))])
        return 0.5 * v @ v + costs @ np.maximum(0, 1 - signs * (x @ v)) ** 2

    assert objective(w) <= objective(theirs) + 1e-12
    # liblinear stops at its tolerance (1e-4): the scores agree to about that
    assert solver.scores() == pytest.approx(liblinear.decision_function(features), abs=1e-3)


def test_records_outside_the_margin_get_no_weight():
    # two far-apart clusters: the include cluster's outer records end up beyond the margin
    features = np.array([[5.0, 0], [6.0, 0], [0.5, 0], [0, 1.0], [0, 1.2]])
    labels = [1, 1, 1, 0, 0]
    solver = solved(features, labels, C=1.0, weights=[1] * 5)
    signs = np.array([1.0, 1, 1, -1, -1])
    w = np.append(features.T @ solver.beta, solver.beta.sum())
    assert np.abs(primal_gradient(features, signs, np.ones(5), w)).max() < 1e-8
    assert np.any(solver.beta == 0)  # some record is beyond the margin: it does not shape w


def test_scores_from_w_when_the_kept_products_would_not_fit(monkeypatch):
    rng = np.random.default_rng(1)
    features = sparse.random(60, 30, density=0.2, random_state=2, format="csr")
    labels = (rng.random(60) < 0.3).astype(int)
    kept = solved(features, labels, C=0.11, weights=Balanced().weights(labels)).scores()
    monkeypatch.setattr(span_svm, "SCORE_COLUMNS_LIMIT", 0)
    recomputed = solved(features, labels, C=0.11, weights=Balanced().weights(labels))
    assert recomputed._columns is None
    assert recomputed.scores() == pytest.approx(kept, abs=1e-12)


def test_replay_picks_the_records_liblinear_refitting_picks(shared):
    from cartsle_cli.screening.ranking import read_labelled

    labelled = read_labelled(shared / UI)
    texts, labels = labelled.texts[:160], np.array(labelled.labels[:160])  # a part keeps it quick
    ranker = Ranker(texts, ELAS_U4, seed=0)
    priors = choose_priors(labels, 0)
    fast, _ = replay_span(ranker, labels, priors)
    refit, _ = replay_refit(ranker, labels, priors)
    assert fast == refit


def test_error_bound_holds_for_a_loose_solve():
    rng = np.random.default_rng(7)
    features = sparse.random(80, 40, density=0.25, random_state=3, format="csr")
    labels = (rng.random(80) < 0.2).astype(int)
    weights = Balanced().weights(labels)
    exact = solved(features, labels, C=0.11, weights=weights).scores()
    loose = SpanSVM(features, 0.11)
    for position, label in enumerate(labels):
        loose.add(position, label)
    loose.fit(weights, tolerance=1e-3)
    error = np.abs(loose.scores() - exact).max()
    assert error > 0  # the loose solve is off ...
    assert error <= loose.error_bound() <= loose.error_bound(exact=False)  # ... by no more than the bound


def test_past_the_limit_the_replay_goes_on_with_liblinear(shared, monkeypatch):
    from cartsle_cli.screening.ranking import read_labelled, simulation

    labelled = read_labelled(shared / UI)
    texts, labels = labelled.texts[:160], np.array(labelled.labels[:160])
    ranker = Ranker(texts, ELAS_U4, seed=0)
    priors = choose_priors(labels, 0)
    whole, _ = simulation.replay(ranker, labels, priors)
    monkeypatch.setattr(simulation, "SPAN_RECORDS_LIMIT", 20)
    limited, _ = simulation.replay(ranker, labels, priors)
    assert limited == whole  # the same picks, the last ones by liblinear
    assert labels[[*priors, *limited]].sum() == labels.sum()


def test_every_records_products_at_once_are_to_the_bit_the_ones_computed_one_by_one(shared, monkeypatch):
    from cartsle_cli.screening.ranking import read_labelled
    from cartsle_cli.screening.ranking.model import DEFAULT_MODEL

    labelled = read_labelled(shared / UI)
    labels = np.array(labelled.labels)
    for model in (ELAS_U4, DEFAULT_MODEL):  # one TF-IDF block, and words + keyword terms side by side
        ranker = Ranker(labelled.texts, model, seed=0, keywords=labelled.keywords)
        at_once = SpanSVM(ranker.features, 0.11)
        assert at_once._all_products is not None  # 327 abstracts, 39,000 mostly rare terms
        monkeypatch.setattr(span_svm, "GRAM_RECORDS_LIMIT", 0)
        one_by_one = SpanSVM(ranker.features, 0.11)
        assert one_by_one._all_products is None
        for position in range(0, len(labels), 3):
            at_once.add(position, int(labels[position]))
            one_by_one.add(position, int(labels[position]))
        screened = len(at_once)
        assert np.array_equal(at_once._gram[:screened, :screened], one_by_one._gram[:screened, :screened])
        assert np.array_equal(at_once._columns[:screened], one_by_one._columns[:screened])
        priors = choose_priors(labels, 1)
        picked_one_by_one, _ = replay_span(ranker, labels, priors)
        monkeypatch.undo()
        assert replay_span(ranker, labels, priors)[0] == picked_one_by_one
