"""The BibTeX reader, on Scopus's export and on the BibTeX habits of other writers.

Expected values are read off the entry text written in each test or in the shared Scopus file.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import bibtex, detect, read_file, read_text


def read(text: str):
    return bibtex.read(text, "test.bib")


def test_scopus_bibtex_with_leading_empty_line_and_no_final_newline(shared):
    parsed = read_file(shared / "real-exports" / "scopus" / "synthesisr__Scopus_bib_example.bib")
    assert (parsed.format, parsed.database) == ("bibtex", "Scopus")
    assert [(r.source_id, r.line) for r in parsed.records] == [
        ("Li2020", 2),
        ("Cao2020", 28),
        ("Tang2020", 53),
    ]
    first = parsed.records[0]
    assert (
        first.title
        == "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China"
    )
    assert first.authors[:3] == ["Li, W.", "Dou, Z.", "Cui, L."] and len(first.authors) == 10
    assert (first.year, first.journal, first.volume, first.issue) == (
        2020,
        "Ecosystem Health and Sustainability",
        "6",
        "1",
    )
    assert first.pages == "1722034"  # art_number: the record has no page range
    assert first.doi == "10.1080/20964129.2020.1722034"
    assert first.accession == "2-s2.0-85079532227"  # the eid inside the url
    assert first.keywords[:2] == ["Environmental factors", "Lake Taihu"]
    assert (first.language, first.publication_type) == ("English", "Article")
    assert first.fields["note"] == ["cited By 0"]
    assert first.raw.startswith("@ARTICLE{Li2020,") and first.raw.endswith("source={Scopus},\n}")


def test_a_field_written_twice_keeps_the_entry_and_both_values(shared):
    # Scopus writes funding_details twice in Li2020; bibtexparser calls that a failed block
    first = read_file(shared / "real-exports" / "scopus" / "synthesisr__Scopus_bib_example.bib").records[0]
    assert len(first.fields["funding_details"]) == 2
    assert first.fields["funding_details"][0] == "University of TwenteUniversity of Twente"


def test_two_entries_with_the_same_key_are_two_records():
    parsed = read(
        "@article{Li2020, title={Gout}, year={2020}}\n@article{Li2020, title={Lupus}, year={2020}}\n"
    )
    assert [(r.source_id, r.title) for r in parsed.records] == [("Li2020", "Gout"), ("Li2020", "Lupus")]


def test_authors_pages_braces_and_quotes():
    parsed = read(
        '% exported by JabRef\n@inproceedings{k1,\n  author = "Zuna, R E and {World Health Organization}",\n'
        "  title = {{COVID}-19 and {Gout}},\n  booktitle = {ACR Convergence},\n  year = 2021,\n  pages = {288--297},\n"
        "  keywords = {gout, urate}\n}\n"
    )
    (record,) = parsed.records
    assert record.authors == ["Zuna, R E", "World Health Organization"]
    assert record.title == "COVID-19 and Gout"
    assert (record.journal, record.year, record.pages) == ("ACR Convergence", 2021, "288-297")
    assert record.keywords == ["gout", "urate"]
    assert record.publication_type == "inproceedings"
    assert parsed.database is None


def test_string_and_comment_blocks_are_not_records():
    parsed = read('@string{acr = "ACR"}\n@comment{nothing here}\n@article{a, title={Gout}, journal=acr}\n')
    assert [r.title for r in parsed.records] == ["Gout"]


def test_an_unclosed_entry_is_an_error_naming_its_line():
    with pytest.raises(CartsleError, match="malformed BibTeX entry") as caught:
        read("@article{a, title={Gout}}\n\n@article{b,\n title={never closed,\n year={2020}\n")
    assert caught.value.line == 3


def test_a_year_that_is_not_a_year_is_an_error():
    with pytest.raises(CartsleError, match="'forthcoming' is not a year") as caught:
        read("\n@article{a,\n title={Gout},\n year={forthcoming}\n}")
    assert (caught.value.line, caught.value.field) == (2, "year")


def test_sniff_claims_bibtex_only():
    assert bibtex.sniff("\n% comment\n@ARTICLE{Li2020,\n")
    assert not bibtex.sniff("Title,Year\nGout,2024\n")
    assert not bibtex.sniff("TY  - JOUR\nER  - \n")
    assert detect("\n@ARTICLE{Li2020,\ntitle={x}\n}", "a.txt") is bibtex


def test_a_bibtex_file_with_no_entries_holds_no_records():
    with pytest.raises(CartsleError, match="no records"):
        read_text("@comment{empty}\n", "empty.bib")


@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet=st.sampled_from(list('@{}(),="#%\\a1 \n')), max_size=200))
def test_any_text_after_an_entry_start_gives_records_or_one_clear_error(body):
    try:
        parsed = read("@article{k,\n title={Gout}," + body)
    except CartsleError as error:
        assert "\n" not in str(error) and error.line is not None
    else:
        assert all(record.line >= 1 for record in parsed.records)


def test_latex_accents_become_unicode_but_scopus_percent_signs_stay():
    parsed = read(
        "@article{a, author={Gonz{\\'a}lez, J. and {\\O}stergaard, K.},"
        ' title={{T}he {M}{\\"u}ller effect in 50% of cases}, year={2020}}\n'
        "@article{b, title={Costs of US$ 5 in 85.58% of sites}, year={2021}}\n"
    )
    first, second = parsed.records
    assert first.authors == ["Gonz\u00e1lez, J.", "\u00d8stergaard, K."]
    assert first.title == "The M\u00fcller effect in 50% of cases"
    assert second.title == "Costs of US$ 5 in 85.58% of sites"
