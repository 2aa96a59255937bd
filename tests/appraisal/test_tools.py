"""ROBINS-I, the JBI checklist and the Newcastle-Ottawa Scale as their sources state them, and the
engine's refusals of bad answers."""

from __future__ import annotations

import pytest

from cartsle_cli.appraisal.engine import Problem, check_answers, judge
from cartsle_cli.appraisal.tool import get_tool, parse_tool, tool_names
from cartsle_cli.errors import CartsleError


def test_every_bundled_tool_file_reads():
    assert set(tool_names()) == {"rob2", "robins-i", "robins-i-2016", "jbi-case-series", "nos"}
    for name in tool_names():
        assert get_tool(name).id == name


def robins(**domains: str) -> dict[str, str]:
    cells = {f"D{i}_judgement": "low" for i in range(1, 8)}
    cells.update({f"D{i}_support": "reason" for i in range(1, 8)})
    cells.update({f"{key}_judgement": value for key, value in domains.items()})
    return cells


@pytest.mark.parametrize(
    ("domains", "expected"),
    [
        # Sterne et al. BMJ 2016;355:i4919, Table 3 (overall risk of bias):
        ({}, "low"),  # low in all domains
        ({"D1": "moderate", "D6": "moderate"}, "moderate"),  # low or moderate in all domains
        ({"D2": "serious", "D5": "moderate"}, "serious"),  # serious in at least one, critical in none
        ({"D1": "critical", "D3": "serious"}, "critical"),  # critical in at least one domain
        ({"D5": "no information", "D1": "moderate"}, "no information"),  # no serious/critical, info lacking
        ({"D5": "no information", "D1": "serious"}, "serious"),
    ],
)
def test_robins_i_overall_follows_table_3(domains, expected):
    tool = get_tool("robins-i-2016")
    assert judge(tool, check_answers(tool, robins(**domains))).overall.final == expected


def test_robins_i_domain_needs_the_appraisers_judgement_and_its_support():
    tool = get_tool("robins-i-2016")
    cells = robins()
    cells["D3_judgement"] = ""
    with pytest.raises(Problem) as missing:
        check_answers(tool, cells)
    assert missing.value.column == "D3_judgement"
    cells = robins()
    cells["D4_support"] = "  "
    with pytest.raises(Problem) as unsupported:
        check_answers(tool, cells)
    assert unsupported.value.column == "D4_support"


def jbi(answers: str) -> dict[str, str]:
    codes = {"Y": "Yes", "N": "No", "U": "Unclear", "-": "Not applicable"}
    return {f"Q{i}": codes[code] for i, code in enumerate(answers.split(), start=1)}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # The file's declared rule: share of applicable questions answered Yes; >= 70% low,
        # 50% to < 70% moderate, < 50% high. Hand counts:
        ("Y Y Y Y Y Y Y N N N", "low"),  # 7/10 = 70%
        ("Y Y Y Y Y Y N N N N", "moderate"),  # 6/10
        ("Y Y Y Y Y N N N U U", "moderate"),  # 5/10 = 50%
        ("Y Y Y Y N N N N U U", "high"),  # 4/10
        ("Y Y Y Y Y Y Y N N -", "low"),  # 7/9 = 78%: not applicable is left out
        ("Y Y Y Y Y Y N N - -", "low"),  # 6/8 = 75%
        ("Y Y Y Y Y N N N - -", "moderate"),  # 5/8 = 62.5%
    ],
)
def test_jbi_overall_rule(answers, expected):
    tool = get_tool("jbi-case-series")
    judged = judge(tool, check_answers(tool, jbi(answers)))
    assert judged.overall.final == expected
    assert judged.final()["Q1"] == "Yes"


def test_jbi_answer_outside_the_list_is_refused():
    tool = get_tool("jbi-case-series")
    cells = jbi("Y Y Y Y Y Y Y Y Y Y")
    cells["Q4"] = "Partly"
    with pytest.raises(Problem) as problem:
        check_answers(tool, cells)
    assert problem.value.column == "Q4"
    assert "Yes, Unclear, No, Not applicable" in problem.value.message


def nos(answers: str) -> dict[str, str]:
    ids = ["S1", "S2", "S3", "S4", "C1", "C2", "O1", "O2", "O3"]
    return dict(zip(ids, answers.split()))


@pytest.mark.parametrize(
    ("answers", "stars", "expected"),
    [
        # Stars counted by hand from the scale's starred options; AHRQ thresholds as stated in the file.
        ("a a a a a a a a a", (4, 2, 3), "good"),
        ("b c b a a b b a b", (3, 1, 3), "good"),
        ("c a d a a a a a a", (2, 2, 3), "fair"),  # two selection stars
        ("a a a a b b a a a", (4, 0, 3), "poor"),  # no comparability star
        ("a a a a a a c b c", (4, 2, 0), "poor"),  # no outcome star
        ("a a a a a b a b c", (4, 1, 1), "poor"),  # one outcome star
        ("c b d b a a a a a", (0, 2, 3), "poor"),
    ],
)
def test_nos_stars_and_overall(answers, stars, expected):
    tool = get_tool("nos")
    judged = judge(tool, check_answers(tool, nos(answers)))
    assert tuple(d.stars for d in judged.domains) == stars
    assert judged.overall.final == expected


def test_rob2_question_answered_that_is_not_asked_is_refused():
    tool = get_tool("rob2")
    cells = {"1.1": "Y", "1.2": "Y", "1.3": "N", "D1_support": "x", "2.1": "N", "2.2": "N", "2.3": "Y"}
    with pytest.raises(Problem) as problem:
        check_answers(tool, cells)
    assert problem.value.column == "2.3"
    assert "asked only when" in problem.value.message


def test_rob2_3_2_has_no_no_information_option():
    tool = get_tool("rob2")
    cells = {"1.1": "Y", "1.2": "Y", "1.3": "N", "D1_support": "x", "2.1": "N", "2.2": "N", "2.6": "Y"}
    cells.update({"D2_support": "x", "3.1": "N", "3.2": "NI"})
    with pytest.raises(Problem) as problem:
        check_answers(tool, cells)
    assert problem.value.column == "3.2"


def test_a_tool_file_with_an_unknown_key_is_refused_naming_it():
    bad = 'id = "x"\nname = "x"\nreference = "x"\nper_outcome = false\ndesign = "x"\ngrade_start = "low"\nscore = 3\n'
    with pytest.raises(CartsleError) as error:
        parse_tool(bad, "mine.toml")
    assert "mine.toml" in str(error.value) and "score" in str(error.value)
