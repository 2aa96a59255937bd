"""ROBINS-I V2's domain flowcharts and overall rule, reproduced answer by answer.

Source: Sterne JAC et al. The ROBINS-I V2 assessment tool (for follow-up studies), 20 November
2025, riskofbias.info: the domain algorithms are the flowcharts on pp. 20 (domain 1, variant A),
24 (domain 1, variant B), 28 (domain 2), 32 (domain 3), 38 (domain 4), 41 (domain 5), 47 (domain
6) and the overall table on p. 49. Each flowchart is written below as its boxes and arrows (a
node: the question asked and, for each answer, the next node or the judgement), the way one reads
the figure, independently of the tool file's decision tables; every combination of answers the
tool asks is walked through both and must reach the same judgement.
"""

from __future__ import annotations

import pytest

from cartsle_cli.appraisal.engine import Problem, check_answers, domain_algorithm, is_asked, judge
from cartsle_cli.appraisal.tool import NOT_ASKED, get_tool

TOOL = get_tool("robins-i")
LOW, EXCEPT, MOD, SER, CRIT = "low", "low except uncontrolled confounding", "moderate", "serious", "critical"
YES, NO, ALL_NO = ("Y", "PY"), ("PN", "N"), ("PN", "N", "NI")


def arrows(question: str, *routes: tuple[tuple[str, ...], str]) -> tuple[str, dict[str, str]]:
    return question, {answer: target for answers, target in routes for answer in answers}


