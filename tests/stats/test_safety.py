"""Safety outcomes from a small studies table: counts by hand, the meta-analysis against metafor."""

import numpy as np
import pandas as pd
import pytest

from cartsle_cli.stats.safety import summarise_safety

STUDIES = pd.DataFrame(
    {
        "study_id": ["S1", "S2", "S3", "S4", "S5", "S6"],
        "first_author": ["Mackensen", "Wang", "Muller", "Krickau", None, "Chen"],
        "year": [2022, 2024, 2024, 2024, 2024, 2025],
        "n_treated": [20, 25, 12, 30, 40, 9],
        # the heterogeneous set C of test_meta_proportions
        "crs_any": [2, 10, 0, 15, 4, 1],
        "crs_g1": [2, 8, 0, 14, 4, 1],
        "crs_g2": [0, 2, 0, 0, 0, 0],
        "crs_g3": [0, 0, 0, 1, 0, 0],
        "crs_g4": [0, 0, 0, 0, 0, 0],
        "icans_any": [0, 0, 1, 0, 0, 0],
        "icans_g1": [None, None, 1, None, None, None],
        "infections": [4, 5, None, 6, 2, 1],
        "infections_severe": [1, 2, None, 1, 0, 0],
        "dsdna_measured": [10, None, None, None, None, None],
        "dsdna_decreased": [9, None, None, None, None, None],
        "bcell_depletion_weeks": [1, 2, None, 3, None, 1],
        "bcell_reconstitution_months": [3.5, None, 2, 3, None, None],
        "bcell_phenotype": ["naive up, memory down", None, "", "naive up", np.nan, None],
    }
)


@pytest.fixture(scope="module")
def safety():
    return {outcome.name: outcome for outcome in summarise_safety(STUDIES).outcomes}


def test_crude_crs_is_events_over_treated(safety):
    crs = safety["crs"]
    assert (crs.crude.events, crs.crude.total, crs.studies) == (32, 136, 6)


def test_crs_grades_are_shares_of_those_with_crs(safety):
    grades = {share.grade: share for share in safety["crs"].grades}
    assert [grades[g].patients for g in (1, 2, 3, 4)] == [29, 2, 1, 0]
    assert grades[1].share_of_events == pytest.approx(29 / 32)


def test_crs_meta_analysis_is_the_glmm_by_default(safety):
    # rma.glmm(measure="PLO", xi=c(2,10,0,15,4,1), ni=c(20,25,12,30,40,9), method="ML", nAGQ=25, ...)
    meta = safety["crs"].meta
    assert meta.estimate_transformed == pytest.approx(-1.6149963912, abs=1e-6)
    assert [study.label for study in meta.studies][:2] == ["Mackensen 2022", "Wang 2024"]
    assert meta.studies[4].label == "S5"  # no first author: the study id


def test_severe_infections_also_as_share_of_the_infected(safety):
    of_infected = safety["infections_severe_of_infected"]
    assert (of_infected.crude.events, of_infected.crude.total, of_infected.studies) == (4, 18, 5)


def test_single_study_outcome_has_crude_figures_and_says_why_no_meta(safety):
    dsdna = safety["dsdna_decreased"]
    assert (dsdna.crude.events, dsdna.crude.total) == (9, 10)
    assert dsdna.meta is None and "at least 2 studies" in dsdna.meta_unavailable


def test_unreported_outcome_is_empty_not_zero(safety):
    complement = safety["complement_normalised"]
    assert complement.studies == 0 and complement.crude is None


def test_sparse_outcome_keeps_zero_event_studies(safety):
    icans = safety["icans"]
    assert icans.studies == 6 and icans.meta.k == 6


def test_bcell_timings_and_phenotypes_count_reporting_studies():
    result = summarise_safety(STUDIES)
    depletion, reconstitution = result.bcell_depletion, result.bcell_reconstitution
    assert (depletion.studies, depletion.median, depletion.minimum, depletion.maximum) == (4, 1.5, 1.0, 3.0)
    assert (reconstitution.studies, reconstitution.median) == (3, 3.0)
    assert [finding.study for finding in result.bcell_phenotype] == ["Mackensen 2022", "Krickau 2024"]


def test_method_choice_reaches_every_meta_analysis():
    result = summarise_safety(STUDIES, method="dl", scale="ft")
    crs = next(outcome for outcome in result.outcomes if outcome.name == "crs")
    # rma(measure="PFT", xi=c(2,10,0,15,4,1), ni=c(20,25,12,30,40,9), method="DL")$beta
    assert crs.meta.estimate_transformed == pytest.approx(0.4605099458, abs=1e-6)
    assert result.to_dict()["outcomes"][0]["meta"]["method"]["estimator"].endswith("DerSimonian-Laird")
