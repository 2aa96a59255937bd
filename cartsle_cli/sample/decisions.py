"""Screening decisions of the sample review by two reviewers, and the third reviewer's resolutions.

How they were chosen: the final outcome of every work is fixed by :mod:`cartsle_cli.sample.included`
(its reports of the 14 studies are included; the listed full-text exclusions reach full text and
are excluded there with their reason; every other work is excluded on title and abstract). The two
reviewers ("ana" and "ben") agree except on a seeded handful of works at each stage, the number
chosen so that Cohen's kappa lands between 0.7 and 0.9 ("maybe" counts as include at title and
abstract, as in Covidence); the third reviewer ("lead") resolves each disagreement to the final
outcome. Rows name their work by DOI, PMID or title, the first of them that is unambiguous.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from cartsle_cli.sample.draw import Draw
from cartsle_cli.sample.included import (
    ACR_EXCLUDED_AT_FULL_TEXT,
    EXCLUDED_AT_FULL_TEXT,
    OTHER,
    WRONG_DESIGN,
    WRONG_POPULATION,
)
from cartsle_cli.sample.works import Work

SEED = 202410
REVIEWERS = ("ana", "ben")
RESOLVER = "lead"
COLUMNS = ("doi", "pmid", "title", "reviewer", "stage", "decision", "reason", "note", "study")
TA_MISSED_INCLUDES, TA_EXTRA_INCLUDES, TA_MAYBES = 9, 16, 12
FT_REASONS = {spec.title: spec.reason for spec in (*EXCLUDED_AT_FULL_TEXT, *ACR_EXCLUDED_AT_FULL_TEXT)}


@dataclass(frozen=True)
class Vote:
    work: Work
    reviewer: str
    stage: str
    decision: str
    reason: str | None = None
    study: str | None = None
    note: str | None = None


@dataclass
class ScreeningFiles:
    title_abstract: list[Vote]
    title_abstract_resolutions: list[Vote]
    full_text: list[Vote]
    full_text_resolutions: list[Vote]


def screening(works: list[Work], seed: int = SEED) -> ScreeningFiles:
    draw = Draw(seed)
    to_full_text = [w for w in works if w.study or w.title in FT_REASONS]
    others = [w for w in works if not (w.study or w.title in FT_REASONS)]
    missed = {w.key for w in draw.sample(to_full_text, TA_MISSED_INCLUDES)}
    # Extra includes are works a careful reviewer might hesitate over: on lupus or CAR T cells.
    tempting = [w for w in others if "lupus" in w.title.lower() or "car t" in w.title.lower()]
    extra = {w.key for w in draw.sample(tempting, TA_EXTRA_INCLUDES)}
    maybes = {w.key for w in draw.sample([w for w in to_full_text if w.key not in missed], TA_MAYBES)}
    ta, ta_resolved = title_abstract_votes(works, to_full_text, (missed, extra, maybes), draw, Vote)
    ft, ft_resolved = _full_text(to_full_text, draw)
    return ScreeningFiles(ta, ta_resolved, ft, ft_resolved)


def title_abstract_votes(
    works: list, to_full_text: list, planted: tuple[set, set, set], draw: Draw, vote: Callable
):
    """Both reviewers' title/abstract votes and the resolutions of their conflicts, for any sample.

    Every work gets its final outcome (include when it reaches full text) from both reviewers,
    except that one reviewer, drawn per work, excludes a ``missed`` include, hesitates over an
    ``extra`` one (include or maybe) or says maybe to one of ``maybes``; the missed and extra
    conflicts are resolved to the final outcome. ``vote`` makes a vote of the sample's own kind.
    """
    missed, extra, maybes = planted
    ta, ta_resolved = [], []
    for work in works:
        final = "include" if work in to_full_text else "exclude"
        odd = draw.pick(REVIEWERS)
        for reviewer in REVIEWERS:
            decision = final
            if reviewer == odd and work.key in missed:
                decision = "exclude"
            elif reviewer == odd and work.key in extra:
                decision = draw.pick(("include", "maybe"))
            elif reviewer == odd and work.key in maybes:
                decision = "maybe"
            ta.append(vote(work, reviewer, "ta", decision))
        if work.key in missed or work.key in extra:
            ta_resolved.append(vote(work, RESOLVER, "ta", final, note="resolved by discussion"))
    return ta, ta_resolved


def _full_text(works: list[Work], draw: Draw) -> tuple[list[Vote], list[Vote]]:
    """Both reviewers read every report; four disagreements: one include missed, two exclusions
    wrongly included, one exclusion for different reasons."""
    included = [w for w in works if w.study]
    excluded = [w for w in works if not w.study and FT_REASONS[w.title] == WRONG_POPULATION]
    missed, other_reason = draw.pick(included), excluded[1]
    extras = (excluded[0], excluded[2])
    votes, resolved = [], []
    for work in works:
        odd = draw.pick(REVIEWERS)
        final = _ft_vote(work, "x")
        for reviewer in REVIEWERS:
            vote = _ft_vote(work, reviewer)
            if reviewer == odd and work is missed:
                vote = Vote(work, reviewer, "ft", "exclude", WRONG_DESIGN)
            elif reviewer == odd and work in extras:
                vote = Vote(work, reviewer, "ft", "include", study=f"{work.authors[0][0]} {work.year}")
            elif reviewer == odd and work is other_reason:
                vote = Vote(work, reviewer, "ft", "exclude", WRONG_DESIGN)
            votes.append(vote)
        if work in (missed, other_reason, *extras):
            resolved.append(
                Vote(
                    work, RESOLVER, "ft", final.decision, final.reason, final.study, "resolved by discussion"
                )
            )
    return votes, resolved


def _ft_vote(work: Work, reviewer: str) -> Vote:
    if work.study:
        return Vote(work, reviewer, "ft", "include", study=work.study)
    reason = FT_REASONS[work.title]
    return Vote(
        work,
        reviewer,
        "ft",
        "exclude",
        reason,
        note="withdrawn before enrolment" if reason == OTHER else None,
    )


def identifiers(works: list[Work]) -> dict[str, tuple[str, str, str]]:
    """For each work the (doi, pmid, title) a decision row gives: a DOI only when no other work
    shares it (abstracts in one supplement do); the title always, which `screen import` uses
    only when the DOI and PMID find nothing (an Embase copy may lack its DOI)."""
    shared = Counter(w.doi for w in works if w.doi)
    out = {}
    for work in works:
        doi = work.doi if work.doi and shared[work.doi] == 1 else ""
        pmid = work.pmid or ""
        out[work.key] = (doi, pmid, work.title)
    return out


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...


class AnyVote(Protocol):
    """A vote of any sample (this one's :class:`Vote`, the trial samples' own): what
    :func:`decisions_csv` reads of it."""

    @property
    def work(self) -> _Keyed: ...
    @property
    def reviewer(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...
    @property
    def study(self) -> str | None: ...


def decisions_csv(votes: Sequence[AnyVote], ids: Mapping[str, tuple[str, str, str]]) -> str:
    """The decisions file `cartsle screen import` reads (:data:`COLUMNS`), one row per vote, for
    the votes of any sample; ``ids`` gives the (doi, pmid, title) naming each vote's work, by key."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for vote in votes:
        doi, pmid, title = ids[vote.work.key]
        writer.writerow(
            [
                doi,
                pmid,
                title,
                vote.reviewer,
                vote.stage,
                vote.decision,
                vote.reason or "",
                vote.note or "",
                vote.study or "",
            ]
        )
    return buffer.getvalue()


def cohen_kappa(votes: list[Vote]) -> float:
    """Cohen's kappa (Cohen 1960) of the two reviewers, "maybe" counted as include."""
    by_work: dict[str, dict[str, str]] = {}
    for vote in votes:
        decision = "include" if vote.decision == "maybe" else vote.decision
        by_work.setdefault(vote.work.key, {})[vote.reviewer] = decision
    pairs = [(d[REVIEWERS[0]], d[REVIEWERS[1]]) for d in by_work.values()]
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first = sum(a == "include" for a, _ in pairs) / n
    second = sum(b == "include" for _, b in pairs) / n
    expected = first * second + (1 - first) * (1 - second)
    return (observed - expected) / (1 - expected)
