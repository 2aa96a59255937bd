"""The traps a reviewer knows, each decided on purpose (issue 4, item 3)."""

from __future__ import annotations

import pytest

from cartsle_cli.dedup import run_dedup
from cartsle_cli.store import transaction


def dedup(conn):
    with transaction(conn):
        return run_dedup(conn)


TITLE = "Early mobilisation after acute ischaemic stroke: a randomised controlled trial in 12 centres"


def test_same_article_from_two_databases_is_merged(conn, add, rec, clusters):
    add([rec(TITLE, doi="10.1000/abc")], "PubMed")
    add([rec(TITLE.upper() + ".", authors=("SMITH, J.", "JONES, K."), journal="J Test", doi=None)], "Embase")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_html_entities_translation_brackets_and_accents_are_folded(conn, add, rec, clusters):
    add([rec("Qualité de vie &amp; <i>AVC</i>: étude", authors=("Müller, J",))], "PubMed")
    add([rec("[Qualite de vie & AVC: etude]", authors=("Muller, J",))], "Embase")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_conference_abstract_and_later_article_are_linked_not_merged(conn, add, rec, clusters):
    add(
        [
            rec(
                TITLE,
                year=2019,
                journal="European Stroke Journal",
                volume="4",
                pages="S12",
                publication_type="Conference Abstract",
            )
        ],
        "Embase",
    )
    add([rec(TITLE, year=2020, journal="Lancet Neurology", volume="19", pages="500-510")], "PubMed")
    dedup(conn)
    assert clusters() == []
    links = conn.execute("SELECT record_id, other_record_id, reason FROM report_links").fetchall()
    assert [(row[0], row[1]) for row in links] == [(1, 2)]
    assert "conference abstract" in links[0][2]


def test_abstract_not_marked_as_one_in_another_database_is_the_same_printing(conn, add, rec, clusters):
    journal = "Journal of Head Trauma Rehabilitation"
    add(
        [rec(TITLE, journal=f"{journal}. Conference: 8th Annual Conference on Brain Injury", pages="394")],
        "Embase",
    )
    add([rec(TITLE, journal=journal, pages="394")], "PsycINFO")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_preprint_and_published_version_are_linked_not_merged(conn, add, rec, clusters):
    add(
        [
            rec(
                TITLE,
                journal="medRxiv",
                volume=None,
                issue=None,
                pages=None,
                doi="10.1101/2020.03.01.20029710",
            )
        ],
        "medRxiv",
    )
    add([rec(TITLE, journal="BMJ", doi="10.1136/bmj.m1234")], "PubMed")
    dedup(conn)
    assert clusters() == []
    assert conn.execute("SELECT COUNT(*) FROM report_links").fetchone()[0] == 1


@pytest.mark.parametrize(
    "notice",
    [
        f"Erratum: {TITLE}",
        f'Corrigendum to "{TITLE}"',
        f"Correction to: {TITLE}",
        f"Retraction notice to: {TITLE}",
        f"Reply to: {TITLE}",
        f"Comment on: {TITLE}",
    ],
)
def test_notice_about_an_article_is_not_the_article(conn, add, rec, clusters, notice):
    add([rec(TITLE)], "PubMed")
    add([rec(notice)], "Embase")
    dedup(conn)
    assert clusters() == []
    assert conn.execute("SELECT COUNT(*) FROM report_links").fetchone()[0] == 0


def test_erratum_by_publication_type_is_not_the_article(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE, publication_type="Published Erratum", pages="200")], "PubMed 2")
    dedup(conn)
    assert clusters() == []


def test_retracted_article_itself_is_still_the_article(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(f"RETRACTED: {TITLE}")], "Embase")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_part_1_and_part_2_are_different(conn, add, rec, clusters):
    add([rec("Rehabilitation after stroke in the community, part 1: methods", pages="100-110")], "PubMed")
    add([rec("Rehabilitation after stroke in the community, part 2: methods", pages=None)], "Embase")
    dedup(conn)
    assert clusters() == []


