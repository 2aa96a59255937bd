"""Tail probabilities and critical values from scipy.special directly.

They are the functions scipy.stats calls underneath (same numbers), without its per-call argument
handling, which costs more than a whole meta-analysis when leave-one-out repeats a fit hundreds
of times.
"""

from __future__ import annotations

from scipy import special


def norm_sf(x: float) -> float:
    return float(special.ndtr(-x))


def norm_ppf(p: float) -> float:
    return float(special.ndtri(p))


def norm_isf(q: float) -> float:
    return float(-special.ndtri(q))


def chi2_sf(x: float, df: float) -> float:
    return float(special.chdtrc(df, x))


def chi2_isf(q: float, df: float) -> float:
    return float(special.chdtri(df, q))


def chi2_ppf(p: float, df: float) -> float:
    return float(special.chdtri(df, 1 - p))


def t_sf(x: float, df: float) -> float:
    return float(special.stdtr(df, -x))


def t_ppf(p: float, df: float) -> float:
    return float(special.stdtrit(df, p))


def t_isf(q: float, df: float) -> float:
    return float(-special.stdtrit(df, q))


def beta_ppf(p: float, a: float, b: float) -> float:
    """scipy.stats.beta.ppf: both are Boost's inverse of the regularised incomplete beta function."""
    return float(special.betaincinv(a, b, p))


def f_sf(x: float, df1: float, df2: float) -> float:
    return float(special.fdtrc(df1, df2, x))
