"""Web of Science plain-text / .ciw reader (fixture in WoS's layout, read by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import read_file, read_text, wos_tagged

FIXTURES = Path(__file__).parent / "fixtures"


def test_ciw_without_final_newline_gives_every_record():
    parsed = read_file(FIXTURES / "wos.ciw")
    assert parsed.format == "wos_tagged" and parsed.database == "Web of Science"
    assert [r.line for r in parsed.records] == [3, 31]


def test_fields_land_in_place():
    record = read_file(FIXTURES / "wos.ciw").records[0]
    assert record.authors == ["Asampong, Emmanuel", "Gyeke, Mavis Dako Plusminus"]  # AF
    assert record.fields["AU"] == ["Asampong, E", "Gyeke, MDP"]
    assert record.title == "Caregivers' views on stigmatization of people affected by leprosy in Ghana"
    assert (record.pmid, record.accession, record.doi) == (
        "29377890",
        "WOS:000424022700066",
        "10.1371/journal.pntd.0006219",
    )
    assert (record.year, record.volume, record.issue, record.pages) == (2018, "12", "1", "100-110")
    assert record.publication_type == "Article"


def test_keyword_wrapped_mid_word_is_joined():
    record = read_file(FIXTURES / "wos.ciw").records[0]
    assert record.keywords == ["leprosy", "TROPHIC STATE INDEX", "stigma", "MENTAL-HEALTH", "STIGMA"]


def test_tags_unknown_to_rispy_are_kept():
    record = read_file(FIXTURES / "wos.ciw").records[0]
    assert record.fields["Z8"] == ["0"] and record.fields["ZB"] == ["1"]


def test_medline_record_served_by_wos_keeps_its_ut_and_pm():
    record = read_file(FIXTURES / "wos.ciw").records[1]
    assert (record.accession, record.pmid) == ("MEDLINE:31851837", "31851837")


def test_record_without_er_is_an_error_naming_its_pt_line():
    text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI One\nER\n\nPT J\nTI Two\n\nPT J\nTI Three\nER\nEF"
    with pytest.raises(CartsleError) as error:
        read_text(text, "cut.txt")
    assert error.value.line == 7


def test_file_ending_inside_a_record_is_an_error():
    with pytest.raises(CartsleError) as error:
        read_text("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI Cut", "cut.txt")
    assert error.value.line == 3


def test_unindented_garbage_inside_a_record_is_an_error():
    with pytest.raises(CartsleError) as error:
        read_text("FN Clarivate\nVR 1.0\nPT J\nTI A title\nnot a tag line\nER\nEF", "bad.txt")
    assert error.value.line == 5


def test_sniff_needs_the_header_or_a_pt_record():
    assert wos_tagged.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n")
    assert wos_tagged.sniff("PT J\nAU Smith, J\n")
    assert not wos_tagged.sniff("PT\tAU\tTI\n")  # tab-delimited WoS belongs to the CSV reader


def test_zoological_record_page_span_in_ps_gives_the_pages():
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A bird\nPS 134-141\nUT ZOOREC:ZOOR1\nER\nEF"
    )
    assert read_text(text, "zoorec.txt").records[0].pages == "134-141"


def test_exports_joined_into_one_file_keep_every_record_despite_ef_and_bom():
    one = (FIXTURES / "wos.ciw").read_text(encoding="utf-8")
    joined = one + "\n\ufeff" + one
    assert len(read_text(joined, "joined.txt").records) == 4
