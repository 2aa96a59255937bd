"""MEDLINE / .nbib reader: PubMed's own layout (fixture read by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import medline, read_file, read_text

FIXTURES = Path(__file__).parent / "fixtures"


def test_crlf_file_with_leading_empty_line_and_no_final_newline_keeps_both_records():
    parsed = read_file(FIXTURES / "pubmed.nbib")
    assert parsed.format == "medline" and parsed.database == "PubMed"
    assert [r.pmid for r in parsed.records] == ["28441597", "9999991"]
    assert [r.accession for r in parsed.records] == ["28441597", "9999991"]
    assert [r.line for r in parsed.records] == [2, 32]


def test_six_space_continuation_lines_join_the_value():
    record = read_file(FIXTURES / "pubmed.nbib").records[0]
    assert record.title == (
        "Differences in nitrate and phosphorus export between wooded and grassed riparian "
        "zones from farmland to receiving waterways."
    )


def test_fields_land_in_place():
    record = read_file(FIXTURES / "pubmed.nbib").records[0]
    assert record.doi == "10.1016/j.scitotenv.2017.04.075"  # the [doi] LID, not the [pii] one
    assert record.authors == ["McKergow, Lucy A", "Prosser, Ian P"]  # FAU
    assert (record.year, record.volume, record.pages) == (2017, "598", "188-197")
    assert record.journal == "The Science of the total environment"  # JT, not TA
    assert record.publication_type == "Journal Article; Review"
    assert record.fields["IS"] == ["1879-1026 (Electronic)", "0048-9697 (Linking)"]


def test_old_record_uses_au_and_takes_its_doi_from_aid():
    record = read_file(FIXTURES / "pubmed.nbib").records[1]
    assert record.authors == ["Smith J", "Jones K"]
    assert record.doi == "10.1000/abc.2006.1"
    assert record.keywords == ["Humans", "*Stroke/diagnostic imaging"]


def test_e_locator_lid_is_not_a_doi():
    record = read_text("PMID- 1\nLID - e0142829\nTI  - x\n", "x.nbib").records[0]
    assert record.doi is None


def test_unindented_garbage_inside_a_record_is_an_error_with_its_line():
    text = "PMID- 1\nTI  - A title\nthis line is not MEDLINE\n"
    with pytest.raises(CartsleError) as error:
        read_text(text, "bad.nbib")
    assert error.value.line == 3


def test_pmid_line_without_a_number_is_an_error():
    with pytest.raises(CartsleError) as error:
        read_text("PMID- 1\nTI  - a\n\nPMID- \nTI  - b\n", "bad.nbib")
    assert error.value.line == 4


def test_sniff_recognises_medline_behind_a_ris_extension():
    assert medline.sniff("\n\nPMID- 28441597\nOWN - NLM\n")
    assert not medline.sniff("TY  - JOUR\nPMID- 1\n")


def test_tag_with_nothing_after_its_dash_is_an_empty_value_not_garbage():
    record = read_text("PMID- 1\nTI  - A title\nAB  -\n", "x.nbib").records[0]
    assert record.fields["AB"] == [""] and record.abstract is None