# p. 20, variant A: 1.1 splits three ways; adjusting for post-intervention variables (1.3) leads to
# 1.4 then 1.2; otherwise 1.2 then 1.4.
D1A = {
    "start": arrows("C4", (("N",), "1.1")),
    "1.1": arrows("1.1A", (YES, "1.3 full"), (("WN",), "1.3 most"), (("SN", "NI"), "1.4 none")),
    "1.3 full": arrows("1.3A", (ALL_NO, "1.2 full"), (YES, "1.4 post")),
    "1.3 most": arrows("1.3A", (ALL_NO, "1.2 most"), (YES, "1.4 post")),
    "1.2 full": arrows("1.2A", (YES, "1.4 clean"), (("WN",), "1.4 minor"), (("SN", "NI"), SER)),
    "1.2 most": arrows("1.2A", (("Y", "PY", "WN"), "1.4 minor"), (("SN", "NI"), SER)),
    "1.4 clean": arrows("1.4A", (NO, EXCEPT), (YES, SER)),
    "1.4 minor": arrows("1.4A", (NO, MOD), (YES, SER)),
    "1.4 none": arrows("1.4A", (NO, SER), (YES, CRIT)),
    "1.4 post": arrows("1.4A", (YES, CRIT), (NO, "1.2 post")),
    "1.2 post": arrows("1.2A", (YES, SER), (("WN", "SN", "NI"), CRIT)),
}
# p. 24, variant B
D1B = {
    "start": arrows("C4", (("Y",), "1.1")),
    "1.1": arrows("1.1B", (YES, "1.2"), (ALL_NO, "1.4")),
    "1.2": arrows("1.2B", (YES, "1.3 full"), (("WN",), "1.3 most"), (("SN", "NI"), SER)),
    "1.3 full": arrows("1.3B", (YES, "1.5 clean"), (("WN",), "1.5 minor"), (("SN", "NI"), SER)),
    "1.3 most": arrows("1.3B", (("Y", "PY", "WN"), "1.5 minor"), (("SN", "NI"), SER)),
    "1.5 clean": arrows("1.5B", (NO, EXCEPT), (YES, SER)),
    "1.5 minor": arrows("1.5B", (NO, MOD), (YES, SER)),
    "1.4": arrows("1.4B", (ALL_NO, "1.5 none"), (YES, CRIT)),
    "1.5 none": arrows("1.5B", (NO, SER), (YES, CRIT)),
}
# p. 28: three parallel tracks (from 2.1-2.3) through 2.4 and 2.5
D2 = {
    "start": arrows("2.1", (YES, "2.4 at 0"), (ALL_NO, "2.2")),
    "2.2": arrows("2.2", (YES, "2.4 at 0"), (ALL_NO, "2.3")),
    "2.3": arrows("2.3", (("SY",), "2.4 at 0"), (("WY", "NI"), "2.4 at 1"), (NO, "2.4 at 2")),
    "2.4 at 0": arrows("2.4", (NO, "2.5 at 0"), (("WY", "NI"), "2.5 at 1"), (("SY",), "2.5 at 2")),
    "2.4 at 1": arrows("2.4", (NO, "2.5 at 1"), (("WY", "NI"), "2.5 at 2"), (("SY",), CRIT)),
    "2.4 at 2": arrows("2.4", (NO, "2.5 at 2"), (("WY", "NI", "SY"), CRIT)),
    "2.5 at 0": arrows("2.5", (NO, LOW), (("Y", "PY", "NI"), MOD)),
    "2.5 at 1": arrows("2.5", (NO, MOD), (("Y", "PY", "NI"), SER)),
    "2.5 at 2": arrows("2.5", (NO, SER), (("Y", "PY", "NI"), CRIT)),
}
# p. 32: part A and part B, the worse of the two; serious goes on to 3.6-3.8
D3A = {
    "start": arrows("3.1", (YES, "3.2"), (("WN", "NI"), MOD), (("SN",), SER)),
    "3.2": arrows("3.2", (ALL_NO, LOW), (YES, MOD)),
}
D3B = {
    "start": arrows("3.3", (NO, LOW), (("NI",), MOD), (YES, "3.4")),
    "3.4": arrows("3.4", (NO, LOW), (("NI",), MOD), (YES, "3.5")),
    "3.5": arrows("3.5", (ALL_NO, MOD), (YES, SER)),
}
D3C = {
    "start": arrows("3.6", (YES, MOD), (ALL_NO, "3.7")),
    "3.7": arrows("3.7", (YES, MOD), (ALL_NO, "3.8")),
    "3.8": arrows("3.8", (ALL_NO, SER), (YES, CRIT)),
}
# p. 38: entered when a completeness question (4.1-4.3) is not Y/PY
D4 = {
    "start": arrows("4.4", (("Y", "PY", "NI"), "4.5"), (NO, "4.7")),
    "4.5": arrows("4.5", (NO, LOW), (("Y", "PY", "NI"), "4.6")),
    "4.6": arrows("4.6", (YES, "4.11 at 0"), (("WN", "NI"), "4.11 at 1"), (("SN",), "4.11 at 2")),
    "4.7": arrows("4.7", (YES, "4.8"), (ALL_NO, "4.10")),
    "4.8": arrows("4.8", (YES, "4.9"), (ALL_NO, SER)),
    "4.9": arrows("4.9", (YES, LOW), (("WN", "NI"), "4.11 at 1"), (("SN",), "4.11 at 2")),
    "4.10": arrows("4.10", (YES, LOW), (("WN", "NI"), "4.11 at 1"), (("SN",), "4.11 at 2")),
    "4.11 at 0": arrows("4.11", (YES, LOW), (NO, MOD)),
    "4.11 at 1": arrows("4.11", (YES, MOD), (NO, SER)),
    "4.11 at 2": arrows("4.11", (YES, SER), (NO, CRIT)),
}
# p. 41
D5 = {
    "start": arrows("5.1", (NO, "5.2 same"), (("NI",), "5.2 unknown"), (YES, SER)),
    "5.2 same": arrows("5.2", (NO, LOW), (("Y", "PY", "NI"), "5.3 same")),
    "5.2 unknown": arrows("5.2", (NO, MOD), (("Y", "PY", "NI"), "5.3 unknown")),
    "5.3 same": arrows("5.3", (NO, LOW), (("WY", "NI"), MOD), (("SY",), SER)),
    "5.3 unknown": arrows("5.3", (("WY", "PN", "N", "NI"), MOD), (("SY",), SER)),
}
ORDER = [LOW, MOD, SER, CRIT]


def walk(graph: dict, answers: dict[str, str]) -> str:
    node = "start"
    while node in graph:
        question, routes = graph[node]
        answer = answers[question]
        assert answer != NOT_ASKED, f"the flowchart asks {question}, which the tool file leaves unasked"
        node = routes[answer]
    return node


def flowchart(domain: str, answers: dict[str, str]) -> str:
    if domain == "D1":
        return walk(D1A if answers["C4"] == "N" else D1B, answers)
    if domain == "D2":
        return walk(D2, answers)
    if domain == "D3":
        parts = max(walk(D3A, answers), walk(D3B, answers), key=ORDER.index)
        return walk(D3C, answers) if parts == SER else parts
    if domain == "D4":
        if all(answers[q] in YES for q in ("4.1", "4.2", "4.3")):
            return LOW
        return walk(D4, answers)
    if domain == "D5":
        return walk(D5, answers)
    # p. 47: no pre-specified plan, then 6.2-6.4 counted
    if answers["6.1"] in YES:
        return LOW
    picks = [answers[q] for q in ("6.2", "6.3", "6.4")]
    yes, unknown = sum(a in YES for a in picks), picks.count("NI")
    return CRIT if yes >= 2 else SER if yes == 1 or unknown == 3 else MOD if unknown else LOW


