"""Common-effect pooling of 2x2 tables: Mantel-Haenszel and Peto, as metafor's ``rma.mh``/``rma.peto``.

The pooled estimate uses the cells as they are (no continuity correction); study-level estimates
(for the forest plot) and Cochran's Q use escalc's values with 1/2 added to tables with a zero cell,
double-zero studies left out, exactly as metafor does (``add=c(1/2, 0), to=c("only0", "none"),
drop00=c(TRUE, FALSE)``).

- Mantel N, Haenszel W (1959). J Natl Cancer Inst 22:719-748. Variances: log OR by Robins J,
  Breslow N, Greenland S (1986). Biometrics 42:311-323; log RR and RD by Greenland S, Robins JM
  (1985). Biometrics 41:55-68 (the RD variance in Sato's form as metafor codes it).
- Peto: Yusuf S, Peto R, Lewis J, Collins R, Sleight P (1985). Prog Cardiovasc Dis 27:335-371;
  log OR = sum(O - E) / sum(V), variance 1 / sum(V), Q = sum((O-E)^2/V) - sum(O-E)^2/sum(V).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import distributions
from cartsle_cli.stats.effect_sizes import TwoByTwo


@dataclass(frozen=True)
class CommonEffect:
    """A pooled common effect on the analysis scale with Cochran's Q over the estimable studies."""

    method: str
    estimate: float
    se: float
    zval: float
    pval: float
    lower: float
    upper: float
    q: float
    q_df: int
    q_p: float
    i2: float
    h2: float
    weights: np.ndarray | None  # percent per study (MH weights), None where the method has none


def _summary(method, beta, se, q, k_yi, level, weights) -> CommonEffect:
    z = distributions.norm_isf((1 - level) / 2)
    if k_yi > 1:
        q = max(0.0, q)
        q_p = distributions.chi2_sf(q, k_yi - 1)
        i2 = max(0.0, 100 * (q - (k_yi - 1)) / q) if q > 0 else 0.0
        h2 = q / (k_yi - 1)
    else:
        q, q_p, i2, h2 = 0.0, 1.0, 0.0, 1.0
    zval = beta / se
    return CommonEffect(
        method, float(beta), float(se), float(zval), 2 * distributions.norm_sf(abs(zval)),
        float(beta - z * se), float(beta + z * se), float(q), max(k_yi - 1, 0), q_p, i2, h2, weights,
    )  # fmt: skip


def _cells(counts: TwoByTwo):
    a, c = counts.events_e, counts.events_c
    return a, counts.n_e - a, c, counts.n_c - c, counts.n_e, counts.n_c


def mantel_haenszel(
    counts: TwoByTwo, measure: str, yi: np.ndarray, vi: np.ndarray, level: float = 0.95
) -> CommonEffect:
    """MH pooled OR, RR (log scale) or RD; ``yi``/``vi`` are escalc's values for Q (double zeros out)."""
    a, b, c, d, n1, n2 = _cells(counts)
    n = n1 + n2
    if measure == "OR":
        p, q = (a + d) / n, (b + c) / n
        r, s = a * d / n, b * c / n
        if r.sum() == 0 or s.sum() == 0:
            raise CartsleError(
                "the Mantel-Haenszel odds ratio is not estimable (no events in one arm of every study)"
            )
        beta = np.log(r.sum() / s.sum())
        R, S = r.sum(), s.sum()
        se = np.sqrt(0.5 * ((p * r).sum() / R**2 + (p * s + q * r).sum() / (R * S) + (q * s).sum() / S**2))
        weights = s / S
        text = "Mantel-Haenszel (Robins-Breslow-Greenland variance)"
    elif measure == "RR":
        r, s = a * n2 / n, c * n1 / n
        if a.sum() == 0 or c.sum() == 0:
            raise CartsleError(
                "the Mantel-Haenszel risk ratio is not estimable (no events in one arm of every study)"
            )
        R, S = r.sum(), s.sum()
        beta = np.log(R / S)
        se = np.sqrt(((n1 / n) * (n2 / n) * (a + c) - (a / n) * c).sum() / (R * S))
        weights = s / S
        text = "Mantel-Haenszel (Greenland-Robins variance)"
    elif measure == "RD":
        w = n1 * n2 / n
        beta = (a * (n2 / n) - c * (n1 / n)).sum() / w.sum()
        se = np.sqrt(
            (
                beta * (c * (n1 / n) ** 2 - a * (n2 / n) ** 2 + (n1 / n) * (n2 / n) * (n2 - n1) / 2).sum()
                + (a * (n2 - c) / n + c * (n1 - a) / n).sum() / 2
            )
            / w.sum() ** 2
        )
        weights = w / w.sum()
        text = "Mantel-Haenszel (Greenland-Robins variance)"
    else:
        raise CartsleError(f"Mantel-Haenszel pools OR, RR or RD, not {measure}")
    q = float((1 / vi * (yi - beta) ** 2).sum())
    return _summary(text, beta, se, q, len(yi), level, 100 * weights)


def peto(counts: TwoByTwo, level: float = 0.95, k_estimable: int | None = None) -> CommonEffect:
    """Peto's one-step odds ratio (log scale) from the uncorrected cells."""
    a, b, c, d, n1, n2 = _cells(counts)
    n = n1 + n2
    xt, yt = a + c, b + d
    expected = xt * n1 / n
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(n > 1, xt * yt * (n1 / n) * (n2 / n) / (n - 1), 0.0)
    if v.sum() == 0:
        raise CartsleError(
            "the Peto odds ratio is not estimable (no study has events in one arm only or both)"
        )
    beta = (a - expected).sum() / v.sum()
    se = np.sqrt(1 / v.sum())
    positive = v > 0
    q = ((a - expected)[positive] ** 2 / v[positive]).sum() - (a - expected).sum() ** 2 / v.sum()
    k_yi = int(positive.sum()) if k_estimable is None else k_estimable
    if positive.sum() <= 1:
        k_yi = min(k_yi, 1)
    return _summary("Peto one-step", beta, se, q, k_yi, level, 100 * v / v.sum())
