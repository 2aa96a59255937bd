"""Each pooled outcome's body of evidence, and its certainty: suggestions, decisions, the result.

:class:`OutcomeEvidence` is what GRADE needs from an analysis (studies, participants, the pooled
estimate with its CI and PI, I^2, each study's weight, Egger's p); :func:`pooled_evidence` reads it
from the review's pooled results. :func:`grade_review` adds the risk-of-bias consensus and the
reviewers' stored judgements, and gives each outcome's certainty.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from cartsle_cli.appraisal.store import appraised_tools, study_appraisals
from cartsle_cli.appraisal.tool import Tool, get_tool
from cartsle_cli.certainty.store import GradeJudgement, current_comments, current_judgements
from cartsle_cli.certainty.suggest import (
    DOMAINS,
    Certainty,
    Suggestion,
    certainty,
    optimal_information_size_proportion,
    suggest_imprecision,
    suggest_inconsistency,
    suggest_indirectness,
    suggest_publication_bias,
    suggest_risk_of_bias,
)
from cartsle_cli.errors import CartsleError
from cartsle_cli.pooling import PoolOptions, PoolResult, pool_review
from cartsle_cli.stats.effect_sizes import proportion
from cartsle_cli.stats.sensitivity import egger_test


@dataclass(frozen=True)
class OutcomeEvidence:
    outcome: str
    label: str
    measure: str  # "proportion", or a comparative measure (OR, RR, MD ...)
    k: int
    participants: int
    events: int | None
    estimate: float
    lower: float
    upper: float
    pi_lower: float | None
    pi_upper: float | None
    i2: float | None
    null: float | None  # the line of no effect; None for single proportions
    weights: dict[str, float]  # study label -> weight (percent, or participants where the method gives none)
    weights_are: str
    egger_p: float | None
    method_line: str


def pooled_evidence(pool: PoolResult) -> list[OutcomeEvidence]:
    """The meta-analysed outcomes of today's pooled results (single proportions)."""
    evidence = []
    for outcome in pool.safety.outcomes:
        meta = outcome.meta
        if meta is None:
            continue
        has_weights = all(s.weight is not None for s in meta.studies)
        weights = {s.label: float(s.weight if has_weights else s.total) for s in meta.studies}
        egger_p = None
        if meta.k >= 3:
            effects = proportion([s.events for s in meta.studies], [s.total for s in meta.studies], "PLO")
            egger_p = egger_test(effects).p  # on logit proportions, as metafor's regtest(model = "lm")
        evidence.append(
            OutcomeEvidence(
                outcome=outcome.name,
                label=outcome.label,
                measure="proportion",
                k=meta.k,
                participants=meta.total,
                events=meta.events,
                estimate=meta.estimate,
                lower=meta.lower,
                upper=meta.upper,
                pi_lower=meta.pi_lower,
                pi_upper=meta.pi_upper,
                i2=meta.i2,
                null=None,
                weights=weights,
                weights_are="meta-analysis weight"
                if has_weights
                else "participants (the method gives no weights)",
                egger_p=egger_p,
                method_line=meta.method.line(),
            )
        )
    return evidence


@dataclass(frozen=True)
class DomainCertainty:
    domain: str
    label: str
    suggestion: Suggestion
    decision: GradeJudgement | None

    @property
    def levels(self) -> int:
        return self.decision.levels if self.decision is not None else self.suggestion.levels

    @property
    def reason(self) -> str:
        if self.decision is not None and self.decision.reason:
            return self.decision.reason
        return self.suggestion.reason

    @property
    def status(self) -> str:
        if self.decision is None:
            return "to judge" if self.suggestion.needs_reviewers else "suggested"
        return "confirmed" if self.decision.levels == self.suggestion.levels else "changed"


@dataclass(frozen=True)
class OutcomeCertainty:
    evidence: OutcomeEvidence
    design: str
    start: str
    start_reason: str
    domains: tuple[DomainCertainty, ...]
    comment: str | None

    @property
    def certainty(self) -> Certainty:
        return certainty(self.start, sum(d.levels for d in self.domains))

    def to_dict(self) -> dict:
        grade = self.certainty
        return {
            "evidence": asdict(self.evidence),
            "design": self.design,
            "start": self.start,
            "start_reason": self.start_reason,
            "domains": [
                {
                    "domain": d.domain,
                    "label": d.label,
                    "levels": d.levels,
                    "reason": d.reason,
                    "status": d.status,
                    "suggested_levels": d.suggestion.levels,
                    "suggested_reason": d.suggestion.reason,
                    "decided_by": d.decision.reviewer if d.decision else None,
                }
                for d in self.domains
            ],
            "certainty": grade.label,
            "certainty_level": grade.level,
            "symbols": grade.symbols,
            "comment": self.comment,
        }


def _review_tool(conn: sqlite3.Connection) -> Tool | None:
    used = appraised_tools(conn)
    return get_tool(used[0]) if used else None


def _levels(conn: sqlite3.Connection, tool: Tool | None) -> dict[str, int | None]:
    if tool is None:
        return {}
    levels = {j.name: j.level for j in tool.overall.judgements}
    return {s.study_id: levels.get(s.overall) if s.overall else None for s in study_appraisals(conn, tool)}


def grade_outcomes(
    conn: sqlite3.Connection, evidence: list[OutcomeEvidence], *, margin: float = 0.10
) -> list[OutcomeCertainty]:
    """Each outcome's GRADE assessment: suggestions from the numbers and the appraisal, and the
    reviewers' decisions where they made them."""
    tool = _review_tool(conn)
    if tool is None:
        design, start = "observational studies", "low"
        start_reason = (
            "no risk-of-bias appraisal: the studies are taken as observational; GRADE starts at low"
        )
    else:
        design, start = tool.design, tool.grade_start
        start_reason = f"{tool.design} appraised with {tool.name}: GRADE starts at {start}"
    levels = _levels(conn, tool)
    worst = max((j.level or 0 for j in (tool.overall.judgements if tool else ())), default=2)
    decided = current_judgements(conn)
    comments = current_comments(conn)
    results = []
    for item in evidence:
        ois = optimal_information_size_proportion(item.estimate, margin) if item.null is None else None
        suggestions = [
            suggest_risk_of_bias(item.weights, {s: levels.get(s) for s in item.weights}, worst),
            suggest_inconsistency(item.i2, item.lower, item.upper, item.pi_lower, item.pi_upper, item.null),
            suggest_indirectness(),
            suggest_imprecision(
                item.estimate, item.lower, item.upper, item.participants, ois, item.null, margin
            ),
            suggest_publication_bias(item.k, item.egger_p, proportions=item.measure == "proportion"),
        ]
        domains = tuple(
            DomainCertainty(s.domain, DOMAINS[s.domain], s, decided.get((item.outcome, s.domain)))
            for s in suggestions
        )
        results.append(
            OutcomeCertainty(item, design, start, start_reason, domains, comments.get(item.outcome))
        )
    return results


def grade_review(conn: sqlite3.Connection, options: PoolOptions = PoolOptions()) -> list[OutcomeCertainty]:
    """GRADE for every pooled outcome of the review; an error before anything is pooled."""
    try:
        pool = pool_review(conn, options)
    except CartsleError as error:
        raise CartsleError(f"nothing pooled to grade yet: {error}") from None
    return grade_outcomes(conn, pooled_evidence(pool))
