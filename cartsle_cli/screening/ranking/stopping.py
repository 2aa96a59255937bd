"""A stopping aid: tells the reviewer when a published heuristic would stop. It never stops anyone.

Heuristic (data-driven stopping rule): stop once at least ``min_share`` of the records have been
screened AND the last ``consecutive`` decisions were all exclusions. Both conditions come from the
SAFE procedure's phase-2 stopping rule (Boetje & van de Schoot 2024, "The SAFE procedure: a
practical stopping heuristic for active learning-based screening in systematic reviews and
meta-analyses", Systematic Reviews), which suggests screening at least 10% of the records and
stopping after 50 irrelevant records in a row (SAFE adds: all key papers found and at least twice
the estimated number of includes screened; cartsle leaves those to the reviewer). It is a
heuristic: it has no guaranteed recall.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SOURCE = "SAFE procedure, Boetje & van de Schoot 2024, Systematic Reviews"


@dataclass(frozen=True)
class StoppingAdvice:
    """Where the screening stands against the heuristic; ``met`` is advice, not a decision."""

    met: bool
    screened: int
    total_records: int
    consecutive_exclusions: int
    consecutive_needed: int
    min_share: float
    screened_needed: int
    rule: str
    source: str = SOURCE

    def message(self) -> str:
        state = "met" if self.met else "not met"
        return (
            f"stopping heuristic {state}: {self.consecutive_exclusions}/{self.consecutive_needed} "
            f"exclusions in a row, {self.screened}/{self.screened_needed} records screened "
            f"(minimum {self.min_share:.0%}); {self.rule} [{self.source}]; a heuristic, not a guarantee"
        )


def stopping_advice(
    decisions: Sequence[int], total_records: int, *, consecutive: int = 50, min_share: float = 0.10
) -> StoppingAdvice:
    """Judge ``decisions`` (1 include / 0 exclude, in the order made) against the heuristic."""
    run = 0
    for decision in reversed(decisions):
        if decision == 1:
            break
        run += 1
    screened_needed = math.ceil(min_share * total_records)
    met = len(decisions) >= screened_needed and run >= consecutive
    rule = f"stop after {consecutive} exclusions in a row once {min_share:.0%} of the records are screened"
    return StoppingAdvice(
        met, len(decisions), total_records, run, consecutive, min_share, screened_needed, rule
    )
