"""A single-arm analysis with declared subgroups, a moderator and leave-one-out, against metafor.

R / metafor 3.8.1 (the heterogeneous set C of test_meta_proportions):
    xi <- c(2,10,0,15,4,1); ni <- c(20,25,12,30,40,9); g <- c("a","a","a","b","b","b")
    dat <- escalc(measure="PLO", xi=xi, ni=ni)
    rma(yi, vi, data=dat, subset=g=="a")$beta             # -1.5995785448
    rma(yi, vi, mods=~c(1,2,3,4,5,6), data=dat)$beta[2]   # -0.0705182605
    leave1out(rma(yi, vi, data=dat))$estimate[1]          # -1.2554052153
"""

import numpy as np
import pytest

from cartsle_cli.review.pooling_extras import proportion_extras

EVENTS = np.array([2, 10, 0, 15, 4, 1], dtype=float)
TOTALS = np.array([20, 25, 12, 30, 40, 9], dtype=float)
LABELS = [f"S{i}" for i in range(1, 7)]


def run(method: str):
    return proportion_extras(
        EVENTS, TOTALS, LABELS,
        groups={"g": ["a", "a", "a", "b", "b", "b"]}, covariates={"x": [1, 2, 3, 4, 5, 6]},
        leave_one_out=True, method=method, scale="logit", ci="z", pi="z",
    )  # fmt: skip


def test_declared_extras_run_by_inverse_variance():
    extras = run("reml")
    assert extras.subgroups[0].subgroups[0].result.estimate_transformed == pytest.approx(
        -1.5995785448, abs=1e-6
    )
    assert extras.meta_regression.coefficients[1].estimate == pytest.approx(-0.0705182605, abs=1e-6)
    first = extras.leave_one_out.omitted[0]
    assert (first.study, first.estimate_transformed) == ("S1", pytest.approx(-1.2554052153, abs=1e-6))
    assert extras.notes == []


def test_with_the_glmm_only_leave_one_out_runs_and_the_rest_says_why():
    extras = run("glmm")
    assert extras.subgroups == [] and extras.meta_regression is None
    assert extras.leave_one_out is not None and len(extras.leave_one_out.omitted) == 6
    assert "not run with the GLMM" in extras.notes[0]
