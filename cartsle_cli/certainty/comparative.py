"""What GRADE needs from a comparative analysis (binary OR/RR/RD, continuous MD/SMD, generic):
the line of no effect, participants and events, the control group's risk, the absolute effect
per 1000 and the optimal information size.

The absolute effect is GRADEpro's: the pooled relative effect (and each end of its CI) applied
to an assumed control risk, which by default is the studies' control risk (GRADEpro's "study
population": control events over control participants, summed over the studies; the median of
the studies' control risks is kept beside it). For a risk ratio the intervention risk is RR x CR;
for an odds ratio OR x CR / (1 - CR + OR x CR); a risk difference is already absolute
(Schunemann HJ et al. GRADE guidelines 11, J Clin Epidemiol 2013;66:158-172; Cochrane Handbook
section 15.4.4). MD and SMD are absolute as they are.
"""

from __future__ import annotations

import numpy as np

from cartsle_cli.certainty.suggest import (
    optimal_information_size_binary,
    optimal_information_size_continuous,
)

RRR_FOR_OIS = 0.25  # GRADE guidance 6 (Guyatt et al. 2011;64:1283-1293): a 25% relative risk reduction
SMD_FOR_OIS = 0.2  # a small effect (Cohen 1988) for continuous outcomes, in SD units


def absolute_per_1000(
    measure: str, estimate: float, lower: float, upper: float, control_risk: float
) -> tuple[float, float, float]:
    """The risk difference per 1000 (intervention minus control) for the estimate and its CI."""

    def difference(value: float) -> float:
        if measure == "RR":
            return 1000 * control_risk * (value - 1)
        if measure == "OR":
            return 1000 * (value * control_risk / (1 - control_risk + value * control_risk) - control_risk)
        return 1000 * value  # RD

    return difference(estimate), difference(lower), difference(upper)


def control_risks(effects) -> tuple[float | None, float | None, int | None]:
    """(pooled control risk, median of the studies' control risks, events in both arms) over the
    analysed studies of a binary analysis; Nones when it has no 2x2 counts."""
    counts = effects.counts
    if counts is None:
        return None, None, None
    rows = effects.study_rows()
    events_c, n_c = counts.events_c[rows], counts.n_c[rows]
    events = int(round(float(counts.events_e[rows].sum() + events_c.sum())))
    return float(events_c.sum() / n_c.sum()), float(np.median(events_c / n_c)), events


def optimal_information_size(measure: str, control_risk: float | None) -> tuple[int | None, str]:
    """The OIS and what it was computed for (GRADE guidance 6): a two-proportion sample size for a
    25% relative risk reduction from the control risk (binary), a two-mean sample size for 0.2 SD
    (continuous); alpha 0.05 two-sided, power 80%. None for generic estimates."""
    if measure in ("OR", "RR", "RD"):
        if control_risk is None or not 0 < control_risk < 1:
            return None, "no control risk to size a trial from"
        ois = optimal_information_size_binary(control_risk, RRR_FOR_OIS)
        return ois, (
            f"a trial to detect a {RRR_FOR_OIS:.0%} relative risk reduction from a control risk of"
            f" {control_risk:.1%} (alpha 0.05, power 80%)"
        )
    if measure in ("MD", "SMD"):
        ois = optimal_information_size_continuous(1.0, SMD_FOR_OIS)
        return ois, f"a trial to detect a difference of {SMD_FOR_OIS} SD (alpha 0.05, power 80%)"
    return None, "a generic estimate gives no basis for an optimal information size"


def _side(value: float, up: str, down: str, digits: int) -> str:
    if round(value, digits) == 0:
        return f"{0:.{digits}f} {up}" if digits else f"0 {down}"
    return f"{abs(value):.{digits}f} {up if value > 0 else down}"


def absolute_text(evidence: dict) -> str:
    """The summary-of-findings absolute effect, worded as GRADEpro words it."""
    measure = evidence["measure"]
    if measure in ("OR", "RR", "RD") and evidence.get("absolute") is not None:
        diff, low, high = evidence["absolute"]
        control = evidence.get("control_risk")
        median = " (median of the studies)" if evidence.get("control_risk_basis") == "median" else ""
        basis = f"; control risk {round(1000 * control)} per 1000{median}" if control is not None else ""
        return (
            f"{_side(diff, 'more', 'fewer', 0)} per 1000 "
            f"(from {_side(low, 'more', 'fewer', 0)} to {_side(high, 'more', 'fewer', 0)}){basis}"
        )
    if measure in ("MD", "SMD"):
        unit = f" {evidence['unit']}" if measure == "MD" and evidence.get("unit") else ""
        est, low, high = evidence["estimate"], evidence["lower"], evidence["upper"]
        return (
            f"{measure} {_side(est, 'higher', 'lower', 2)}{unit} "
            f"({_side(low, 'higher', 'lower', 2)} to {_side(high, 'higher', 'lower', 2)})"
        )
    return "not estimable from a generic estimate"


def relative_text(evidence: dict) -> str:
    measure = evidence["measure"]
    if measure in ("MD", "SMD"):
        return "not applicable"
    name = evidence.get("scale") if measure == "GEN" else measure
    return f"{name} {evidence['estimate']:.2f} ({evidence['lower']:.2f} to {evidence['upper']:.2f})"
