"""SLEDAI-2K time courses for the sample review's ``patients.csv``, found by a seeded search.

How the rows were chosen: each study's visit schedule is fixed by hand below (63 patients with a
baseline and later visits, 2 more with only a last follow-up score: 65 with a last score; the
patients seen only at month 1 carry the highest baselines, which the abstract's month-3 and
month-6 figures need). The scores start from a plausible draw and are then changed by seeded
simulated annealing (:func:`search`) until they meet the abstract's figures: type-7 quartiles of
the SLEDAI reduction at months 1, 3 and 6, mean SLEDAI with a t-based 95% CI at baseline, 3 and 6
months, 31 of 65 at 0 and 59 of 65 at 4 or less at last follow-up, and a Mann-Whitney z of the
reduction at last follow-up within +-1.2 (p about 0.23 or more) between autologous and allogeneic
and between CD19 and CD19-BCMA products. Scores never rise after infusion and never exceed
baseline. Apart from square roots (correctly rounded in IEEE arithmetic) the search is rational
arithmetic, so the same seed gives the same rows on every platform; its result is kept in
``sledai_courses.csv``.
cartsle recomputes every figure from these rows; nothing here is printed by the demo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cartsle_cli.sample.draw import Draw

SEED = 20241114

# study -> [(patients, visit months)]; month 0 is baseline.
SCHEDULES: dict[str, list[tuple[int, tuple[int, ...]]]] = {
    "Hartmann 2022": [(6, (0, 1, 3, 6, 12, 24)), (4, (0, 1, 3, 6, 12)), (2, (0, 1))],
    "Lindqvist 2024": [(5, (0, 1, 3, 6, 12)), (1, (0, 1, 3)), (4, (0, 1)), (1, (12,))],
    "Zhou 2024": [(4, (0, 1, 2, 3, 6, 9)), (3, (0, 1, 2, 3, 6)), (1, (0, 1, 2))],
    "Okafor 2024": [(4, (0, 1, 3, 6)), (1, (0, 1, 3)), (1, (0, 1))],
    "Moreau 2023": [(4, (0, 3, 6, 12)), (3, (0, 3, 6))],
    "Petrov 2024": [(3, (0, 1, 3, 6, 9)), (2, (0, 1))],
    "Sato 2023": [(2, (0, 1, 3, 6, 12, 18)), (1, (0, 3, 6, 12))],
    "Bianchi 2024": [(4, (0, 1, 3, 6)), (1, (0, 1, 3)), (1, (0, 1))],
    "Ferreira 2024": [(3, (0, 1, 3, 6)), (1, (0, 1, 3)), (1, (9,))],
    "Kowalski 2024": [(1, (0, 1, 3, 6)), (1, (0, 1, 3))],
}
ALLOGENEIC = {"Okafor 2024", "Ferreira 2024"}
CD19_BCMA = {"Zhou 2024", "Bianchi 2024"}
# The two patients reported with a last score only (no baseline): their fixed scores.
LAST_ONLY_SCORES = {"Lindqvist 2024": 0, "Ferreira 2024": 4}

# Two-sided 97.5% t quantiles for the fixed group sizes (scipy.stats.t.ppf, rounded to 1e-9),
# written out so the search does not depend on a library's last bit.
T975 = {62: 1.998971517, 51: 2.00758377, 46: 2.012895599}

TARGETS_QUARTILES = {1: (3.5, 6.0, 8.5), 3: (6.0, 8.0, 9.25), 6: (6.0, 8.0, 12.0)}
TARGETS_MEAN = {0: (12.8, 11.7, 13.8), 3: (3.6, 2.5, 4.7), 6: (2.3, 1.1, 3.5)}
TARGET_ZERO, TARGET_LE4 = 31, 59
TOLERANCE = 0.035  # a mean or CI bound this close to its one-decimal figure rounds to it either way


@dataclass
class Course:
    """One patient's visits: months and SLEDAI-2K scores, in time order."""

    study: str
    patient: str
    months: tuple[int, ...]
    scores: list[int] = field(default_factory=list)

    @property
    def has_baseline(self) -> bool:
        return self.months[0] == 0

    def score_at(self, month: int) -> int | None:
        return self.scores[self.months.index(month)] if month in self.months else None


