"""Kinds of evidence a general matcher needs (issue 15), each pinned by a synthetic pair.

Every record here is made up; each test says which export habit it imitates.
"""

from __future__ import annotations

import json

import pytest

from cartsle_cli.dedup import run_dedup
from cartsle_cli.dedup.block import candidate_pairs
from cartsle_cli.dedup.compare import REVIEW, SAME, compare, journals_agree, same_journal
from cartsle_cli.dedup.normalise import (
    first_page,
    issue_key,
    issues_agree,
    journal_words,
    page_range,
    prepare,
    short_value,
    split_glued,
)
from cartsle_cli.formats.normalise import issns_in
from cartsle_cli.store import transaction
from tests.dedup.conftest import stored_row

TITLE = "Remote ischaemic conditioning before thrombectomy in acute basilar artery occlusion"


def dedup(conn):
    with transaction(conn):
        return run_dedup(conn)


def _row(number: int, title: str = TITLE, **fields) -> dict:
    return stored_row(number, title, **fields)


# --- one printing of a conference abstract ------------------------------------------------------


def test_meeting_abstract_without_pages_in_two_databases_is_one_printing(conn, add, rec, clusters):
    # Embase: "Journal. Conference: <meeting>", typed as an abstract; MEDLINE or WoS: the journal,
    # the same volume and supplement, no type; neither gives pages.
    add(
        [
            rec(
                TITLE,
                journal="Stroke. Conference: International Stroke Conference 2019. United States",
                volume="50",
                issue="Suppl 1",
                pages=None,
                publication_type="Conference Abstract",
            )
        ],
        "Embase",
    )
    add([rec(TITLE, journal="Stroke", volume="50", issue="S1", pages=None)], "Web of Science")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_meeting_abstract_number_in_one_database_only_is_still_one_printing(conn, add, rec, clusters):
    # Embase: no pages, issue and supplement together; WoS: the abstract number as the page.
    add(
        [
            rec(
                TITLE,
                journal="Circulation. Conference: Scientific Sessions 2019. United States",
                volume="140",
                issue="22 SUPPL. 3",
                pages=None,
                publication_type="Conference Abstract",
            )
        ],
        "Embase",
    )
    add([rec(TITLE, journal="CIRCULATION", volume="140", issue="Suppl 3", pages="A12345")], "Web of Science")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_two_abstracts_of_one_author_in_a_supplement_without_pages_stay_apart(conn, add, rec, clusters):
    supplement = dict(journal="Stroke", volume="50", issue="Suppl 1", pages=None)
    add(
        [
            rec(
                TITLE,
                publication_type="Conference Abstract",
                **{**supplement, "journal": "Stroke. Conference: International Stroke Conference"},
            )
        ],
        "Embase",
    )
    add([rec(f"{TITLE}: one-year outcomes of the second cohort", **supplement)], "Web of Science")
    dedup(conn)
    assert clusters() == []


def test_meeting_abstract_and_its_title_cut_short_in_the_same_supplement_go_to_a_person(
    conn, add, rec, clusters
):
    # Embase's abstract, and a database that cut the title short and gave no type: the same
    # supplement and first author, no pages. One author's two abstracts in a supplement can start
    # alike, so neither a merge nor a silent link: a person is asked.
    meeting = dict(volume="50", issue="Suppl 1", pages=None)
    add(
        [
            rec(
                TITLE,
                journal="Stroke. Conference: International Stroke Conference",
                publication_type="Conference Abstract",
                **meeting,
            )
        ],
        "Embase",
    )
    add([rec(TITLE[:55], journal="Stroke", **meeting)], "Web of Science")
    dedup(conn)
    assert clusters() == []
    asked = conn.execute("SELECT record_id, other_record_id, verdict, reason FROM dedup_pairs").fetchall()
    assert [tuple(row) for row in asked] == [
        (1, 2, "review", "truncated title, same meeting supplement, no pages")
    ]


def test_same_abstract_at_two_meetings_stays_apart(conn, add, rec, clusters):
    abstract = dict(pages=None, issue="Suppl 1", publication_type="Conference Abstract")
    add([rec(TITLE, journal="Stroke. Conference: International Stroke Conference", volume="50", **abstract)])
    add(
        [
            rec(
                TITLE,
                journal="European Stroke Journal. Conference: European Stroke Organisation Conference",
                volume="4",
                **abstract,
            )
        ],
        "Embase",
    )
    dedup(conn)
    assert clusters() == []


def test_meeting_abstract_and_the_later_article_in_the_same_journal_stay_apart(conn, add, rec, clusters):
    add(
        [
            rec(
                TITLE,
                journal="Stroke. Conference: International Stroke Conference",
                year=2019,
                volume="50",
                issue="Suppl 1",
                pages=None,
                publication_type="Conference Abstract",
            )
        ],
        "Embase",
    )
    add([rec(TITLE, journal="Stroke", year=2020, volume="51", issue="4", pages="1020-1029")], "PubMed")
    dedup(conn)
    assert clusters() == []


