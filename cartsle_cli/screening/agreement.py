"""Agreement between two reviewers at one stage: percent agreement and Cohen's kappa with a 95% CI.

Counted as Covidence counts it: each reviewer's latest vote, on the records both have voted on; at
title/abstract "maybe" counts as include; resolutions change nothing.

Kappa (Cohen 1960, Educational and Psychological Measurement 20:37-46):
    kappa = (p_o - p_e) / (1 - p_e)
with p_o the observed proportion of agreement and p_e = sum_k p_A(k) p_B(k) the agreement
expected from the two reviewers' marginal proportions. Its standard error is Cohen's (1960)
large-sample approximation, as given by McHugh (2012, Biochemia Medica 22:276-282):
    SE = sqrt(p_o (1 - p_o) / (n (1 - p_e)^2))
and the 95% CI is kappa +/- 1.959964 SE (Wald), cut to kappa's range [-1, 1].
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from cartsle_cli.screening.outcomes import effective, stage_results, unit_votes

Z_95 = 1.959963984540054
KAPPA_METHOD = "Cohen's kappa; SE sqrt(po(1-po)/(n(1-pe)^2)) (Cohen 1960); Wald 95% CI cut to [-1, 1]"


@dataclass(frozen=True)
class Kappa:
    n: int
    percent_agreement: float  # 0-100
    kappa: float | None  # None when p_e = 1 (both reviewers gave one category throughout)
    se: float | None
    ci_low: float | None
    ci_high: float | None
    method: str = KAPPA_METHOD


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> Kappa:
    """Kappa for paired ratings [(reviewer A's category, reviewer B's category), ...]."""
    return kappa_of_table(Counter(pairs))


def kappa_of_table(table: Mapping[tuple[str, str], int]) -> Kappa:
    """Kappa from the cross-table of ratings: {(A's category, B's category): number of items}."""
    n = sum(table.values())
    if n == 0:
        return Kappa(0, math.nan, None, None, None, None)
    categories = sorted({category for pair in table for category in pair})
    p_o = sum(count for (a, b), count in table.items() if a == b) / n
    p_e = sum(
        (sum(count for (a, _), count in table.items() if a == k) / n)
        * (sum(count for (_, b), count in table.items() if b == k) / n)
        for k in categories
    )
    if math.isclose(p_e, 1.0):
        return Kappa(n, 100 * p_o, None, None, None, None)
    kappa = (p_o - p_e) / (1 - p_e)
    se = math.sqrt(p_o * (1 - p_o) / (n * (1 - p_e) ** 2))
    return Kappa(n, 100 * p_o, kappa, se, max(-1.0, kappa - Z_95 * se), min(1.0, kappa + Z_95 * se))


@dataclass(frozen=True)
class StageAgreement:
    stage: str
    reviewer_a: str
    reviewer_b: str
    counts: dict[str, int]  # "include/exclude" -> records with A include, B exclude ...
    kappa: Kappa

    def to_dict(self) -> dict:
        return {
            "stage": self.stage,
            "reviewer_a": self.reviewer_a,
            "reviewer_b": self.reviewer_b,
            "counts": self.counts,
            **vars(self.kappa),
        }


def agreement(conn: sqlite3.Connection, stage: str) -> list[StageAgreement]:
    """Agreement for every pair of reviewers who both voted on some record at ``stage``."""
    on_unit = unit_votes(conn, stage)
    # per record that has reached the stage, its current votes by reviewer (rows: decision at 5)
    ballots = [on_unit[unit][0] for unit in stage_results(conn, stage) if unit in on_unit]
    reviewers = sorted({reviewer for ballot in ballots for reviewer in ballot})
    results = []
    for a, b in combinations(reviewers, 2):
        votes = Counter((ballot[a][5], ballot[b][5]) for ballot in ballots if a in ballot and b in ballot)
        if not votes:
            continue
        table: Counter[tuple[str, str]] = Counter()
        for (decision_a, decision_b), count in votes.items():  # as they count: "maybe" is include at ta
            table[effective(decision_a, stage), effective(decision_b, stage)] += count
        counts = dict(sorted(("/".join(pair), count) for pair, count in table.items()))
        results.append(StageAgreement(stage, a, b, counts, kappa_of_table(table)))
    return results
