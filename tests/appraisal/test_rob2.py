"""RoB 2's domain algorithms reproduce the guidance's decision flowcharts, for every answer pattern.

Source: Higgins JPT, Savovic J, Page MJ, Sterne JAC (eds). Revised Cochrane risk-of-bias tool for
randomized trials (RoB 2), full guidance document, 22 August 2019: the algorithm figures and
tables at the end of each domain's section (Sterne et al. BMJ 2019;366:l4898, supplementary
material). Each flowchart is transcribed below as nested ifs, independently of the tool's data
file (which states the same mapping as a first-match decision table), and every combination of
answers the tool can receive is compared.
"""

from __future__ import annotations

import pytest

from cartsle_cli.appraisal.engine import Answers, check_answers, domain_algorithm, is_asked, judge
from cartsle_cli.appraisal.tool import NOT_ASKED, get_tool

YES = {"Y", "PY"}
NO = {"N", "PN"}
TOOL = get_tool("rob2")


def flow_d1(a: dict) -> str:
    # Figure: 1.2 concealment first; then 1.1 random sequence; then 1.3 baseline imbalance.
    if a["1.2"] in NO:
        return "high"
    if a["1.2"] == "NI":
        return "high" if a["1.3"] in YES else "some concerns"
    if a["1.1"] in YES | {"NI"}:
        return "some concerns" if a["1.3"] in YES else "low"
    return "high" if a["1.3"] in YES else "some concerns"


def flow_d2(a: dict) -> str:
    # Part 1 (2.1-2.5), part 2 (2.6-2.7); the domain is the worse of the two parts.
    if a["2.1"] in NO and a["2.2"] in NO:
        part1 = "low"
    elif a["2.3"] in NO:
        part1 = "low"
    elif a["2.3"] == "NI":
        part1 = "some concerns"
    elif a["2.4"] in NO:
        part1 = "some concerns"
    elif a["2.5"] in YES:
        part1 = "some concerns"
    else:
        part1 = "high"
    if a["2.6"] in YES:
        part2 = "low"
    else:
        part2 = "some concerns" if a["2.7"] in NO else "high"
    order = ["low", "some concerns", "high"]
    return max(part1, part2, key=order.index)


def flow_d3(a: dict) -> str:
    if a["3.1"] in YES:
        return "low"
    if a["3.2"] in YES:
        return "low"
    if a["3.3"] in NO:
        return "low"
    return "some concerns" if a["3.4"] in NO else "high"


def flow_d4(a: dict) -> str:
    if a["4.1"] in YES or a["4.2"] in YES:
        return "high"
    ni = a["4.2"] == "NI"  # ascertainment may have differed: the best the domain gets is some concerns
    if a["4.3"] in NO:
        return "some concerns" if ni else "low"
    if a["4.4"] in NO:
        return "some concerns" if ni else "low"
    return "some concerns" if a["4.5"] in NO else "high"


def flow_d5(a: dict) -> str:
    if a["5.2"] in YES or a["5.3"] in YES:
        return "high"
    if a["5.2"] == "NI" or a["5.3"] == "NI":
        return "some concerns"
    return "low" if a["5.1"] in YES else "some concerns"


FLOWS = {"D1": flow_d1, "D2": flow_d2, "D3": flow_d3, "D4": flow_d4, "D5": flow_d5}


def answer_patterns(domain_id: str):
    """Every way of answering the domain: each question asked gets each of its answers."""
    domain = TOOL.domain(domain_id)

    def extend(index: int, so_far: dict):
        if index == len(domain.questions):
            yield dict(so_far)
            return
        question = domain.questions[index]
        options = question.answers if is_asked(question, so_far) else (NOT_ASKED,)
        for option in options:
            so_far[question.id] = option
            yield from extend(index + 1, so_far)
        del so_far[question.id]

    yield from extend(0, {})


@pytest.mark.parametrize("domain_id", list(FLOWS))
def test_every_answer_pattern_gets_the_flowcharts_judgement(domain_id):
    patterns = list(answer_patterns(domain_id))
    assert len(patterns) > 20
    for answers in patterns:
        judgement, _ = domain_algorithm(TOOL.domain(domain_id), answers)
        assert judgement == FLOWS[domain_id](answers), answers


def test_guidance_table_rows_of_domain_1():
    # The domain 1 table: 1.1 / 1.2 / 1.3 -> judgement
    rows = [
        (("Y", "Y", "N"), "low"),
        (("NI", "PY", "NI"), "low"),
        (("Y", "Y", "Y"), "some concerns"),
        (("N", "Y", "PN"), "some concerns"),
        (("N", "Y", "Y"), "high"),
        (("Y", "NI", "N"), "some concerns"),
        (("Y", "NI", "PY"), "high"),
        (("Y", "N", "N"), "high"),
    ]
    for (q11, q12, q13), expected in rows:
        judgement, _ = domain_algorithm(TOOL.domain("D1"), {"1.1": q11, "1.2": q12, "1.3": q13})
        assert judgement == expected


LOW_TRIAL = dict(
    q1_1="Y",
    q1_2="Y",
    q1_3="N",
    q2_1="N",
    q2_2="N",
    q2_6="Y",
    q3_1="Y",
    q4_1="N",
    q4_2="N",
    q4_3="N",
    q5_1="Y",
    q5_2="N",
    q5_3="N",
)


def trial(**changes: str) -> dict[str, str]:
    cells = {key[1:].replace("_", "."): value for key, value in {**LOW_TRIAL, **changes}.items()}
    cells.update({f"D{i}_support": "see the trial report" for i in range(1, 6)})
    return cells


def test_overall_low_only_when_every_domain_is_low():
    assert judge(TOOL, check_answers(TOOL, trial())).overall.final == "low"


def test_overall_is_high_when_any_domain_is_high():
    # Open-label trial, outcome assessors aware and likely influenced: domain 4 high.
    cells = trial(q4_3="Y", q4_4="Y", q4_5="PY")
    judged = judge(TOOL, check_answers(TOOL, cells))
    assert judged.final()["D4"] == "high"
    assert judged.overall.final == "high"


def test_several_some_concerns_stay_some_concerns_with_a_note_for_the_appraisers():
    # The tool: "some concerns in multiple domains in a way that substantially lowers confidence"
    # may make the result high; that is a judgement, so the algorithm notes it and the call decides.
    cells = trial(q5_1="NI", q1_1="N")
    judged = judge(TOOL, check_answers(TOOL, cells))
    assert judged.final()["D1"] == judged.final()["D5"] == "some concerns"
    assert judged.overall.algorithm == "some concerns"
    assert judged.notes
    cells["overall_judgement"] = "High"
    called = judge(TOOL, check_answers(TOOL, cells))
    assert called.overall.final == "high" and called.overall.differs


def test_answers_are_read_in_any_case_and_unasked_questions_are_na():
    appraisal = check_answers(TOOL, trial(q1_1="py"))
    assert isinstance(appraisal, Answers)
    assert appraisal.answers["1.1"] == "PY"
    assert appraisal.answers["2.3"] == NOT_ASKED  # nobody was aware: 2.3 is not asked