def test_same_title_in_other_years_is_not_merged(conn, add, rec, clusters):
    title = "Interventions for improving upper limb function after stroke"
    add(
        [
            rec(
                title,
                year=2014,
                journal="Cochrane Database of Systematic Reviews",
                volume=None,
                issue="11",
                pages="CD010820",
            )
        ],
        "CENTRAL",
    )
    add(
        [
            rec(
                title,
                year=2019,
                journal="Cochrane Database of Systematic Reviews",
                volume=None,
                issue="5",
                pages="CD010820",
            )
        ],
        "CENTRAL 2",
    )
    dedup(conn)
    assert clusters() == []


def test_annual_report_of_next_year_is_not_merged(conn, add, rec, clusters):
    add(
        [
            rec(
                "Heart disease and stroke statistics 2019 update: a report from the American Heart Association",
                year=2019,
                volume="139",
                pages="e56-e528",
            )
        ],
        "PubMed",
    )
    add(
        [
            rec(
                "Heart disease and stroke statistics 2020 update: a report from the American Heart Association",
                year=2020,
                volume="141",
                pages="e139-e596",
            )
        ],
        "Embase",
    )
    dedup(conn)
    assert clusters() == []


def test_truncated_title_without_doi_merges_when_authors_year_and_pages_agree(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE[:60])], "Web of Science")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_truncated_title_without_page_support_goes_to_a_person(conn, add, rec, clusters):
    add([rec(TITLE)], "PubMed")
    add([rec(TITLE[:60], journal=None, volume=None, issue=None, pages=None)], "Web of Science")
    dedup(conn)
    assert clusters() == []
    assert conn.execute("SELECT verdict FROM dedup_pairs").fetchall()[0][0] == "review"


def test_abstracts_sharing_a_supplement_doi_are_not_merged(conn, add, rec, clusters):
    supplement = dict(
        doi="10.1177/2396987319845581", journal="European Stroke Journal", volume="4", issue="1 Suppl"
    )
    titles = [
        "Thrombectomy beyond 24 hours in a regional network",
        "Dysphagia screening by nurses after stroke",
        "Blood pressure targets after thrombolysis: a registry",
        "Caregiver burden six months after stroke",
    ]
    add(
        [
            rec(title, authors=(f"Author{n}, A",), pages=f"S{n}", **supplement)
            for n, title in enumerate(titles)
        ],
        "Embase",
    )
    dedup(conn)
    assert clusters() == []
    assert conn.execute("SELECT COUNT(*) FROM dedup_pairs").fetchone()[0] == 0


def test_same_title_with_different_dois_is_not_merged(conn, add, rec, clusters):
    add([rec(TITLE, doi="10.1000/one")], "PubMed")
    add([rec(TITLE, doi="10.1000/two")], "Embase")
    dedup(conn)
    assert clusters() == []


def test_different_pages_in_the_same_volume_keep_records_apart(conn, add, rec, clusters):
    add([rec("Editorial: stroke care in 2020", pages="1-2")], "PubMed")
    add([rec("Editorial: stroke care in 2020", pages="45-46")], "Embase")
    dedup(conn)
    assert clusters() == []


def test_a_chain_of_matches_never_joins_records_with_different_dois(conn, add, rec, clusters):
    # B has no DOI and matches both A and C, which carry different DOIs: B joins one, never both.
    add([rec(TITLE, doi="10.1000/one")], "PubMed")
    add([rec(TITLE)], "Scopus")
    add([rec(TITLE, doi="10.1000/two")], "Embase")
    result = dedup(conn)
    groups = clusters()
    assert len(groups) == 1 and 2 in groups[0] and groups[0] != {1, 2, 3}
    assert result.refused_joins == 1


