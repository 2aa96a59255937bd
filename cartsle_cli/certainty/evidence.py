"""Each pooled outcome's body of evidence, and its certainty: suggestions, decisions, the result.

:class:`OutcomeEvidence` is what GRADE needs from an analysis (studies, participants, the pooled
estimate with its CI and PI, I^2, each study's weight, Egger's p); :func:`pooled_evidence` reads it
from the review's pooled results. :func:`grade_review` adds the risk-of-bias consensus and the
reviewers' stored judgements, and gives each outcome's certainty.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from cartsle_cli.appraisal.store import appraised_tools
from cartsle_cli.appraisal.tool import Tool, get_tool
from cartsle_cli.certainty.comparative import absolute_per_1000, control_risks, optimal_information_size
from cartsle_cli.certainty.risk import risk_of_bias
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
from cartsle_cli.review.pooling import SCALE_OF, PoolOptions, PoolResult, pool_review
from cartsle_cli.stats.effect_sizes import proportion
from cartsle_cli.stats.meta_proportions import MetaProportionResult
from cartsle_cli.stats.sensitivity import egger_test


@dataclass(frozen=True)
class OutcomeEvidence:
    outcome: str
    label: str
    measure: str  # "proportion", or a comparative measure (OR, RR, MD ...)
    k: int
    participants: int | None  # None where the analysis has no group sizes (generic estimates)
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
    outcome_type: str = "proportion"  # the protocol outcome's type: proportion, binary, continuous, generic
    outcome_keys: tuple[str, ...] = ()  # the names an appraisal row may give this outcome (id, label)
    unit: str = ""
    scale: str = ""  # generic estimates: what they are ("log hazard ratio" ...)
    control_risk: float | None = None  # binary: the assumed control risk of the absolute effect and OIS
    control_risk_basis: str = ""  # "pooled" (control events / control participants) or "median"
    control_risk_pooled: float | None = None
    control_risk_median: float | None = None  # the median of the studies' control risks
    absolute: tuple[float, float, float] | None = None  # binary: difference per 1000 and its CI
    ois: int | None = None  # the optimal information size, where computed with the evidence
    ois_basis: str = ""


@dataclass(frozen=True)
class PooledProportion:
    """A declared analysis of a single proportion that was meta-analysed, with its method."""

    name: str  # the analysis id
    label: str
    outcome: str  # the protocol outcome's id
    meta: MetaProportionResult
    method: str
    scale: str


def pooled_proportions(pool: PoolResult) -> list[PooledProportion]:
    """The protocol's single-proportion analyses that have a meta-analysis, in declared order."""
    found = []
    for analysis in pool.analyses:
        summary = analysis.proportion
        if summary is None or summary.meta is None:
            continue
        method = pool.options.method or analysis.method
        scale = pool.options.scale or SCALE_OF[analysis.measure]
        found.append(
            PooledProportion(analysis.id, analysis.label, analysis.outcome, summary.meta, method, scale)
        )
    return found


CONTROL_RISKS = ("pooled", "median")


def pooled_evidence(pool: PoolResult, control_risk: str = "pooled") -> list[OutcomeEvidence]:
    """Every meta-analysed outcome of the pooled results, single proportions and comparative or
    generic effects, in the protocol's order. ``control_risk``: the assumed risk of a binary
    outcome's absolute effect, the studies' pooled control risk (GRADEpro's default) or their median."""
    if control_risk not in CONTROL_RISKS:
        raise CartsleError(
            f"unknown control risk {control_risk!r}; use {' or '.join(CONTROL_RISKS)}", field="--control-risk"
        )
    found = {e.outcome: e for e in _proportion_evidence(pool) + _comparative_evidence(pool, control_risk)}
    return [found[a.id] for a in pool.analyses if a.id in found]


def _comparative_evidence(pool: PoolResult, control_risk: str) -> list[OutcomeEvidence]:
    evidence = []
    for analysis in pool.analyses:
        effect = analysis.effect
        if effect is None or effect.effects is None:
            continue
        meta, effects = effect.result, effect.effects
        pooled, median, events = control_risks(effects)
        assumed = median if control_risk == "median" else pooled
        absolute = (
            absolute_per_1000(meta.measure, meta.estimate, meta.lower, meta.upper, assumed)
            if assumed is not None
            else None
        )
        ois, basis = optimal_information_size(meta.measure, assumed)
        has_weights = all(s.weight is not None for s in meta.studies)
        totals = effects.totals
        weights = {
            s.label: float(s.weight if has_weights or totals is None else totals[i])
            for i, s in enumerate(meta.studies)
        }
        egger = effect.egger
        if egger is None and effects.k >= 3:
            egger = egger_test(effects)
        evidence.append(
            OutcomeEvidence(
                outcome=analysis.id,
                label=analysis.label,
                measure=meta.measure,
                k=meta.k,
                participants=None if totals is None else int(round(float(totals.sum()))),
                events=events,
                estimate=meta.estimate,
                lower=meta.lower,
                upper=meta.upper,
                pi_lower=meta.pi_lower,
                pi_upper=meta.pi_upper,
                i2=meta.i2 if meta.k > 1 else None,
                null=1.0 if meta.log_scale else 0.0,
                weights=weights,
                weights_are="meta-analysis weight"
                if has_weights
                else "participants (the method gives no weights)",
                egger_p=egger.p if egger is not None else None,
                method_line=meta.method.line(),
                outcome_type=analysis.type,
                outcome_keys=(analysis.outcome, analysis.label),
                unit=analysis.unit,
                scale=effects.scale if meta.measure == "GEN" else "",
                control_risk=assumed,
                control_risk_basis=control_risk if assumed is not None else "",
                control_risk_pooled=pooled,
                control_risk_median=median,
                absolute=absolute,
                ois=ois,
                ois_basis=basis,
            )
        )
    return evidence


def _proportion_evidence(pool: PoolResult) -> list[OutcomeEvidence]:
    evidence = []
    for outcome in pooled_proportions(pool):
        meta = outcome.meta
        has_weights = all(s.weight is not None for s in meta.studies)
        weights = {
            s.label: float(s.weight if has_weights and s.weight is not None else s.total)
            for s in meta.studies
        }
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
                outcome_keys=(outcome.outcome, outcome.label),
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
    risks = risk_of_bias(conn)
    worst = max((j.level or 0 for j in (tool.overall.judgements if tool else ())), default=2)
    decided = current_judgements(conn)
    comments = current_comments(conn)
    results = []
    for item in evidence:
        levels = risks.levels(*item.outcome_keys) if risks is not None else {}
        ois, basis = item.ois, item.ois_basis
        if item.null is None:
            ois, basis = optimal_information_size_proportion(item.estimate, margin), ""
        suggestions = [
            suggest_risk_of_bias(item.weights, {s: levels.get(s) for s in item.weights}, worst),
            suggest_inconsistency(item.i2, item.lower, item.upper, item.pi_lower, item.pi_upper, item.null),
            suggest_indirectness(),
            suggest_imprecision(
                item.estimate, item.lower, item.upper, item.participants, ois, item.null, margin, basis
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


def grade_review(
    conn: sqlite3.Connection, options: PoolOptions = PoolOptions(), control_risk: str = "pooled"
) -> list[OutcomeCertainty]:
    """GRADE for every pooled outcome of the review; an error before anything is pooled."""
    try:
        pool = pool_review(conn, options)
    except CartsleError as error:
        raise CartsleError(f"nothing pooled to grade yet: {error}") from None
    return grade_outcomes(conn, pooled_evidence(pool, control_risk))
