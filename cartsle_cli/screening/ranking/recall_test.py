"""A stopping rule with a guarantee: the hypergeometric test of recall on a random sample.

Callaghan & Mueller-Hansen (2020), "Statistical stopping criteria for automated screening in
systematic reviews", Systematic Reviews 9:152 (the method of the buscar package). After screening
in the model's order, the reviewer switches to screening records drawn at random from the
``population`` records still unscreened at the switch. With ``includes_before`` includes found
before the switch and ``k`` among the ``n`` records sampled so far, recall would be below the
target tau only if the total number of includes were above (includes_before + k) / tau, that is if
the population held at least

    K_tar = floor((includes_before + k) / tau - includes_before + 1)

includes. The p-value of that null hypothesis is the hypergeometric probability of finding k or
fewer includes in n draws without replacement from ``population`` records of which K_tar are
includes (fewer is likelier with more includes, so K_tar is the least favourable case). When it is
below 1 - confidence, recall >= tau holds at that confidence. Nothing here stops anyone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

METHOD = (
    "hypergeometric test of H0 'recall < target' on a random sample of the records unscreened at "
    "the switch (Callaghan & Mueller-Hansen 2020, Systematic Reviews 9:152; as in buscar)"
)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def hypergeometric_cdf(k: int, population: int, successes: int, draws: int) -> float:
    """P(X <= k) for X hypergeometric: ``draws`` without replacement from ``population`` items of
    which ``successes`` are successes: the sum over i <= k of C(K, i) C(N-K, n-i) / C(N, n).

    Each term in log space (log-gamma), summed relative to the largest: microseconds even at
    100,000 records, where the exact integers would have thousands of digits.
    """
    if not (0 <= successes <= population and 0 <= draws <= population):
        raise ValueError("need 0 <= successes, draws <= population")
    low = max(0, draws - (population - successes))
    high = min(k, successes, draws)
    if high < low:
        return 0.0
    if k >= min(successes, draws):
        return 1.0
    whole = _log_comb(population, draws)
    logs = [
        _log_comb(successes, i) + _log_comb(population - successes, draws - i) - whole
        for i in range(low, high + 1)
    ]
    largest = max(logs)
    return min(1.0, math.exp(largest) * math.fsum(math.exp(value - largest) for value in logs))


def includes_under_null(includes_before: int, sample_includes: int, target: float) -> int:
    """K_tar: the fewest includes the sampled population must hold for recall to be below target."""
    seen = includes_before + sample_includes
    # a small epsilon keeps 19 / 0.95 = 20 exactly 20, not 19.999...
    return math.floor(seen / target - includes_before + 1 + 1e-9)


@dataclass(frozen=True)
class RecallTest:
    """Where the random sample stands against 'recall >= target at confidence'; advice only."""

    target: float
    confidence: float
    includes_before: int  # found before the switch to random sampling
    population: int  # records unscreened at the switch, the urn the sample is drawn from
    sampled: int  # n: records screened since the switch
    sample_includes: int  # k: includes among them
    includes_under_null: int  # K_tar
    p_value: float  # of H0 "recall < target"
    met: bool  # p_value < 1 - confidence
    relevant_left_high: int  # upper confidence bound on includes among the records not yet screened
    method: str = METHOD

    def message(self) -> str:
        verdict = (
            f"recall >= {self.target:.0%} holds at {self.confidence:.0%} confidence"
            if self.met
            else f"recall >= {self.target:.0%} not yet shown at {self.confidence:.0%} confidence"
        )
        return (
            f"stopping test: p = {self.p_value:.3g} for recall < {self.target:.0%} after "
            f"{self.sampled} random records ({self.sample_includes} includes) of {self.population}; {verdict}"
        )


def check_target(target: float, confidence: float) -> None:
    from cartsle_cli.errors import CartsleError

    if not 0 < target < 1:
        raise CartsleError(
            f"the recall target must be between 0 and 1 (exclusive), not {target:g}", field="target"
        )
    if not 0 < confidence < 1:
        raise CartsleError(
            f"the confidence must be between 0 and 1 (exclusive), not {confidence:g}", field="confidence"
        )


def relevant_left_bound(population: int, sampled: int, sample_includes: int, alpha: float) -> int:
    """The largest count of includes the unsampled rest of the population can hold that a sample this
    clean would still show with probability above ``alpha`` (one-sided exact bound, by bisection on
    the hypergeometric cdf, which falls as the includes rise)."""
    low, high = sample_includes, population - (sampled - sample_includes)  # includes in the population
    if hypergeometric_cdf(sample_includes, population, high, sampled) > alpha:
        return high - sample_includes
    while high - low > 1:
        middle = (low + high) // 2
        if hypergeometric_cdf(sample_includes, population, middle, sampled) > alpha:
            low = middle
        else:
            high = middle
    return low - sample_includes


def recall_test(
    includes_before: int,
    population: int,
    sample: Sequence[int],
    *,
    target: float = 0.95,
    confidence: float = 0.95,
) -> RecallTest:
    """The test after the random sample ``sample`` (1 include / 0 exclude, in any order)."""
    check_target(target, confidence)
    sampled, found = len(sample), int(sum(sample))
    if sampled > population:
        raise ValueError("the sample is larger than the population it was drawn from")
    needed = includes_under_null(includes_before, found, target)
    if needed > population - (sampled - found):
        p_value = 0.0  # the population cannot hold that many includes: recall < target is impossible
    else:
        p_value = hypergeometric_cdf(found, population, needed, sampled)
    alpha = 1 - confidence
    bound = relevant_left_bound(population, sampled, found, alpha)
    return RecallTest(
        target,
        confidence,
        includes_before,
        population,
        sampled,
        found,
        needed,
        p_value,
        p_value < alpha,
        bound,
    )