def every_route(domain_id: str):
    """Every combination of answers to the questions the tool asks (unasked ones NA)."""
    questions = TOOL.domain(domain_id).questions

    def grow(index: int, answers: dict[str, str]):
        if index == len(questions):
            yield dict(answers)
            return
        question = questions[index]
        options = question.answers if is_asked(question, answers) else (NOT_ASKED,)
        for option in options:
            answers[question.id] = option
            yield from grow(index + 1, answers)
        del answers[question.id]

    return list(grow(0, {}))


@pytest.mark.parametrize("domain_id", ["D1", "D2", "D3", "D4", "D5", "D6"])
def test_each_domain_algorithm_is_the_tools_flowchart(domain_id):
    routes = every_route(domain_id)
    assert len(routes) > 20
    reached = set()
    for answers in routes:
        expected = flowchart(domain_id, answers)
        got, _ = domain_algorithm(TOOL.domain(domain_id), answers)
        assert got == expected, (answers, got, expected)
        reached.add(got)
    # domain 1's best is "low except for concerns about uncontrolled confounding" (tool p. 4), and
    # domain 5 has no critical box (p. 41)
    assert LOW not in reached if domain_id == "D1" else LOW in reached
    assert (CRIT in reached) == (domain_id != "D5")


def test_the_v2_answer_options_are_the_tools():
    answers = {q.id: q.answers for q in TOOL.questions}
    assert answers["1.1A"] == ("Y", "PY", "WN", "SN", "NI")  # weak and strong no
    assert answers["2.4"] == ("SY", "WY", "PN", "N", "NI")  # strong and weak yes
    assert answers["1.4A"] == ("Y", "PY", "PN", "N")  # no "no information"
    assert answers["3.1"] == ("Y", "PY", "WN", "SN", "NI")  # p. 30 prints SY; the options have none
    assert "N" in answers["4.7"]  # p. 35 omits N; the flowchart (p. 38) routes it
    assert [d.label for d in TOOL.domains][1] == "Classification of interventions"


def cells(**answers: str) -> dict[str, str]:
    """A result at low risk in every domain (variant A for domain 1), with changes."""
    base = {
        "C4": "N", "1.1A": "Y", "1.2A": "Y", "1.3A": "N", "1.4A": "N",
        "2.1": "Y", "2.4": "N", "2.5": "N",
        "3.1": "Y", "3.2": "N", "3.3": "N",
        "4.1": "Y", "4.2": "Y", "4.3": "Y",
        "5.1": "N", "5.2": "N",
        "6.1": "Y",
    }  # fmt: skip
    base.update({key.replace("_", "."): value for key, value in answers.items()})
    return base


def overall(**answers: str) -> tuple[str, tuple[str, ...]]:
    judged = judge(TOOL, check_answers(TOOL, cells(**answers)))
    return judged.overall.final, judged.notes


def test_overall_is_the_worst_domain_as_the_tools_table_on_p49():
    # every domain low: the result keeps domain 1's qualification
    assert overall() == (EXCEPT, ())
    # moderate in one domain (5.1 NI, 5.2 N): moderate
    assert overall(**{"5_1": "NI"})[0] == MOD
    # serious in one domain (6.1 N and one of 6.2-6.4 Y), moderate elsewhere: serious
    assert overall(**{"5_1": "NI", "6_1": "N", "6_2": "Y", "6_3": "N", "6_4": "N"})[0] == SER
    # critical in any domain: critical (2.1 N, 2.2 N, 2.3 N, then 2.5 Y)
    assert overall(**{"2_1": "N", "2_2": "N", "2_3": "N", "2_5": "Y"})[0] == CRIT


def test_several_moderate_domains_carry_the_tools_note_that_they_may_add_up():
    judgement, notes = overall(**{"5_1": "NI", "3_1": "WN", "3_2": ""})
    assert judgement == MOD
    assert notes and "add up" in notes[0]


def test_a_weak_or_strong_answer_where_the_tool_has_none_is_refused():
    with pytest.raises(Problem) as wrong:
        check_answers(TOOL, cells(**{"2_5": "SY"}))
    assert wrong.value.column == "2.5"
    with pytest.raises(Problem) as unasked:  # variant B's questions under variant A
        check_answers(TOOL, cells(**{"1_1B": "Y"}))
    assert unasked.value.column == "1.1B"


def test_every_combination_of_the_small_domains_is_covered_once():
    # 6.1 Y/PY asks nothing more; otherwise 5^3 answers to 6.2-6.4
    assert len(every_route("D6")) == 2 + 3 * 5**3
