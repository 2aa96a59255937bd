"""GRADE's five reasons to rate certainty down, each suggested from the numbers with its reason.

The reviewers decide (``cartsle grade set``); these are the starting suggestions, each stating the
rule that produced it, so a reader can see why. Rules (the GRADE guidance series, J Clin Epidemiol
2011; Schunemann et al., GRADE handbook 2013):

- risk of bias (Guyatt et al. 2011;64:407-415): one level down when studies carrying at least half
  of the weight are at high risk (a tool level of 2 or worse), two when that half is at the tool's
  worst level (3: critical in ROBINS-I); the share at high risk is given either way;
- inconsistency (Guyatt et al. 2011;64:1294-1302): one level down when I^2 >= 50% ("substantial"
  in the Cochrane Handbook, section 10.10.2), or for a comparative effect when the prediction
  interval crosses the line of no effect while the CI does not; two when I^2 >= 75% and both hold;
- indirectness (Guyatt et al. 2011;64:1303-1310): the reviewers' judgement, nothing suggested;
- imprecision (Guyatt et al. 2011;64:1283-1293): one level down for each of: the CI crosses the
  line of no effect (comparative) or is wider than the declared margin (single proportions); the
  participants fall short of the optimal information size. For a ratio measure (RR, OR, HR) whose
  CI includes both appreciable benefit and appreciable harm (GRADE's rough guide: a ratio under
  0.75 and one over 1.25; GRADE handbook 2013, section 5.2.5, "very wide" intervals), the CI
  alone is two levels;
- publication bias (Guyatt et al. 2011;64:1277-1282): with 10 or more studies, one level down when
  Egger's test gives p < 0.10; with fewer, nothing is suggested and the reason says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.special import ndtri  # the normal quantile (scipy.stats.norm.ppf), without scipy.stats' import

DOMAINS: dict[str, str] = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}
EGGER_ALPHA = 0.10
# ratio measures: GRADE's rough guide to appreciable benefit and harm (Guyatt et al. 2011;64:1283)
APPRECIABLE_BENEFIT, APPRECIABLE_HARM = 0.75, 1.25


@dataclass(frozen=True)
class Suggestion:
    domain: str
    levels: int  # 0, 1 or 2 levels down
    reason: str
    needs_reviewers: bool = False  # True when the numbers cannot say (indirectness)


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def suggest_risk_of_bias(
    weights: dict[str, float], levels: dict[str, int | None], worst_level: int
) -> Suggestion:
    """``weights``: study -> weight in the analysis; ``levels``: study -> overall risk-of-bias level."""
    total = sum(weights.values())
    known = {s: level for s, level in levels.items() if level is not None}
    appraised = {s: w for s, w in weights.items() if s in known}
    if not appraised or total <= 0:
        return Suggestion(
            "risk_of_bias", 0, "no consensus risk-of-bias judgements for these studies yet", True
        )
    high = sum(w for s, w in appraised.items() if known[s] >= 2) / total
    worst = sum(w for s, w in appraised.items() if known[s] >= worst_level and worst_level >= 3) / total
    missing = len(weights) - len(appraised)
    tail = f"; {missing} studies not yet appraised" if missing else ""
    if worst >= 0.5:
        return Suggestion(
            "risk_of_bias", 2, f"{_pct(worst)} of the weight from studies at critical risk of bias{tail}"
        )
    if high >= 0.5:
        return Suggestion(
            "risk_of_bias", 1, f"{_pct(high)} of the weight from studies at high risk of bias{tail}"
        )
    return Suggestion(
        "risk_of_bias", 0, f"{_pct(high)} of the weight from studies at high risk of bias (under half){tail}"
    )


def _crosses(lower: float, upper: float, null: float) -> bool:
    return lower < null < upper


def suggest_inconsistency(
    i2: float | None,
    lower: float,
    upper: float,
    pi_lower: float | None,
    pi_upper: float | None,
    null: float | None,
) -> Suggestion:
    """``i2`` in percent; ``null`` the line of no effect (1 for ratios, 0 for differences), None for
    single proportions."""
    if i2 is None:
        return Suggestion("inconsistency", 0, "one study: inconsistency cannot be judged", True)
    pi = "" if pi_lower is None else f", prediction interval {pi_lower:.2f} to {pi_upper:.2f}"
    wide_pi = (
        null is not None
        and pi_lower is not None
        and pi_upper is not None
        and _crosses(pi_lower, pi_upper, null)
        and not _crosses(lower, upper, null)
    )
    reasons = [f"I^2 = {i2:.0f}%{pi}"]
    if wide_pi:
        reasons.append("the prediction interval crosses the line of no effect while the CI does not")
    if i2 >= 75 and wide_pi:
        return Suggestion("inconsistency", 2, "; ".join(reasons))
    if i2 >= 50 or wide_pi:
        return Suggestion(
            "inconsistency", 1, "; ".join(reasons + ([] if i2 < 50 else ["I^2 of 50% or more"]))
        )
    return Suggestion("inconsistency", 0, "; ".join(reasons) + " (under 50%)")


def suggest_indirectness() -> Suggestion:
    return Suggestion(
        "indirectness",
        0,
        "population, intervention and outcome as the question asks: reviewers to judge",
        True,
    )


def optimal_information_size_binary(
    control_risk: float, rrr: float = 0.25, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Participants (both groups) an adequately powered trial needs to detect a relative risk
    reduction ``rrr`` from ``control_risk`` (GRADE guidance 6: Guyatt et al. 2011;64:1283-1293):
    n per group = (z_{1-alpha/2} + z_power)^2 (p_c (1 - p_c) + p_e (1 - p_e)) / (p_c - p_e)^2."""
    p_c, p_e = control_risk, control_risk * (1 - rrr)
    z = ndtri(1 - alpha / 2) + ndtri(power)
    per_group = z**2 * (p_c * (1 - p_c) + p_e * (1 - p_e)) / (p_c - p_e) ** 2
    return 2 * math.ceil(per_group)


