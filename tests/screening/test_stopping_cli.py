"""`screen sample` and the stopping rules in `screen status`: recorded, reported, never enforced."""

from __future__ import annotations

import json

import pytest

from .conftest import add_records, make_record


@pytest.fixture
def ten(db):
    return add_records(db, [make_record(i) for i in range(10)])


def test_status_reports_the_test_after_the_switch_to_random_sampling(cli, ten):
    cli("screen", "settings", "--reviewers", "1")
    cli("screen", "decide", ten[0], "include", "--reviewer", "kofi")
    cli("screen", "decide", ten[1], "exclude", "--reviewer", "kofi")
    out = cli("screen", "sample", "--reviewer", "kofi").output
    assert "random sample of the 8 records left" in out and "1 includes found before" in out
    for record_id in ten[2:6]:
        cli("screen", "decide", record_id, "exclude", "--reviewer", "kofi")
    status = json.loads(cli("screen", "status", "--json").output)
    (state,) = status["stopping"]
    test = state["test"]
    # 1 include before, target 95%: H0 needs floor(1/0.95 - 1 + 1) = 1 include among the 8 left;
    # 4 drawn, none an include: P(X = 0) = C(7,4) / C(8,4) = 35 / 70 = 0.5
    assert (test["population"], test["sampled"], test["sample_includes"]) == (8, 4, 0)
    assert test["includes_under_null"] == 1
    assert test["p_value"] == pytest.approx(0.5, abs=1e-12) and not test["met"]
    assert state["heuristic"]["met"] is False
    table = cli("screen", "status").output
    assert "Stopping at title/abstract" in table and "Callaghan & Mueller-Hansen" in table
    assert "no guarantee" in table


def test_switching_twice_is_refused(cli, ten):
    cli("screen", "sample", "--reviewer", "kofi")
    result = cli("screen", "sample", "--reviewer", "kofi", ok=False)
    assert result.exit_code == 1 and "already screens a random sample" in result.output


@pytest.mark.parametrize("target", ["0", "1", "1.2", "-0.5"])
def test_stopping_target_outside_zero_one_is_one_line_and_exit_1(cli, ten, target):
    result = cli("screen", "status", "--target", target, ok=False)
    assert result.exit_code == 1
    assert "between 0 and 1" in result.output and "Traceback" not in result.output


def kofi_test(cli) -> dict:
    (kofi,) = [
        s for s in json.loads(cli("screen", "status", "--json").output)["stopping"] if s["reviewer"] == "kofi"
    ]
    return kofi["test"]


def test_with_two_reviewers_a_sampled_record_counts_once_by_its_current_decision(cli, ten):
    # two reviewers screen every record (the default); kofi switches after two agreed records
    for reviewer in ("kofi", "ama"):
        cli("screen", "decide", ten[0], "include", "--reviewer", reviewer)
        cli("screen", "decide", ten[1], "exclude", "--reviewer", reviewer)
    cli("screen", "decide", ten[2], "include", "--reviewer", "ama")  # ama, in the model's order
    cli("screen", "sample", "--reviewer", "kofi")
    for record_id in ten[2:5]:  # kofi's random draws
        cli("screen", "decide", record_id, "exclude", "--reviewer", "kofi")
    cli("screen", "decide", ten[3], "exclude", "--reviewer", "ama")
    cli("screen", "decide", ten[5], "include", "--reviewer", "ama")  # not one of kofi's draws
    # the sample: ten[2] in conflict (kofi exclude, ama include: counted as an include until
    # resolved), ten[3] agreed exclude, ten[4] kofi's exclude with ama's vote to come; ten[5] is
    # not in it. 1 include before the switch, 8 records left at it.
    # k = 1 of n = 3: K_tar = floor(2 / 0.95 - 1 + 1) = 2; P(X <= 1) for 3 draws from 8 with 2
    # includes = 1 - C(2,2) C(6,1) / C(8,3) = 1 - 6/56 = 50/56
    test = kofi_test(cli)
    assert (test["population"], test["sampled"], test["sample_includes"]) == (8, 3, 1)
    assert test["p_value"] == pytest.approx(50 / 56, abs=1e-12)
    cli("screen", "resolve", ten[2], "exclude", "--reviewer", "lead")
    # resolved exclude: k = 0 of 3, K_tar = floor(1 / 0.95) = 1; P(X = 0) = C(7,3) / C(8,3) = 35/56
    test = kofi_test(cli)
    assert (test["sampled"], test["sample_includes"]) == (3, 0)
    assert test["p_value"] == pytest.approx(35 / 56, abs=1e-12)


def test_a_resolution_overrides_the_sampling_reviewers_own_vote(cli, ten):
    for reviewer in ("kofi", "ama"):
        cli("screen", "decide", ten[0], "include", "--reviewer", reviewer)
        cli("screen", "decide", ten[1], "exclude", "--reviewer", reviewer)
    cli("screen", "sample", "--reviewer", "kofi")
    cli("screen", "decide", ten[2], "include", "--reviewer", "kofi")
    cli("screen", "decide", ten[2], "exclude", "--reviewer", "ama")
    assert kofi_test(cli)["sample_includes"] == 1  # in conflict, an include vote on it
    cli("screen", "resolve", ten[2], "exclude", "--reviewer", "lead")
    assert kofi_test(cli)["sample_includes"] == 0  # kofi's own vote no longer counts
