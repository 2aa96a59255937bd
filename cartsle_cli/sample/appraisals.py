"""The sample reviews' risk-of-bias sheets: two appraisers with planted disagreements, and the
resolutions that settle them.

:func:`appraisal_files` draws any tool's sheets, so the seed review's JBI appraisals of its 14
case series and the comparative sample's RoB 2 appraisals (per trial and outcome) come from one
function. Answers follow the tool's own rules (a question is answered only where the tool asks
it), appraiser A's are drawn from a fixed seed, appraiser B's repeat them except in a few planted
cells, and the resolution of each planted cell takes the more cautious of the two answers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from cartsle_cli.appraisal.engine import (
    NOT_ASKED,
    call_column,
    check_answers,
    is_asked,
    judge,
    support_column,
)
from cartsle_cli.appraisal.files import template_columns
from cartsle_cli.appraisal.tool import Question, Tool, get_tool
from cartsle_cli.sample.draw import Draw
from cartsle_cli.sample.studies import STUDIES

# JBI answers for small case series of a new therapy: mostly Yes; consecutive and complete
# inclusion (Q4, Q5) and the sites' demographics (Q9) are the items such reports leave unclear,
# and a series of a handful of patients often has no statistics to judge (Q10 not applicable).
JBI_WEIGHTS = {"Yes": 0.72, "Unclear": 0.16, "No": 0.12, "Not applicable": 0.0}
JBI_WEAK = {"Q4": {"Yes": 0.3, "Unclear": 0.45, "No": 0.25}, "Q5": {"Yes": 0.45, "Unclear": 0.4, "No": 0.15}}
JBI_WEAK["Q9"] = {"Yes": 0.4, "Unclear": 0.4, "No": 0.2}
JBI_WEAK["Q10"] = {"Yes": 0.5, "Unclear": 0.1, "No": 0.05, "Not applicable": 0.35}
SUPPORT = "judged from the report's methods and results sections"
SIGNALLING_WEIGHTS = {"Y": 0.4, "PY": 0.25, "PN": 0.15, "N": 0.12, "NI": 0.08}
# RoB 2 answers for open-label trials of an education or a vaccine with a self-reported or
# registered outcome: participants and carers know the arm (2.1, 2.2), concealment and a
# pre-specified plan are often not reported (1.2, 5.1 NI), the rest mostly reassuring, so the
# trials spread over low, some concerns and high as such reviews find.
ROB2_OPEN_LABEL = {
    "1.1": {"Y": 0.55, "PY": 0.25, "NI": 0.2},
    "1.2": {"Y": 0.35, "PY": 0.2, "NI": 0.4, "PN": 0.05},
    "1.3": {"N": 0.6, "PN": 0.3, "PY": 0.05, "Y": 0.05},
    "2.1": {"Y": 0.9, "PY": 0.1},
    "2.2": {"Y": 0.9, "PY": 0.1},
    "2.3": {"N": 0.5, "PN": 0.35, "PY": 0.1, "NI": 0.05},
    "2.4": {"PN": 0.5, "N": 0.2, "PY": 0.2, "Y": 0.1},
    "2.5": {"Y": 0.5, "PY": 0.3, "PN": 0.2},
    "2.6": {"Y": 0.5, "PY": 0.3, "PN": 0.15, "N": 0.05},
    "2.7": {"N": 0.4, "PN": 0.4, "PY": 0.2},
    "3.1": {"Y": 0.55, "PY": 0.2, "PN": 0.15, "N": 0.1},
    "3.3": {"PN": 0.5, "N": 0.2, "PY": 0.2, "Y": 0.1},
    "3.4": {"PN": 0.6, "N": 0.2, "PY": 0.2},
    "4.1": {"N": 0.7, "PN": 0.3},
    "4.2": {"N": 0.7, "PN": 0.3},
    "4.3": {"Y": 0.5, "PY": 0.3, "PN": 0.1, "N": 0.1},
    "4.4": {"PN": 0.45, "PY": 0.35, "N": 0.15, "Y": 0.05},
    "4.5": {"PN": 0.6, "N": 0.2, "PY": 0.2},
    "5.1": {"PY": 0.35, "NI": 0.45, "Y": 0.2},
    "5.2": {"N": 0.4, "PN": 0.5, "PY": 0.1},
    "5.3": {"N": 0.4, "PN": 0.5, "PY": 0.1},
}


@dataclass(frozen=True)
class AppraisalFiles:
    reviewer_a: str
    reviewer_b: str
    resolutions: str
    planted: int  # rows where the two appraisers' answers differ


def _weights(tool: Tool, question: Question, weights: dict[str, dict[str, float]]) -> list[float]:
    table = weights.get(question.id) or (JBI_WEIGHTS if tool.id == "jbi-case-series" else SIGNALLING_WEIGHTS)
    if not set(table) & set(question.answers):
        return [1.0] * len(question.answers)  # answers the table does not know (NOS letters): even odds
    return [table.get(answer, 0.0) for answer in question.answers]


def _draw_row(tool: Tool, draw: Draw, weights: dict[str, dict[str, float]]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for question in tool.questions:
        if is_asked(question, answers):
            answers[question.id] = draw.weighted(list(question.answers), _weights(tool, question, weights))
        else:
            answers[question.id] = NOT_ASKED
    cells = {q: ("" if a == NOT_ASKED else a) for q, a in answers.items()}
    names = [j.name for j in tool.judgements]
    for domain in tool.domains:
        if domain.method == "direct":
            cells[call_column(domain.id)] = draw.weighted(names, [0.45, 0.3, 0.1, 0.1, 0.05][: len(names)])
        if domain.support == "required" or any(
            cells.get(q.id) not in ("", "Yes", "Y") for q in domain.questions
        ):
            cells[support_column(domain.id)] = SUPPORT
    return cells


def _level(tool: Tool, value: str) -> int:
    judgement = next((j for j in tool.judgements if j.name == value), None)
    return judgement.level if judgement is not None and judgement.level is not None else 1


def _plant(tool: Tool, draw: Draw, cells: dict[str, str], *, judged: bool = False) -> dict[str, str]:
    """B's row: A's with one planted difference (a question no other question depends on, so
    B's row stays valid). ``judged``: the difference must change a domain's judgement (tried
    in turn over a few draws), so that it is a conflict the appraisers resolve."""
    if judged:
        a_final = judge(tool, check_answers(tool, cells)).final()
        for _ in range(40):
            b_cells = _plant(tool, draw, cells)
            if judge(tool, check_answers(tool, b_cells)).final() != a_final:
                return b_cells
    candidates = [
        q
        for q in tool.questions
        if cells.get(q.id)
        and not any(q.id in condition for later in tool.questions for condition in later.ask_if)
        and len(q.answers) > 1
    ]
    if not candidates:
        return dict(cells)
    question = draw.pick(candidates)
    others = [a for a in question.answers if a != cells[question.id] and a != "Not applicable"]
    changed = draw.pick(others)
    b_cells = {**cells, question.id: changed}
    domain = next(d for d in tool.domains if question in d.questions)
    b_cells.setdefault(support_column(domain.id), SUPPORT)
    return b_cells


def _csv(tool: Tool, rows: list[dict[str, str]]) -> str:
    names = [c.name for c in template_columns(tool)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([[row.get(name, "") for name in names] for row in rows])
    return buffer.getvalue()


def appraisal_files(
    tool: Tool,
    study_ids: list[str],
    outcomes: list[str] | None = None,
    *,
    seed: int,
    disagreements: int,
    weights: dict[str, dict[str, float]] | None = None,
    keys: list[tuple[str, str]] | None = None,
    judged: bool = False,
) -> AppraisalFiles:
    """Two appraisers' sheets and the resolutions, ``disagreements`` rows with a planted difference.

    ``keys`` (study, outcome) names the rows when not every study reports every outcome."""
    draw = Draw(seed)
    keys = keys or (
        [(s, o) for s in study_ids for o in (outcomes or [""])]
        if tool.per_outcome
        else [(s, "") for s in study_ids]
    )
    planted_at = set(draw.sample(range(len(keys)), min(disagreements, len(keys))))
    rows_a, rows_b, resolutions = [], [], []
    for index, (study_id, outcome) in enumerate(keys):
        key = {"study_id": study_id} | ({"outcome": outcome} if tool.per_outcome else {})
        cells = _draw_row(tool, draw, weights or {})
        rows_a.append(key | cells)
        b_cells = _plant(tool, draw, cells, judged=judged) if index in planted_at else cells
        rows_b.append(key | b_cells)
        a_final = judge(tool, check_answers(tool, cells)).final()
        b_final = judge(tool, check_answers(tool, b_cells)).final()
        for domain in tool.domains:
            if a_final[domain.id] != b_final[domain.id]:
                cautious = max((a_final[domain.id], b_final[domain.id]), key=lambda v: _level(tool, v))
                resolutions.append(
                    key | {"domain": domain.id, "judgement": cautious, "note": "agreed at consensus"}
                )
    resolution_columns = [
        "study_id",
        *(["outcome"] if tool.per_outcome else []),
        "domain",
        "judgement",
        "note",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(resolution_columns)
    writer.writerows([[row[c] for c in resolution_columns] for row in resolutions])
    return AppraisalFiles(_csv(tool, rows_a), _csv(tool, rows_b), buffer.getvalue(), len(planted_at))


def seed_review_jbi() -> AppraisalFiles:
    """The seed review's 14 case series, appraised with the JBI checklist by A and B."""
    return appraisal_files(
        get_tool("jbi-case-series"),
        [study.label for study in STUDIES],
        seed=1804,
        disagreements=5,
        weights=JBI_WEAK,
    )


def comparative_rob2(
    study_ids: list[str],
    outcomes: list[str],
    *,
    seed: int = 2019,
    keys: list[tuple[str, str]] | None = None,
    judged: bool = False,
) -> AppraisalFiles:
    """RoB 2 sheets for a comparative sample (randomised trials, per outcome; ``keys`` when a
    trial reports only some of the outcomes)."""
    return appraisal_files(
        get_tool("rob2"),
        study_ids,
        outcomes,
        seed=seed,
        disagreements=max(2, len(study_ids) // 4),
        weights=ROB2_OPEN_LABEL if keys else None,
        keys=keys,
        judged=keys is not None,
    )