# --- the locator as evidence of its own ---------------------------------------------------------


def test_same_first_author_year_volume_and_page_range_merge_whatever_the_titles(conn, add, rec, clusters):
    # MEDLINE's bracketed translation against the database's own English title.
    add(
        [
            rec(
                "[Conditioning of the limb before clot retrieval in occlusion of the basilar artery]",
                authors=("Okafor, C", "Lindqvist, M"),
            )
        ]
    )
    add([rec(TITLE, authors=("Okafor, C.",), pages="100-10")], "Embase")  # "100-110" abbreviated
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_section_prefix_with_same_locator_merges(conn, add, rec, clusters):
    add([rec(f"MEDICAL PROGRESS: {TITLE}")])
    add([rec(TITLE)], "Embase")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_one_shared_page_is_not_a_locator(conn, add, rec, clusters):
    # Several supplement abstracts by one author can share a page.
    add([rec(TITLE, pages="S100", issue="Suppl 2")])
    add([rec("Cost of thrombectomy networks in rural regions", pages="S100", issue="Suppl 2")], "Embase")
    dedup(conn)
    assert clusters() == []


def test_letter_and_reply_on_the_same_pages_stay_apart(conn, add, rec, clusters):
    add([rec(f"Comment on: {TITLE}", authors=("Berg, A",), pages="200-201")])
    add([rec(f"Reply to: {TITLE}", authors=("Okafor, C",), pages="200-201")], "Embase")
    dedup(conn)
    assert clusters() == []


# --- journal name forms -------------------------------------------------------------------------


def test_iso_abbreviations_that_drop_inner_letters_match():
    assert journals_agree(
        journal_words("Jpn J Clin Oncol"), journal_words("Japanese Journal of Clinical Oncology")
    )
    assert journals_agree(
        journal_words("Eur J Obstet Gynecol"), journal_words("European Journal of Obstetrics, Gynecology")
    )
    assert not journals_agree(journal_words("CA: a Cancer Journal"), journal_words("Clinical Pathology"))


def test_a_shared_issn_is_the_same_journal_whatever_the_names():
    a = prepare(_row(1, journal="Chung-hua i hsueh tsa chih", issn='[["0376-2491"]]'))
    b = prepare(_row(2, journal="Zhonghua yi xue za zhi", issn='[["0376-2491 (Print)"]]'))
    c = prepare(_row(3, journal="Zhonghua yi xue za zhi", issn='[["0028-4793"]]'))
    assert same_journal(a, b) is True
    assert same_journal(a, c) is False  # different ISSNs prove nothing; the names decide


def test_journal_name_that_does_not_match_does_not_count_against_agreeing_fields(conn, add, rec, clusters):
    # Wade-Giles against pinyin: title, authors, year, volume and pages agree.
    add([rec(TITLE, journal="Chung-hua i hsueh tsa chih", pages="100")])
    add([rec(TITLE, journal="Zhonghua yi xue za zhi", pages="100")], "Embase")
    dedup(conn)
    assert clusters() == [{1, 2}]


# --- unreliable issue fields --------------------------------------------------------------------


def test_supplement_issues_written_three_ways_are_one():
    assert issue_key("2") == issue_key("S2") == issue_key("Suppl 2") == issue_key("2 Suppl") == ("2",)
    assert issue_key("Supplement 1") == ("1",)
    # Embase writes issue and supplement together; WoS the supplement alone
    assert issues_agree(issue_key("22 SUPPL. 3"), issue_key("S3"))
    assert not issues_agree(issue_key("4"), issue_key("Suppl 1"))


def test_a_wrong_issue_does_not_count_against_an_agreeing_journal_and_volume(conn, add, rec, clusters):
    # An export that writes its own record numbers in the issue field.
    add([rec(TITLE, pages=None, issue="3")])
    add([rec(TITLE, pages=None, issue="4187")], "EndNote")
    dedup(conn)
    assert clusters() == [{1, 2}]


# --- group authors ------------------------------------------------------------------------------


def test_a_study_group_against_the_people_is_not_a_different_first_author(conn, add, rec, clusters):
    add([rec(TITLE, authors=("BASILAR Trial Investigators",))])
    add([rec(TITLE, authors=("Okafor, C", "Lindqvist, M", "Haddad, R"))], "Embase")
    dedup(conn)
    assert clusters() == [{1, 2}]


# --- normalisation faults -----------------------------------------------------------------------


def test_a_page_range_ending_below_its_start_is_unknown():
    assert page_range("2297-2108") is None and first_page("2297-2108") is None
    assert page_range("288-97") == (288, 297)


