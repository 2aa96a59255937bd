"""Proportions on the scale a meta-analysis pools them, and back again.

Computes what metafor's ``escalc`` computes for measures "PLO" (logit), "PFT" (Freeman-Tukey
double arcsine) and "PR" (raw proportion), including its default 0.5 continuity correction for
studies with 0 or all events (``add=1/2, to="only0"``), which the logit and raw variances need and
the double arcsine does not.

Freeman MF, Tukey JW (1950). Transformations related to the angular and the square root. Ann Math
Stat 21:607-611. Miller JJ (1978). The inverse of the Freeman-Tukey double arcsine
transformation. Am Stat 32:138. Schwarzer G, Chemaitelly H, Abu-Raddad LJ, Rücker G (2019).
Seriously misleading results using inverse of Freeman-Tukey double arcsine transformation in
meta-analysis of single proportions. Res Synth Methods 10:476-483.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from cartsle_cli.stats.names import SCALES

SCALE_NAMES = {
    "logit": "logit",
    "ft": "Freeman-Tukey double arcsine",
    "raw": "none (raw proportions)",
}
CONTINUITY = 0.5


@dataclass(frozen=True)
class EffectSizes:
    """Per-study values ``yi`` and sampling variances ``vi`` on one scale."""

    scale: str
    yi: np.ndarray
    vi: np.ndarray
    corrected: np.ndarray  # True where 0.5 was added to the cells


def effect_sizes(events: np.ndarray, totals: np.ndarray, scale: str) -> EffectSizes:
    """Transformed proportions and their variances, as metafor's ``escalc`` with its defaults."""
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    if scale == "ft":
        yi = 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))
        return EffectSizes(scale, yi, 1 / (4 * n + 2), np.zeros(len(x), dtype=bool))
    corrected = (x == 0) | (x == n)
    x = np.where(corrected, x + CONTINUITY, x)
    n = np.where(corrected, n + 2 * CONTINUITY, n)
    p = x / n
    if scale == "logit":
        return EffectSizes(scale, np.log(p / (1 - p)), 1 / x + 1 / (n - x), corrected)
    if scale == "raw":
        return EffectSizes(scale, p, p * (1 - p) / n, corrected)
    raise ValueError(f"unknown scale {scale!r}; expected one of {SCALES}")


def harmonic_mean(totals: np.ndarray) -> float:
    return float(1 / np.mean(1 / np.asarray(totals, dtype=float)))


def ft_of_proportion(p: float, n: float) -> float:
    """The double arcsine of a proportion ``p`` in a study of size ``n`` (metafor's transf.pft)."""
    x = p * n
    return float(0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1)))))


def inverse_ft(values: np.ndarray, n: float) -> tuple[np.ndarray, np.ndarray]:
    """Miller's (1978) inverse of the double arcsine for size ``n``, and where it was clamped.

    Values below the transform of 0 (or above that of 1) have no inverse; like metafor's
    ``transf.ipft`` they become 0 (or 1), and the second array says which ones did.
    """
    t = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sin(2 * t)
        p = 0.5 * (1 - np.sign(np.cos(2 * t)) * np.sqrt(1 - (s + (s - 1 / s) / n) ** 2))
    low, high = t < ft_of_proportion(0.0, n), t > ft_of_proportion(1.0, n)
    p = np.where(low, 0.0, np.where(high, 1.0, p))
    return p, low | high


def back_transform(values: np.ndarray, scale: str, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values on ``scale`` as proportions, and a mask of those clamped to 0 or 1."""
    t = np.asarray(values, dtype=float)
    if scale == "logit":
        return expit(t), np.zeros(t.shape, dtype=bool)
    if scale == "raw":
        return t, np.zeros(t.shape, dtype=bool)
    return inverse_ft(t, harmonic_mean(totals))
