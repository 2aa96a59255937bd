"""Single-arm count outcomes from a small table: counts by hand, the meta-analysis against metafor."""

import numpy as np
import pandas as pd
import pytest

from cartsle_cli.review.pooling import study_labels
from cartsle_cli.stats.proportion_outcomes import summarise_numbers, summarise_proportion

NAN = np.nan
STUDIES = pd.DataFrame(
    {
        "study_id": ["S1", "S2", "S3", "S4", "S5", "S6"],
        "first_author": ["Mackensen", "Wang", "Muller", "Krickau", None, "Chen"],
        "year": [2022, 2024, 2024, 2024, 2024, 2025],
    }
)
LABELS = study_labels(STUDIES)
TREATED = [20, 25, 12, 30, 40, 9]
# the heterogeneous set C of test_meta_proportions
EVENTS = [2, 10, 0, 15, 4, 1]
GRADES = {1: [2, 8, 0, 14, 4, 1], 2: [0, 2, 0, 0, 0, 0], 3: [0, 0, 0, 1, 0, 0], 4: [0, 0, 0, 0, 0, 0]}


@pytest.fixture(scope="module")
def graded():
    return summarise_proportion(EVENTS, TREATED, LABELS, grades=GRADES)


def test_crude_is_events_over_participants(graded):
    assert (graded.crude.events, graded.crude.total, graded.studies) == (32, 136, 6)


def test_grades_are_shares_of_those_with_the_event(graded):
    grades = {share.grade: share for share in graded.grades}
    assert [grades[g].patients for g in (1, 2, 3, 4)] == [29, 2, 1, 0]
    assert grades[1].share_of_events == pytest.approx(29 / 32)


def test_meta_analysis_is_the_glmm_by_default(graded):
    # rma.glmm(measure="PLO", xi=c(2,10,0,15,4,1), ni=c(20,25,12,30,40,9), method="ML", nAGQ=25, ...)
    meta = graded.meta
    assert meta.estimate_transformed == pytest.approx(-1.6149963912, abs=1e-6)
    assert [study.label for study in meta.studies][:2] == ["Mackensen 2022", "Wang 2024"]
    assert meta.studies[4].label == "S5"  # no first author: the study id


def test_a_sub_count_over_its_parent_leaves_out_studies_without_the_parent():
    # severe infections of the infected: 1/4, 2/5, -, 1/6, 0/2, 0/1 -> 4/18 over 5 studies
    of_infected = summarise_proportion([1, 2, NAN, 1, 0, 0], [4, 5, NAN, 6, 2, 1], LABELS)
    assert (of_infected.crude.events, of_infected.crude.total, of_infected.studies) == (4, 18, 5)


def test_single_study_outcome_has_crude_figures_and_says_why_no_meta():
    single = summarise_proportion([9, NAN, NAN], [10, NAN, NAN], LABELS[:3])
    assert (single.crude.events, single.crude.total) == (9, 10)
    assert single.meta is None and "at least 2 studies" in single.meta_unavailable


def test_unreported_outcome_is_empty_not_zero():
    nothing = summarise_proportion([NAN] * 6, TREATED, LABELS)
    assert nothing.studies == 0 and nothing.crude is None


def test_sparse_outcome_keeps_zero_event_studies():
    sparse = summarise_proportion([0, 0, 1, 0, 0, 0], TREATED, LABELS)
    assert sparse.studies == 6 and sparse.meta.k == 6


def test_numbers_are_summarised_over_the_studies_that_report_them():
    # 1, 2, 3, 1 -> median 1.5, range 1-3
    depletion = summarise_numbers([1, 2, NAN, 3, NAN, 1])
    assert (depletion.studies, depletion.median, depletion.minimum, depletion.maximum) == (4, 1.5, 1.0, 3.0)
    assert summarise_numbers([NAN, NAN]).studies == 0


def test_method_choice_reaches_the_meta_analysis():
    crs = summarise_proportion(EVENTS, TREATED, LABELS, method="dl", scale="ft")
    # rma(measure="PFT", xi=c(2,10,0,15,4,1), ni=c(20,25,12,30,40,9), method="DL")$beta
    assert crs.meta.estimate_transformed == pytest.approx(0.4605099458, abs=1e-6)
    assert crs.meta.method.estimator.endswith("DerSimonian-Laird")