def test_a_volume_fragment_is_missing_not_a_volume():
    assert short_value("1)") is None
    assert short_value("108 (Pt 2)") == "108"


def test_garbled_page_range_and_volume_fragment_do_not_keep_a_pair_apart(conn, add, rec, clusters):
    add([rec(TITLE, volume="50", pages="2297-2305")])
    add([rec(TITLE, volume="1)", pages="2297-2108")], "Embase")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_article_number_against_page_count_with_one_doi_merges(conn, add, rec, clusters):
    add([rec(TITLE, pages="8", doi="10.1000/test.2019.101234")])
    add([rec(TITLE, pages="101234", doi="10.1000/test.2019.101234")], "Scopus")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_glued_author_string_is_split_and_a_family_name_cut_at_a_separator_is_joined():
    assert split_glued(["Chen R.Wang J.Li Q."]) == ["Chen, R.", "Wang, J.", "Li, Q."]
    assert split_glued(["Garcia", "Lopez, M", "Smith, J"]) == ["Garcia Lopez, M", "Smith, J"]
    assert split_glued(["Smith, J.K."]) == ["Smith, J.K."]


def test_glued_authors_match_the_separated_ones(conn, add, rec, clusters):
    add([rec(TITLE, authors=("Chen R.Wang J.Li Q.",), pages=None, issue=None)])
    add([rec(TITLE, authors=("Chen, R", "Wang, J", "Li, Q"), pages=None, issue=None)], "Embase")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_issns_are_read_in_any_form():
    assert issns_in('[["0306-4530 (ISSN)"], null, ["1746-630x"]]') == ("03064530", "1746630X")
    assert issns_in(None) == ()


# --- different DOIs, everything else identical --------------------------------------------------


def test_different_dois_with_everything_else_identical_go_to_a_person():
    a = prepare(_row(1, doi="10.1000/old.2019.100"))
    b = prepare(_row(2, doi="10.2000/new.2019.100"))
    verdict = compare(a, b)
    assert verdict is not None and verdict.verdict == REVIEW and "different DOIs" in verdict.reason


def test_different_dois_with_other_pages_are_still_different():
    a = prepare(_row(1, doi="10.1000/old.2019.100"))
    b = prepare(_row(2, doi="10.2000/new.2019.200", pages="200-208"))
    assert compare(a, b) is None


def test_a_first_author_written_in_the_other_order_agrees():
    # One database writes "Wu, Ching-yi", another "Ching-yi, Wu"; the second author alone would
    # not be enough, so the pair is merged only when the swapped name is recognised.
    a = prepare(_row(1, authors=json.dumps(["Wu, Ching-yi", "Lindqvist, M"])))
    b = prepare(_row(2, authors=json.dumps(["Ching-yi, Wu", "Lindqvist, M"])))
    verdict = compare(a, b)
    assert verdict is not None and verdict.verdict == SAME
    other = prepare(_row(3, authors=json.dumps(["Ching-yi, Tan", "Lindqvist, M"])))
    verdict = compare(a, other)
    assert verdict is not None and verdict.verdict == REVIEW


# --- blocking -----------------------------------------------------------------------------------


def test_pair_sharing_only_journal_volume_and_year_is_compared():
    # Typos at both ends of the title, a split family name, a first page off by one.
    a = prepare(_row(1, title=f"X{TITLE}s", authors=json.dumps(["Garcia Lopez, M"]), pages="100-108"))
    b = prepare(_row(2, title=f"Y{TITLE}z", authors=json.dumps(["Lopez, M"]), pages="101-108"))
    assert list(candidate_pairs([a, b], [True, True])) == [(0, 1)]
    verdict = compare(a, b)
    assert verdict is not None and verdict.verdict in (SAME, REVIEW)


@pytest.mark.parametrize(
    ("ris_fields", "medline_fields", "expected"),
    [
        ({"SN": ["0376-2491"]}, {"IS": ["0376-2491 (Print)"]}, [{1, 2}]),
        ({"SN": ["0376-2491"]}, {"IS": ["0028-4793 (Print)"]}, []),  # two ISSNs prove nothing
        ({}, {}, []),
    ],
)
def test_the_issns_stored_at_import_make_two_names_one_journal(
    conn, add, rec, clusters, ris_fields, medline_fields, expected
):
    # A meeting abstract without pages, Wade-Giles against pinyin: only the ISSN, as RIS writes it
    # (SN) and as MEDLINE does (IS), says the two are one journal and so one printing.
    add([rec(TITLE, journal="Chung-hua i hsueh tsa chih", pages=None, fields=ris_fields)])
    add([rec(TITLE, journal="Zhonghua yi xue za zhi", pages=None, fields=medline_fields)], "Embase")
    dedup(conn)
    assert clusters() == expected
