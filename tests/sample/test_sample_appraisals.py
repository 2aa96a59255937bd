"""The sample reviews' appraisal sheets: valid for their tools, two appraisers with planted
disagreements, resolutions that settle every conflict, the same bytes on every run."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cartsle_cli.appraisal.engine import check_answers, judge
from cartsle_cli.appraisal.tool import get_tool
from cartsle_cli.sample.appraisals import comparative_rob2, seed_review_jbi
from cartsle_cli.sample.studies import STUDIES

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def finals(tool_name: str, text: str) -> dict[tuple[str, str], dict[str, str]]:
    tool = get_tool(tool_name)
    return {
        (r["study_id"], r.get("outcome", "")): judge(tool, check_answers(tool, r)).final() for r in rows(text)
    }


def test_the_seed_reviews_jbi_sheets_cover_its_14_case_series_with_planted_disagreements():
    files = seed_review_jbi()
    a, b = finals("jbi-case-series", files.reviewer_a), finals("jbi-case-series", files.reviewer_b)
    assert sorted(study for study, _ in a) == sorted(s.label for s in STUDIES) and len(a) == 14
    differing = {
        (key, domain)
        for key in a
        for domain in a[key]
        if domain != "overall" and a[key][domain] != b[key][domain]
    }
    assert len(differing) == files.planted == 5
    resolved = {((r["study_id"], ""), r["domain"]) for r in rows(files.resolutions)}
    assert resolved == differing  # every planted item conflict has its resolution
    assert seed_review_jbi() == files  # deterministic


def test_the_committed_sample_holds_these_sheets():
    files = seed_review_jbi()
    assert (SAMPLE / "appraisal" / "jbi_ana.csv").read_text() == files.reviewer_a
    assert (SAMPLE / "appraisal" / "jbi_ben.csv").read_text() == files.reviewer_b
    assert (SAMPLE / "appraisal" / "jbi_resolutions.csv").read_text() == files.resolutions


def test_the_comparative_generator_writes_valid_rob2_sheets_per_outcome():
    trials = [f"Trial {year}" for year in range(1990, 1998)]
    files = comparative_rob2(trials, ["tuberculosis", "mortality"])
    a, b = finals("rob2", files.reviewer_a), finals("rob2", files.reviewer_b)  # every row passes the checks
    assert len(a) == 16 and set(a) == set(b)
    assert files.planted == 2
    for row in rows(files.resolutions):
        key = (row["study_id"], row["outcome"])
        assert a[key][row["domain"]] != b[key][row["domain"]]
