"""Per-study effect sizes and their sampling variances, as metafor's ``escalc`` (3.8) computes them.

Binary outcomes (events and totals per arm; a = events_e, b = n_e - a, c = events_c, d = n_c - c):
- OR: log odds ratio log(ad / bc), variance 1/a + 1/b + 1/c + 1/d (Woolf B 1955. Ann Hum Genet
  19:251-253);
- RR: log risk ratio, variance 1/a - 1/n_e + 1/c - 1/n_c;
- RD: risk difference a/n_e - c/n_c, variance p_e(1-p_e)/n_e + p_c(1-p_c)/n_c;
- zero cells as ``escalc(add=1/2, to="only0")``: 1/2 added to every cell of a study with a zero cell.
  Studies with no events in either arm, or only events in both ("double zero"), are left out of OR and
  RR (``drop00=TRUE``, as R meta does by default): their ratio is not estimable. They stay in RD.
Continuous outcomes (mean, SD, n per arm):
- MD: m_e - m_c, variance sd_e^2/n_e + sd_c^2/n_c;
- SMD: Hedges' g = J (m_e - m_c) / s_pooled with the exact correction
  J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m = n_e + n_c - 2, and escalc's large-sample variance
  1/n_e + 1/n_c + g^2 / (2 (n_e + n_c)) (Hedges LV 1981. J Educ Stat 6:107-128).
Generic: an estimate and its standard error on a stated scale (e.g. log hazard ratio).
Single proportions (PLO, PFT, PR) are those of ``transforms``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import gammaln

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats import transforms

BINARY = ("OR", "RR", "RD")
CONTINUOUS = ("MD", "SMD")
PROPORTIONS = {"PLO": "logit", "PFT": "ft", "PR": "raw"}
MEASURES = (*BINARY, *CONTINUOUS, "GEN", *PROPORTIONS)
SCALES = {
    "OR": "log odds ratio",
    "RR": "log risk ratio",
    "RD": "risk difference",
    "MD": "mean difference",
    "SMD": "standardised mean difference (Hedges' g)",
    "PLO": "logit proportion",
    "PFT": "Freeman-Tukey double arcsine proportion",
    "PR": "proportion",
}
NATURAL = {"OR": "odds ratio", "RR": "risk ratio"}
CONTINUITY = 0.5


@dataclass(frozen=True)
class Excluded:
    """A study left out of the analysis, and why."""

    study: str
    reason: str
    row: int  # position among the studies given


@dataclass(frozen=True)
class TwoByTwo:
    """The cells of every study as given (Mantel-Haenszel and Peto use them uncorrected)."""

    labels: tuple[str, ...]
    events_e: np.ndarray
    n_e: np.ndarray
    events_c: np.ndarray
    n_c: np.ndarray


@dataclass(frozen=True)
class StudyEffects:
    """Effect sizes ``yi`` with sampling variances ``vi`` on the scale ``scale`` (metafor's escalc).

    ``labels``, ``yi``, ``vi`` and ``corrected`` cover the studies analysed; ``excluded`` names the
    others with the reason. ``log_scale`` says whether exp() gives the natural scale.
    """

    measure: str
    scale: str
    labels: tuple[str, ...]
    yi: np.ndarray
    vi: np.ndarray
    corrected: np.ndarray  # True where 1/2 was added to the cells
    excluded: tuple[Excluded, ...] = ()
    log_scale: bool = False
    counts: TwoByTwo | None = None
    totals: np.ndarray | None = None  # per-study participants (proportions: n; comparative: n_e + n_c)
    events: np.ndarray | None = None  # per-study events (proportions, for the GLMM)
    rows: np.ndarray | None = None  # input row of each analysed study (None: 0..k-1)

    @property
    def sei(self) -> np.ndarray:
        return np.sqrt(self.vi)

    @property
    def k(self) -> int:
        return len(self.yi)

    @property
    def input_rows(self) -> int:
        """How many studies were given (analysed and excluded)."""
        return self.k + len(self.excluded)

    def study_rows(self) -> np.ndarray:
        """The input row of each analysed study."""
        return np.arange(self.k) if self.rows is None else self.rows

    def select(self, chosen: np.ndarray) -> StudyEffects:
        """The same analysis restricted to the input rows where ``chosen`` is True (a subgroup, or
        all but one study): analysed and excluded studies, and the 2x2 counts, are all kept in step."""
        chosen = np.asarray(chosen, dtype=bool)
        if len(chosen) != self.input_rows:
            raise CartsleError(f"{len(chosen)} values for {self.input_rows} studies")
        rows = self.study_rows()
        keep = chosen[rows]
        renumber = np.cumsum(chosen) - 1
        counts = None
        if self.counts is not None:
            c = self.counts
            counts = TwoByTwo(
                tuple(np.asarray(c.labels)[chosen]),
                c.events_e[chosen],
                c.n_e[chosen],
                c.events_c[chosen],
                c.n_c[chosen],
            )
        return replace(
            self,
            labels=tuple(np.asarray(self.labels)[keep]),
            yi=self.yi[keep],
            vi=self.vi[keep],
            corrected=self.corrected[keep],
            excluded=tuple(replace(e, row=int(renumber[e.row])) for e in self.excluded if chosen[e.row]),
            counts=counts,
            totals=None if self.totals is None else self.totals[keep],
            events=None if self.events is None else self.events[keep],
            rows=renumber[rows[keep]],
        )


def _labels(labels, k: int) -> tuple[str, ...]:
    if labels is None:
        return tuple(f"study {i + 1}" for i in range(k))
    labels = tuple(str(label) for label in labels)
    if len(labels) != k:
        raise CartsleError(f"{len(labels)} study labels for {k} studies")
    return labels


def _arrays(*columns) -> list[np.ndarray]:
    arrays = [np.asarray(column, dtype=float) for column in columns]
    if len({len(a) for a in arrays}) != 1:
        raise CartsleError(f"the columns differ in length: {', '.join(str(len(a)) for a in arrays)}")
    if any(np.any(~np.isfinite(a)) for a in arrays):
        raise CartsleError("a value is missing or not a number")
    return arrays


def binary(events_e, n_e, events_c, n_c, measure: str, labels=None) -> StudyEffects:
    """OR, RR or RD per study from events and totals in each arm (see the module docstring)."""
    if measure not in BINARY:
        raise CartsleError(f"{measure} is not a binary measure; use one of {', '.join(BINARY)}")
    a, n1, c, n2 = _arrays(events_e, n_e, events_c, n_c)
    labels = _labels(labels, len(a))
    for label, x1, t1, x2, t2 in zip(labels, a, n1, c, n2):
        if t1 <= 0 or t2 <= 0 or not (0 <= x1 <= t1) or not (0 <= x2 <= t2):
            raise CartsleError(
                f"study {label}: events must lie between 0 and a positive total in each arm "
                f"({x1:g}/{t1:g}, {x2:g}/{t2:g})"
            )
    b, d = n1 - a, n2 - c
    double = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))
    dropped = double if measure in ("OR", "RR") else np.zeros(len(a), dtype=bool)
    excluded = tuple(
        Excluded(
            label,
            "no events in either arm" if x1 == 0 else "all participants had the event in both arms",
            row,
        )
        for row, (label, x1, gone) in enumerate(zip(labels, a, dropped))
        if gone
    )
    keep = ~dropped
    a, b, c, d = a[keep], b[keep], c[keep], d[keep]
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    a, b, c, d = (np.where(zero, cell + CONTINUITY, cell) for cell in (a, b, c, d))
    t1, t2 = a + b, c + d
    p1, p2 = a / t1, c / t2
    if measure == "OR":
        yi, vi = np.log(p1 / (1 - p1)) - np.log(p2 / (1 - p2)), 1 / a + 1 / b + 1 / c + 1 / d
    elif measure == "RR":
        yi, vi = np.log(p1) - np.log(p2), 1 / a - 1 / t1 + 1 / c - 1 / t2
    else:
        yi, vi = p1 - p2, p1 * (1 - p1) / t1 + p2 * (1 - p2) / t2
    counts = TwoByTwo(labels, *_arrays(events_e, n_e, events_c, n_c))
    kept = tuple(label for label, k in zip(labels, keep) if k)
    totals = (n1 + n2)[keep]
    return StudyEffects(
        measure,
        SCALES[measure],
        kept,
        yi,
        vi,
        zero,
        excluded,
        measure in ("OR", "RR"),
        counts,
        totals,
        rows=np.flatnonzero(keep),
    )


def continuous(mean_e, sd_e, n_e, mean_c, sd_c, n_c, measure: str, labels=None) -> StudyEffects:
    """MD or SMD (Hedges' g) per study from means, SDs and sizes in each arm."""
    if measure not in CONTINUOUS:
        raise CartsleError(f"{measure} is not a continuous measure; use MD or SMD")
    m1, s1, n1, m2, s2, n2 = _arrays(mean_e, sd_e, n_e, mean_c, sd_c, n_c)
    labels = _labels(labels, len(m1))
    for label, a, b, x, y in zip(labels, s1, s2, n1, n2):
        if a <= 0 or b <= 0:
            raise CartsleError(f"study {label}: a standard deviation must be positive (got {a:g} and {b:g})")
        if x < 2 or y < 2:
            raise CartsleError(f"study {label}: each arm needs at least 2 participants (got {x:g} and {y:g})")
    if measure == "MD":
        yi, vi = m1 - m2, s1**2 / n1 + s2**2 / n2
    else:
        m = n1 + n2 - 2
        pooled_sd = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / m)
        correction = np.exp(gammaln(m / 2) - np.log(np.sqrt(m / 2)) - gammaln((m - 1) / 2))
        yi = correction * (m1 - m2) / pooled_sd
        vi = 1 / n1 + 1 / n2 + yi**2 / (2 * (n1 + n2))
    return StudyEffects(
        measure, SCALES[measure], labels, yi, vi, np.zeros(len(yi), dtype=bool), totals=n1 + n2
    )


def generic(
    yi, sei, scale: str = "generic estimate", labels=None, log_scale: bool | None = None
) -> StudyEffects:
    """Estimates with standard errors as given; ``scale`` names them ("log hazard ratio" ...).

    ``log_scale`` (default: the scale's name starts with "log") says whether exp() is the natural scale.
    """
    y, s = _arrays(yi, sei)
    labels = _labels(labels, len(y))
    for label, value in zip(labels, s):
        if value <= 0:
            raise CartsleError(f"study {label}: the standard error must be positive (got {value:g})")
    log = scale.lower().startswith("log") if log_scale is None else log_scale
    return StudyEffects("GEN", scale, labels, y, s**2, np.zeros(len(y), dtype=bool), log_scale=log)


def proportion(events, totals, measure: str = "PLO", labels=None) -> StudyEffects:
    """Logit (PLO), double arcsine (PFT) or raw (PR) proportions, with escalc's 1/2 for 0 or n events."""
    if measure not in PROPORTIONS:
        raise CartsleError(f"{measure} is not a proportion measure; use one of {', '.join(PROPORTIONS)}")
    x, n = _arrays(events, totals)
    labels = _labels(labels, len(x))
    for label, events_i, total in zip(labels, x, n):
        if total <= 0 or not 0 <= events_i <= total:
            raise CartsleError(
                f"study {label}: events {events_i:g} must lie between 0 and a positive total ({total:g})"
            )
    sizes = transforms.effect_sizes(x, n, PROPORTIONS[measure])
    return StudyEffects(
        measure, SCALES[measure], labels, sizes.yi, sizes.vi, sizes.corrected, totals=n, events=x
    )
