"""One engine for every tool: check an appraiser's answers and reach the judgements.

:func:`check_answers` refuses what the tool does not allow (an answer not in the question's
list, a question answered that the tool does not ask, a question asked and left blank, a
judgement the tool does not have, a missing support text the tool requires) with a
:class:`Problem` naming the column. :func:`judge` then applies each domain's method and the
overall method of the tool's data file (see ``tool.py``), and keeps the appraiser's own call
beside the algorithm's result: the final judgement is the call when one is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from cartsle_cli.appraisal.tool import NOT_ASKED, Condition, Domain, Question, Tool


class Problem(Exception):
    """What is wrong with one cell of an appraisal: the column and a message."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass(frozen=True)
class Answers:
    """One appraiser's appraisal of one study (and outcome), as checked.

    ``answers``: question id -> canonical answer, NOT_ASKED for a question the tool does not ask;
    ``calls``: domain id (or "overall") -> the appraiser's own judgement, where given;
    ``support``: domain id (or "overall") -> support text.
    """

    answers: dict[str, str]
    calls: dict[str, str]
    support: dict[str, str]


@dataclass(frozen=True)
class DomainJudgement:
    domain: str
    algorithm: str | None  # None for a domain the appraisers judge directly
    call: str | None
    stars: int | None = None

    @property
    def final(self) -> str:
        return self.call or self.algorithm or ""

    @property
    def differs(self) -> bool:
        return self.call is not None and self.algorithm is not None and self.call != self.algorithm


@dataclass(frozen=True)
class Judged:
    domains: tuple[DomainJudgement, ...]
    overall: DomainJudgement
    notes: tuple[str, ...] = ()

    def final(self) -> dict[str, str]:
        return {**{d.domain: d.final for d in self.domains}, "overall": self.overall.final}


def support_column(domain_id: str) -> str:
    return f"{domain_id}_support"


def call_column(domain_id: str) -> str:
    return f"{domain_id}_judgement"


def holds(condition: Condition, values: dict[str, str]) -> bool:
    return all(values.get(name, NOT_ASKED) in accepted for name, accepted in condition.items())


def is_asked(question: Question, answers: dict[str, str]) -> bool:
    return not question.ask_if or any(holds(condition, answers) for condition in question.ask_if)


def _ask_text(question: Question) -> str:
    parts = [" and ".join(f"{q} is {'/'.join(sorted(a))}" for q, a in c.items()) for c in question.ask_if]
    return " or ".join(parts)


def _canonical(value: str, options: tuple[str, ...]) -> str | None:
    folded = value.casefold()
    return next((option for option in options if option.casefold() == folded), None)


def check_answers(tool: Tool, cells: dict[str, str]) -> Answers:
    """The row's answers, calls and support made canonical; raises Problem at the first fault."""
    answers: dict[str, str] = {}
    calls: dict[str, str] = {}
    support: dict[str, str] = {}
    domain_names = tuple(j.name for j in tool.judgements)
    for domain in tool.domains:
        for question in domain.questions:
            answers[question.id] = _answer(question, cells.get(question.id, ""), answers)
        given = " ".join(cells.get(call_column(domain.id), "").split())
        if given:
            if domain.method == "answer":
                raise Problem(
                    call_column(domain.id), f"{domain.id}'s answer is its judgement: leave this blank"
                )
            canonical = _canonical(given, domain_names)
            if canonical is None:
                raise Problem(
                    call_column(domain.id),
                    f"{given!r} is not a judgement of {tool.name}: use one of {', '.join(domain_names)}",
                )
            calls[domain.id] = canonical
        elif domain.method == "direct":
            raise Problem(
                call_column(domain.id),
                f"{domain.id} ({domain.label}) is judged by the appraisers: give one of {', '.join(domain_names)}",
            )
        text = " ".join(cells.get(support_column(domain.id), "").split())
        if text:
            support[domain.id] = text
        elif domain.support == "required":
            raise Problem(
                support_column(domain.id),
                f"{tool.name} asks for the support of each judgement: write why for {domain.id} ({domain.label})",
            )
    overall = " ".join(cells.get(call_column("overall"), "").split())
    if overall:
        names = tuple(j.name for j in tool.overall.judgements)
        canonical = _canonical(overall, names)
        if canonical is None:
            raise Problem(
                call_column("overall"),
                f"{overall!r} is not an overall judgement: use one of {', '.join(names)}",
            )
        calls["overall"] = canonical
    text = " ".join(cells.get(support_column("overall"), "").split())
    if text:
        support["overall"] = text
    return Answers(answers, calls, support)


def _answer(question: Question, raw: str, so_far: dict[str, str]) -> str:
    value = " ".join(raw.split())
    asked = is_asked(question, so_far)
    if not value or value.casefold() in ("na", "n/a"):
        if asked:
            raise Problem(
                question.id,
                f"question {question.id} needs an answer: one of {', '.join(question.answers)}",
            )
        return NOT_ASKED
    canonical = _canonical(value, question.answers)
    if canonical is None:
        raise Problem(
            question.id,
            f"{value!r} is not an answer to {question.id}: use one of {', '.join(question.answers)}",
        )
    if not asked:
        raise Problem(
            question.id,
            f"question {question.id} is asked only when {_ask_text(question)}: leave it blank or NA",
        )
    return canonical


def domain_algorithm(domain: Domain, answers: dict[str, str]) -> tuple[str | None, int | None]:
    """The judgement the tool's algorithm gives the domain (None when the appraisers judge it)."""
    if domain.method == "direct":
        return None, None
    if domain.method == "answer":
        return answers[domain.questions[0].id], None
    if domain.method == "stars":
        stars = sum(answers.get(q.id) in q.stars for q in domain.questions)
        return next(band.judgement for band in domain.bands if stars >= band.at_least), stars
    for rule in domain.rules:
        if holds(rule.when, answers):
            return rule.judgement, None
    return domain.default, None


def overall_algorithm(tool: Tool, domains: dict[str, str]) -> str:
    """The tool's overall rule on the domain judgements (for ``share``, the domains are the items)."""
    overall = tool.overall
    if overall.method == "worst":
        order = [j.name for j in tool.judgements]
        return max(domains.values(), key=order.index)
    if overall.method == "rules":
        return next((r.judgement for r in overall.rules if holds(r.when, domains)), overall.default or "")
    applicable = [a for a in domains.values() if a != NOT_ASKED and a not in overall.leave_out]
    share = sum(a == overall.count for a in applicable) / len(applicable) if applicable else 0.0
    return next(band.judgement for band in overall.bands if share >= band.at_least - 1e-12)


def judge(tool: Tool, appraisal: Answers) -> Judged:
    """Each domain's and the overall judgement: the algorithm's, the appraiser's call, the final."""
    results = []
    for domain in tool.domains:
        algorithm, stars = domain_algorithm(domain, appraisal.answers)
        results.append(DomainJudgement(domain.id, algorithm, appraisal.calls.get(domain.id), stars))
    finals = {d.domain: d.final for d in results}
    overall = DomainJudgement("overall", overall_algorithm(tool, finals), appraisal.calls.get("overall"))
    notes = []
    for name, count, note in tool.overall.notes_when:
        if sum(value == name for value in finals.values()) >= count and overall.algorithm == name:
            notes.append(note)
    return Judged(tuple(results), overall, tuple(notes))
