"""Brent's root finder exactly as R's ``uniroot`` runs it, so that our roots stop where R's stop.

metafor finds the Paule-Mandel tau^2 and the Q-profile CI limits with ``uniroot`` at its default
tolerance (``.Machine$double.eps^0.25``, about 1.2e-4). A root found to that tolerance by another
algorithm may differ from metafor's by up to the tolerance, so agreement to 1e-6 needs the same
iterates: this is a transcription of R's ``R_zeroin2`` (src/library/stats/src/zeroin.c), itself
Brent RP (1973). Algorithms for Minimization without Derivatives, chapter 4 (Prentice-Hall).
"""

from __future__ import annotations

from collections.abc import Callable

EPSILON = 2.220446049250313e-16  # DBL_EPSILON
R_TOLERANCE = EPSILON**0.25  # uniroot's default tol


class NoConvergence(Exception):
    """The root was not found within the iteration limit."""


def uniroot(
    f: Callable[[float], float],
    lower: float,
    upper: float,
    tol: float = R_TOLERANCE,
    maxiter: int = 1000,
) -> float:
    """The root of ``f`` in [lower, upper], as R's ``uniroot(f, c(lower, upper), tol=, maxiter=)``."""
    a, b = lower, upper
    fa, fb = f(a), f(b)
    if fa * fb > 0:
        raise ValueError("f() values at the end points are not of opposite sign")
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    c, fc = a, fa
    for _ in range(maxiter + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * EPSILON * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    raise NoConvergence(f"no root within {maxiter} iterations")
