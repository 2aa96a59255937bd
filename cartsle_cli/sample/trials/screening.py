"""Two reviewers' screening decisions on a trial sample's works, and the third's resolutions.

Final outcomes are fixed by the works themselves (the trials are included, the full-text
exclusions reach full text and are excluded with their reason, everything else is excluded on
title and abstract); the two reviewers ("ana" and "ben") agree except on a few planted works at
each stage, and "lead" resolves every conflict to the final outcome. Rows name works by DOI, or by
title when they have none (the real trials' records carry no DOI).
"""

from __future__ import annotations

from dataclasses import dataclass

from cartsle_cli.sample.decisions import RESOLVER, REVIEWERS, title_abstract_votes
from cartsle_cli.sample.decisions import decisions_csv as named_decisions_csv
from cartsle_cli.sample.draw import Draw
from cartsle_cli.sample.trials.records import Work

WRONG_DESIGN = "wrong study design"


@dataclass(frozen=True)
class Vote:
    work: Work
    reviewer: str
    stage: str
    decision: str
    reason: str = ""
    study: str = ""
    note: str = ""


@dataclass(frozen=True)
class Decisions:
    title_abstract: list[Vote]
    title_abstract_resolutions: list[Vote]
    full_text: list[Vote]
    full_text_resolutions: list[Vote]


def decisions(works: list[Work], seed: int) -> Decisions:
    draw = Draw(seed)
    to_full_text = [w for w in works if w.kind in ("trial", "full-text")]
    missed = {w.key for w in draw.sample(to_full_text, 2)}
    extra = {w.key for w in draw.sample([w for w in works if w.tempting], 3)}
    maybes = {w.key for w in draw.sample([w for w in to_full_text if w.key not in missed], 2)}
    ta, ta_resolved = title_abstract_votes(works, to_full_text, (missed, extra, maybes), draw, Vote)
    ft, ft_resolved = _full_text(to_full_text, draw)
    return Decisions(ta, ta_resolved, ft, ft_resolved)


def _final(work: Work, reviewer: str) -> Vote:
    if work.kind == "trial":
        return Vote(work, reviewer, "ft", "include", study=work.study)
    return Vote(work, reviewer, "ft", "exclude", work.reason)


def _full_text(works: list[Work], draw: Draw) -> tuple[list[Vote], list[Vote]]:
    """Three disagreements: an included trial excluded by one reviewer, an exclusion included by
    one, and an exclusion for another reason."""
    trials = [w for w in works if w.kind == "trial"]
    exclusions = [w for w in works if w.kind == "full-text"]
    missed = draw.pick(trials)
    wrongly_included, other_reason = draw.sample(exclusions, 2)
    votes, resolved = [], []
    for work in works:
        odd = draw.pick(REVIEWERS)
        for reviewer in REVIEWERS:
            vote = _final(work, reviewer)
            if reviewer == odd and work is missed:
                vote = Vote(work, reviewer, "ft", "exclude", WRONG_DESIGN)
            elif reviewer == odd and work is wrongly_included:
                vote = Vote(
                    work, reviewer, "ft", "include", study=f"{work.authors[0].split()[0]} {work.year}"
                )
            elif reviewer == odd and work is other_reason:
                reason = "wrong population" if work.reason != "wrong population" else WRONG_DESIGN
                vote = Vote(work, reviewer, "ft", "exclude", reason)
            votes.append(vote)
        if work in (missed, wrongly_included, other_reason):
            final = _final(work, RESOLVER)
            resolved.append(
                Vote(
                    work, RESOLVER, "ft", final.decision, final.reason, final.study, "resolved by discussion"
                )
            )
    return votes, resolved


def decisions_csv(votes: list[Vote]) -> str:
    """The decisions file of ``votes``, each work named by its DOI and title (no PMID)."""
    return named_decisions_csv(votes, {vote.work.key: (vote.work.doi, "", vote.work.title) for vote in votes})
