"""Ovid tagged-text reader (fixture in Ovid Embase's "EndNote" layout, read by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import ovid, read_file, read_text

FIXTURES = Path(__file__).parent / "fixtures"

MEDLINE_RECORD = """<1. >
VN  - Ovid Technologies
DB  - Ovid MEDLINE(R) ALL
UI  - 32487818
TI  - Syndemic theory, structural violence and HIV among African-Americans.
SO  - Current Opinion in HIV & AIDS. 15(4):213-220, 2020 07.
AU  - Godley BA
FA  - Godley, Bria A
DO  - https://dx.doi.org/10.1097/COH.0000000000000634
PT  - Journal Article
LG  - English
YR  - 2020
"""


def test_cgi_records_with_counters_and_unindented_abstract_lines():
    parsed = read_file(FIXTURES / "ovid_embase.cgi")
    assert parsed.format == "ovid" and parsed.database == "Embase"
    first, second = parsed.records
    assert (first.source_id, first.line, second.source_id, second.line) == ("3001", 1, "3002", 23)
    assert first.abstract == (
        "Background: Little is known on how PCD affects daily functioning. "
        "Method(s): We searched MEDLINE and EMBASE. Conclusion(s): Quality of life decreases with age."
    )


def test_embase_ui_is_the_accession_not_a_pmid():
    first = read_file(FIXTURES / "ovid_embase.cgi").records[0]
    assert (first.accession, first.pmid) == ("621381829", None)
    assert first.doi == "10.1186/s12919-018-0099-8"
    assert (first.journal, first.volume, first.issue, first.pages) == (
        "BMC Proceedings",
        "12",
        "Supplement 3",
        None,
    )
    assert first.authors == ["Behan L.", "Rubbo B."]
    assert first.publication_type == "Conference Abstract" and first.year == 2018


def test_ovid_medline_ui_is_the_pmid_and_so_gives_volume_issue_pages():
    parsed = read_text(MEDLINE_RECORD, "medline.cgi")
    assert parsed.database == "MEDLINE (Ovid)"
    record = parsed.records[0]
    assert (record.pmid, record.accession) == ("32487818", "32487818")
    assert (record.journal, record.volume, record.issue, record.pages) == (
        "Current Opinion in HIV & AIDS",
        "15",
        "4",
        "213-220",
    )
    assert record.authors == ["Godley, Bria A"]  # FA, the full name


def test_search_strategy_header_before_the_first_record_is_skipped():
    text = (
        "Database: Ovid MEDLINE(R) ALL <1946 to May 29, 2020>\nSearch Strategy:\n----\n1 exp HIV/ (1234)\n\n"
        + MEDLINE_RECORD
    )
    records = read_text(text, "medline.txt").records
    assert len(records) == 1 and records[0].line == 6


def test_counter_followed_by_untagged_text_is_an_error():
    with pytest.raises(CartsleError) as error:
        read_text("<1. >\nVN  - Ovid Technologies\n\n<2. >\nnot a tag\nTI  - x\n", "bad.cgi")
    assert error.value.line == 5


def test_sniff_needs_a_counter_line_followed_by_a_tag():
    assert ovid.sniff("<3001. >\nVN  - Ovid Technologies\n")
    assert not ovid.sniff("<html>\n<body>\n")