def quartiles(values: list[int]) -> tuple[float, float, float]:
    """Q1, median, Q3 by Hyndman and Fan's type 7 (R's default, numpy's "linear")."""
    ordered = sorted(values)
    return tuple(_type7(ordered, p) for p in (0.25, 0.5, 0.75))  # type: ignore[return-value]


def _type7(ordered: list[int], p: float) -> float:
    h = (len(ordered) - 1) * p
    low = math.floor(h)
    if low + 1 >= len(ordered):
        return float(ordered[low])
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def mean_ci(values: list[int]) -> tuple[float, float, float]:
    """Mean with a t-based 95% CI; the sums are exact integers."""
    n, total, squares = len(values), sum(values), sum(v * v for v in values)
    variance = (n * squares - total * total) / (n * (n - 1))
    half = T975[n - 1] * math.sqrt(variance / n)
    mean = total / n
    return mean, mean - half, mean + half


def decreases(courses: list[Course], month: int) -> list[int]:
    return [c.scores[0] - c.score_at(month) for c in courses if c.has_baseline and month in c.months]  # type: ignore[operator]


def _distance(courses: list[Course]) -> float:
    distance = 0.0
    for month, targets in TARGETS_QUARTILES.items():
        distance += 3 * sum(abs(a - b) for a, b in zip(quartiles(decreases(courses, month)), targets))
    for month, targets in TARGETS_MEAN.items():
        values = [c.score_at(month) for c in courses if month in c.months]
        got = mean_ci(values)  # type: ignore[arg-type]
        distance += 10 * sum(max(0.0, abs(a - b) - TOLERANCE) for a, b in zip(got, targets))
    last = [c.scores[-1] for c in courses]
    distance += abs(sum(1 for s in last if s == 0) - TARGET_ZERO)
    distance += abs(sum(1 for s in last if s <= 4) - TARGET_LE4)
    return distance


def _loss(courses: list[Course]) -> float:
    """Distance from the targets, plus how far each subgroup comparison is from |z| <= 1.2 (a
    two-sided p of about 0.23, by the normal approximation with tie correction)."""
    reductions = [
        (c.study, c.scores[0] - c.scores[-1]) for c in courses if c.has_baseline and len(c.scores) > 1
    ]
    z_excess = 0.0
    for members in (ALLOGENEIC, CD19_BCMA):
        inside = [value for study, value in reductions if study in members]
        outside = [value for study, value in reductions if study not in members]
        z_excess += max(0.0, abs(_u_z(inside, outside)) - 1.2)
    return _distance(courses) + z_excess


def _u_z(first: list[int], second: list[int]) -> float:
    """The Mann-Whitney U statistic as a z score (normal approximation, tie-corrected)."""
    pooled = sorted(first + second)
    n1, n2, n = len(first), len(second), len(first) + len(second)
    rank: dict[int, float] = {}
    ties = 0
    index = 0
    while index < n:
        end = index
        while end + 1 < n and pooled[end + 1] == pooled[index]:
            end += 1
        rank[pooled[index]] = (index + end) / 2 + 1
        size = end - index + 1
        ties += size**3 - size
        index = end + 1
    u = sum(rank[v] for v in first) - n1 * (n1 + 1) / 2
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    return (u - n1 * n2 / 2) / math.sqrt(variance) if variance > 0 else 0.0


