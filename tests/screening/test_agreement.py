import math

import pytest

from cartsle_cli.screening.agreement import agreement, cohen_kappa, kappa_of_table
from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.store import transaction

from .conftest import add_records, make_record


def pairs(both_yes: int, a_yes_b_no: int, a_no_b_yes: int, both_no: int) -> list[tuple[str, str]]:
    return (
        [("include", "include")] * both_yes
        + [("include", "exclude")] * a_yes_b_no
        + [("exclude", "include")] * a_no_b_yes
        + [("exclude", "exclude")] * both_no
    )


def test_kappa_matches_the_wikipedia_worked_example():
    # Wikipedia "Cohen's kappa", worked example: 50 grant proposals, 20 yes/yes, 5 A-yes/B-no,
    # 10 A-no/B-yes, 15 no/no -> p_o = 0.7, p_e = 0.5*0.6 + 0.5*0.4 = 0.5, kappa = 0.4.
    # SE by hand: sqrt(0.7 * 0.3 / (50 * 0.5^2)) = sqrt(0.0168) = 0.1296148.
    result = cohen_kappa(pairs(20, 5, 10, 15))
    assert result.n == 50
    assert result.percent_agreement == pytest.approx(70.0)
    assert result.kappa == pytest.approx(0.4)
    assert result.se == pytest.approx(0.1296148, abs=1e-7)
    assert result.ci_low == pytest.approx(0.4 - 1.959964 * 0.1296148, abs=1e-6)  # = 0.145960
    assert result.ci_high == pytest.approx(0.654040, abs=1e-6)  # 0.4 + 1.959964 * 0.1296148


def test_kappa_by_hand_for_a_hundred_records():
    # 20 / 5 / 10 / 65: p_o = 0.85; A includes 0.25, B 0.30; p_e = 0.25*0.30 + 0.75*0.70 = 0.6;
    # kappa = 0.25 / 0.4 = 0.625; SE = sqrt(0.85*0.15 / (100*0.16)) = 0.0892679.
    result = cohen_kappa(pairs(20, 5, 10, 65))
    assert result.kappa == pytest.approx(0.625)
    assert result.se == pytest.approx(0.0892679, abs=1e-7)
    assert (result.ci_low, result.ci_high) == pytest.approx((0.450038, 0.799962), abs=1e-6)


def test_kappa_is_undefined_when_both_reviewers_used_one_category():
    result = cohen_kappa(pairs(10, 0, 0, 0))
    assert result.percent_agreement == 100.0
    assert result.kappa is None and result.ci_low is None


def test_no_pairs_give_no_kappa():
    result = cohen_kappa([])
    assert result.n == 0 and math.isnan(result.percent_agreement) and result.kappa is None


def test_agreement_counts_maybe_as_include_latest_votes_and_ignores_resolutions(db, conn):
    ids = add_records(db, [make_record(i) for i in range(4)])
    votes = [  # (record, reviewer, decision) in the order made
        (ids[0], "A", "include"),
        (ids[0], "B", "maybe"),  # agree: maybe counts as include
        (ids[1], "A", "exclude"),
        (ids[1], "B", "include"),  # disagree, then resolved below
        (ids[2], "A", "include"),
        (ids[2], "B", "include"),
        (ids[2], "B", "exclude"),  # B changes their mind: latest counts
        (ids[3], "A", "exclude"),
        (ids[3], "B", "exclude"),
    ]
    with transaction(conn):
        for record_id, reviewer, decision in votes:
            record_decision(conn, Decision(record_id, "ta", reviewer, decision))
        record_decision(conn, Decision(ids[1], "ta", "lead", "include", resolution=True))
    [result] = agreement(conn, "ta")
    # Pairs: inc/inc, exc/inc, inc/exc, exc/exc -> p_o = 0.5, p_e = 0.5*0.5 + 0.5*0.5 = 0.5, kappa 0.
    assert (result.reviewer_a, result.reviewer_b) == ("A", "B")
    assert result.counts == {
        "exclude/exclude": 1,
        "exclude/include": 1,
        "include/exclude": 1,
        "include/include": 1,
    }
    assert result.kappa.percent_agreement == 50.0
    assert result.kappa.kappa == pytest.approx(0.0)


def test_confidence_interval_is_cut_to_the_range_of_kappa():
    # 12 records, 5 / 1 / 1 / 5: kappa = 0.6667, SE = 0.2151657, Wald upper 0.6667 + 0.4217 = 1.088 -> 1.
    result = cohen_kappa(pairs(5, 1, 1, 5))
    assert result.kappa == pytest.approx(2 / 3)
    assert result.ci_low == pytest.approx(2 / 3 - 1.959964 * 0.2151657, abs=1e-6)
    assert result.ci_high == 1.0


def test_kappa_of_a_cross_table_is_kappa_of_its_pairs():
    """Hand calculation: 50 records, 20 both include, 15 both exclude, 5 and 10 disagree.
    p_o = 35/50 = 0.7; p_e = (25/50)(30/50) + (25/50)(20/50) = 0.3 + 0.2 = 0.5; kappa = 0.2/0.5 = 0.4."""
    table = {
        ("include", "include"): 20,
        ("include", "exclude"): 5,
        ("exclude", "include"): 10,
        ("exclude", "exclude"): 15,
    }
    result = kappa_of_table(table)
    assert result.n == 50
    assert result.percent_agreement == pytest.approx(70.0)
    assert result.kappa == pytest.approx(0.4)
    assert result == cohen_kappa([pair for pair, count in table.items() for _ in range(count)])
    assert kappa_of_table({}).n == 0