def optimal_information_size_continuous(
    sd: float, difference: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Participants (both groups) an adequately powered trial needs to detect a difference in means
    ``difference`` with standard deviation ``sd`` in each group (GRADE guidance 6: Guyatt et al. 2011;
    64:1283-1293, the two-mean sample size): n per group = 2 (z_{1-alpha/2} + z_power)^2 sd^2 / difference^2."""
    z = ndtri(1 - alpha / 2) + ndtri(power)
    return 2 * math.ceil(2 * z**2 * sd**2 / difference**2)


def optimal_information_size_proportion(proportion: float, margin: float = 0.10, alpha: float = 0.05) -> int:
    """Participants needed to estimate a single proportion to within +/- ``margin`` (normal
    approximation): n = z_{1-alpha/2}^2 p (1 - p) / margin^2."""
    z = ndtri(1 - alpha / 2)
    return math.ceil(z**2 * proportion * (1 - proportion) / margin**2)


def suggest_imprecision(
    estimate: float,
    lower: float,
    upper: float,
    participants: int | None,
    ois: int | None,
    null: float | None,
    margin: float = 0.10,
    ois_basis: str = "",
) -> Suggestion:
    """One level per problem: a CI across no effect (or wider than +/- ``margin`` for a single
    proportion), and fewer participants than the optimal information size ``ois`` (computed for
    ``ois_basis``, said in the reason); two for a ratio's CI that includes both appreciable benefit
    and appreciable harm (below 0.75 and above 1.25, ``null`` 1). At most two levels."""
    basis = f" ({ois_basis})" if ois_basis else ""
    problems: list[str] = []
    levels = 0
    if null == 1.0 and lower < APPRECIABLE_BENEFIT and upper > APPRECIABLE_HARM:
        problems.append(
            f"the 95% CI ({lower:.2f} to {upper:.2f}) includes both appreciable benefit (under "
            f"{APPRECIABLE_BENEFIT:g}) and appreciable harm (over {APPRECIABLE_HARM:g}): two levels"
        )
        levels += 2
    elif null is not None:
        if _crosses(lower, upper, null):
            problems.append(
                f"the 95% CI ({lower:.2f} to {upper:.2f}) crosses the line of no effect ({null:g})"
            )
            levels += 1
    elif (upper - lower) / 2 > margin:
        problems.append(f"the 95% CI ({lower:.2f} to {upper:.2f}) is wider than +/- {margin:.2f}")
        levels += 1
    if ois is not None and participants is not None and participants < ois:
        problems.append(f"{participants} participants, under the optimal information size of {ois}{basis}")
        levels += 1
    enough = (
        f"{participants} participants (optimal information size {ois}{basis})"
        if ois is not None and participants is not None and participants >= ois
        else ""
    )
    if problems:
        reason = "; ".join(problems + ([enough] if enough else []))
        return Suggestion("imprecision", min(2, levels), reason)
    return Suggestion(
        "imprecision", 0, f"95% CI {lower:.2f} to {upper:.2f}" + (f"; {enough}" if enough else "")
    )


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def suggest_publication_bias(k: int, egger_p: float | None, *, proportions: bool = False) -> Suggestion:
    """``proportions``: the effects are single proportions, where funnel asymmetry is common
    without publication bias (Hunter et al. J Clin Epidemiol 2014;67:897-903), said in the reason."""
    if k < 10 or egger_p is None:
        return Suggestion(
            "publication_bias",
            0,
            f"{k} studies: fewer than 10, the funnel-plot test is not informative",
            True,
        )
    caution = "; for proportions, asymmetry need not mean publication bias" if proportions else ""
    if egger_p < EGGER_ALPHA:
        return Suggestion(
            "publication_bias", 1, f"Egger's test {_p(egger_p)} (< {EGGER_ALPHA}) with {k} studies{caution}"
        )
    return Suggestion("publication_bias", 0, f"Egger's test {_p(egger_p)} with {k} studies")


@dataclass(frozen=True)
class Certainty:
    start: str  # high or low
    downgrades: int
    level: int  # 4 high ... 1 very low

    @property
    def label(self) -> str:
        return {4: "high", 3: "moderate", 2: "low", 1: "very low"}[self.level]

    @property
    def symbols(self) -> str:
        return "\u2295" * self.level + "\u25ef" * (4 - self.level)


def certainty(start: str, downgrades: int) -> Certainty:
    """Start at 4 (high) or 2 (low) and go down a level per downgrade, never below 1 (very low)."""
    base = 4 if start == "high" else 2
    return Certainty(start, downgrades, max(1, base - downgrades))