def test_same_title_and_authors_in_another_journal_is_linked_not_merged_nor_queued(conn, add, rec, clusters):
    # A guideline co-published in two journals, or an abstract printed in another journal's supplement.
    add(
        [rec(TITLE, journal="American Journal of Clinical Pathology", volume="137", pages="516-542")],
        "PubMed",
    )
    add([rec(TITLE, journal="CA: a Cancer Journal for Clinicians", volume="62", pages="147-172")], "Embase")
    dedup(conn)
    assert clusters() == []
    assert conn.execute("SELECT COUNT(*) FROM report_links").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM dedup_pairs WHERE verdict = 'review'").fetchone()[0] == 0


def test_same_doi_authors_volume_and_pages_merge_a_translated_title(conn, add, rec, clusters):
    add(
        [rec("Efficacy of acupuncture for dysphagia after stroke", doi="10.13703/j.0255-2930.2019.01.001")],
        "PubMed",
    )
    add(
        [
            rec(
                "Zhen ci zhi liao zhong feng hou tun yan zhang ai de liao xiao",
                doi="10.13703/j.0255-2930.2019.01.001",
            )
        ],
        "CNKI",
    )
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_ris_conference_type_is_a_conference_abstract(conn, add, rec, clusters):
    add([rec(TITLE, year=2019, volume="4", pages="S12", publication_type="CONF")], "Embase")
    add([rec(TITLE, year=2020, volume="19", pages="500-510", publication_type="JOUR")], "PubMed")
    dedup(conn)
    assert clusters() == []
    assert conn.execute("SELECT COUNT(*) FROM report_links").fetchone()[0] == 1


def test_short_generic_titles_in_one_journal_and_year_are_not_merged_on_title_alone(conn, add, rec, clusters):
    add([rec("Editorial", authors=(), volume=None, issue=None, pages=None)], "PubMed")
    add([rec("Editorial", authors=(), volume=None, issue=None, pages=None)], "Embase")
    dedup(conn)
    assert clusters() == []


def test_records_without_titles_match_only_by_identifiers(conn, add, rec, clusters):
    add([rec("", pmid="31234567"), rec("")], "PubMed")
    add([rec("", pmid="31234567")], "Embase")
    dedup(conn)
    assert clusters() == [{1, 3}]


def test_same_doi_and_title_merge_across_online_and_print_years(conn, add, rec, clusters):
    add(
        [rec(TITLE, year=2019, doi="10.1161/strokeaha.119.026400", volume=None, issue=None, pages=None)],
        "Embase",
    )
    add([rec(TITLE, year=2021, doi="10.1161/strokeaha.119.026400")], "PubMed")
    dedup(conn)
    assert clusters() == [{1, 2}]


def test_one_authors_two_abstracts_in_a_supplement_sharing_its_doi_are_not_merged(conn, add, rec, clusters):
    supplement = dict(
        doi="10.1177/2396987319845581",
        journal="European Stroke Journal",
        volume="4",
        issue="1 Suppl",
        authors=("Bernhardt, J",),
        publication_type="Conference Abstract",
    )
    add(
        [
            rec("Very early mobilisation: dose and timing in the AVERT trial", pages="S12", **supplement),
            rec("Sedentary behaviour in the first weeks after stroke", pages="S13", **supplement),
        ],
        "Embase",
    )
    dedup(conn)
    assert clusters() == []


def test_one_authors_abstracts_sharing_a_supplement_doi_and_overlapping_pages_are_not_merged(
    conn, add, rec, clusters
):
    # Several abstracts by one author can share a page of a supplement, or overlap.
    supplement = dict(doi="10.1177/2396987319845581", volume="4", authors=("Bernhardt, J",))
    add([rec("Very early mobilisation: dose and timing in the AVERT trial", pages="120-126", **supplement)])
    add([rec("Sedentary behaviour in the first weeks after stroke", pages="123-124", **supplement)], "Embase")
    add([rec("Fatigue and mood one year after a first stroke", pages="120", **supplement)], "Scopus")
    dedup(conn)
    assert clusters() == []