def _start(draw: Draw) -> list[Course]:
    """A plausible first draw: the highest baselines go to the patients seen only at month 1,
    whose score then falls to 4 or less (so that the later months' patients carry the typical
    baselines the month-3 and month-6 figures need); later scores fall by a few points a visit."""
    courses = [
        Course(study, f"P{number}", months)
        for study, groups in SCHEDULES.items()
        for number, months in enumerate((m for count, m in groups for _ in range(count)), start=1)
    ]
    with_baseline = [c for c in courses if c.has_baseline]
    baselines = sorted(
        max(6, min(26, round(12.8 + 4.2 * (sum(draw.unit() for _ in range(12)) - 6)))) for _ in with_baseline
    )
    short = [c for c in with_baseline if c.months[-1] <= 2]
    for course in short:
        course.scores = [baselines.pop(), draw.between(0, 4)]
    for course, baseline in zip(draw.shuffled([c for c in with_baseline if c.months[-1] > 2]), baselines):
        score, course.scores = baseline, [baseline]
        for month in course.months[1:]:
            score = max(0, score - (draw.between(2, 8) if month <= 3 else draw.between(0, 3)))
            course.scores.append(score)
    for course in courses:
        if not course.has_baseline:
            course.scores = [LAST_ONLY_SCORES[course.study]]
    return courses


def _valid(course: Course) -> bool:
    scores = course.scores
    return 2 <= scores[0] <= 30 and all(0 <= b <= a for a, b in zip(scores, scores[1:]))


def search(seed: int = SEED, steps: int = 100_000, rounds: int = 6) -> list[Course]:
    """The time courses: a seeded start, then rounds of simulated annealing, each round going on
    from where the last one stopped with its own seed, until every target is met."""
    draw = Draw(seed)
    courses = _start(draw)
    for round_number in range(rounds):
        loss = anneal(courses, Draw(seed + round_number + 1), steps, 0.3 / (round_number + 1))
        if loss == 0:
            return courses
    raise RuntimeError(f"the sample's patient search did not converge (distance {loss})")


def anneal(courses: list[Course], draw: Draw, steps: int, start_temperature: float) -> float:
    """Simulated annealing in place; returns the remaining distance (0: every target met).

    A change that brings the summary no further from the targets is kept; a worse one is kept
    with probability T / (T + increase), T cooling linearly to zero (rational arithmetic only, so
    no libm rounding can change the path). A change moves one score, a whole course, or one point
    of baseline from one patient to another.
    """
    movable = [c for c in courses if c.has_baseline]
    loss = _loss(courses)
    for step_number in range(steps):
        if loss == 0:
            break
        temperature = start_temperature * (1 - step_number / steps)
        changed = _move(movable, draw)
        if all(_valid(course) for course, _ in changed):
            candidate = _loss(courses)
            increase = candidate - loss
            if increase <= 0 or draw.unit() * (temperature + increase) < temperature:
                loss = candidate
                continue
        for course, scores in reversed(changed):
            course.scores = scores
    return loss


def _move(courses: list[Course], draw: Draw) -> list[tuple[Course, list[int]]]:
    """One score up or down, a whole course up or down, or one point of baseline passed from one
    patient to another (which keeps the baseline mean). Returns what it changed, for undoing."""
    course = draw.pick(courses)
    step = draw.pick((-1, 1))
    kind = draw.unit()
    changed = [(course, list(course.scores))]
    if kind < 0.15:
        course.scores = [s + step for s in course.scores]
    elif kind < 0.3:
        other = draw.pick(courses)
        if other is not course:
            changed.append((other, list(other.scores)))
        course.scores[0] += step
        other.scores[0] -= step
    else:
        course.scores[draw.below(len(course.scores))] += step
    return changed


def prednisone(course: Course, month: int) -> float:
    """A plausible tapering glucocorticoid dose (mg/day): not used by any figure."""
    start = 10.0 + 2.5 * (course.scores[0] % 7)
    return max(0.0, round(start - start * month / 6, 1)) if month < 6 else 0.0


if __name__ == "__main__":  # rerun the search and rewrite the kept result
    from cartsle_cli.sample.extraction_files import COURSES_FILE, courses_csv

    COURSES_FILE.write_text(courses_csv(search()), encoding="utf-8")
    print(f"wrote {COURSES_FILE}")
