"""Egger's test agrees with metafor's regtest(model = "lm") to 1e-6."""

from __future__ import annotations

import numpy as np
import pytest

from cartsle_cli.stats.egger_classic import egger_test, logit_proportions

# metafor 3.8-1, dat.bcg:
#   dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
#   r <- regtest(rma(yi, vi, data=dat, method="FE"), model="lm")
#   t = -1.401282002289, df = 11, p = 0.188706995082
BCG = [
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]  # fmt: skip


def test_bcg_log_risk_ratios_as_metafor():
    a, b, c, d = (np.array(column, dtype=float) for column in zip(*BCG))
    yi = np.log((a / (a + b)) / (c / (c + d)))
    sei = np.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    result = egger_test(yi, sei)
    assert result.t == pytest.approx(-1.401282002289, abs=1e-6)
    assert result.p == pytest.approx(0.188706995082, abs=1e-6)
    assert result.df == 11 and result.warning is None


def test_logit_proportions_with_zero_cells_as_metafor():
    # d <- escalc(measure="PLO", xi=x, ni=n); regtest(rma(yi, vi, data=d, method="FE"), model="lm")
    # t = -2.722091923591, p = 0.021483048308, df = 10; d$yi[1] = -3.0445224 (0 of 10, 1/2 added)
    x = [0, 3, 5, 12, 1, 7, 9, 2, 4, 6, 10, 0]
    n = [10, 20, 25, 30, 8, 40, 35, 12, 22, 28, 50, 5]
    yi, sei = logit_proportions(np.array(x), np.array(n))
    assert yi[0] == pytest.approx(-3.0445224, abs=1e-6)
    result = egger_test(yi, sei)
    assert result.t == pytest.approx(-2.722091923591, abs=1e-6)
    assert result.p == pytest.approx(0.021483048308, abs=1e-6)


def test_fewer_than_ten_studies_carry_a_warning():
    result = egger_test(np.array([0.1, 0.3, 0.2, 0.5]), np.array([0.1, 0.2, 0.15, 0.3]))
    assert result.warning and "10" in result.warning
