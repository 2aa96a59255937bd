"""EndNote XML reader: synthetic libraries written the way EndNote 20 and X9 export them
(fixtures made up for these tests: one file on one line with <style> wrappers, one file on many
lines without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import detect, endnote_xml, read_file, read_text

FIXTURES = Path(__file__).parent / "fixtures"

RECORD = (
    '<record><rec-number>{n}</rec-number><ref-type name="Journal Article">17</ref-type>'
    "<titles><title>Title {n}</title></titles></record>"
)


def _library(*records: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8" ?><xml><records>' + "".join(records) + "</records></xml>"


def test_endnote_xml_is_recognised_by_its_content():
    text = (FIXTURES / "endnote20.xml").read_text(encoding="utf-8")
    assert detect(text, "library.txt") is endnote_xml


def test_one_line_library_with_style_wrappers_gives_every_field():
    parsed = read_file(FIXTURES / "endnote20.xml")
    assert parsed.format == "endnote-xml" and len(parsed.records) == 2
    abstract, erratum = parsed.records
    assert abstract.title == "Remote ischaemic conditioning before thrombectomy: a randomised trial"
    assert abstract.authors == ["Okafor, C.", "Lindqvist, M.", "BASILAR Trial Investigators"]
    assert (abstract.year, abstract.volume, abstract.issue) == (2019, "50", "Supplement 1")
    assert abstract.journal == "Stroke. Conference: International Stroke Conference 2019"
    assert abstract.publication_type == "Conference Abstract; Journal Article"  # work-type first
    assert abstract.keywords == ["ischemic preconditioning", "thrombectomy"]
    assert abstract.fields["isbn"] == ["1524-4628"]
    assert abstract.fields["remote-database-name"] == ["Embase"]
    assert abstract.source_id == "17"
    # Embase's own accession number is digits too: it is not a PMID
    assert abstract.pmid is None and abstract.accession == "626512345"
    assert erratum.doi == "10.1136/neurintsurg-2019-000001"
    assert erratum.pmid == "30912345"  # from MEDLINE: the accession number is the PMID
    assert erratum.pages == "e12-e13" and erratum.journal == "Journal of Neurointerventional Surgery"
    assert "Erratum" in erratum.publication_type


def test_library_from_several_databases_names_none_and_each_record_keeps_its_own():
    parsed = read_file(FIXTURES / "endnote20.xml")
    assert parsed.database is None  # Embase and MEDLINE: import asks for --source
    assert [r.fields["remote-database-name"] for r in parsed.records] == [["Embase"], ["MEDLINE"]]


def test_many_line_library_without_styles_gives_lines_ids_and_accessions():
    parsed = read_file(FIXTURES / "endnote_x9_lines.xml")
    assert [r.line for r in parsed.records] == [4, 17, 29]
    assert [r.pmid for r in parsed.records] == ["31234567", None, None]
    assert [r.accession for r in parsed.records] == [None, "WOS:000512345600001", "CN-01234567"]
    assert parsed.records[0].pages == "100-8" and parsed.records[0].doi == "10.1000/test.2020.100"
    assert parsed.records[1].journal == "J Test"  # periodical full-title when no secondary-title
    assert parsed.records[2].title == "Discharge after stroke & rehabilitation at home"
    assert parsed.records[2].publication_type == "Conference Proceedings"


def test_library_from_one_database_names_it():
    text = _library(
        RECORD.format(n=1).replace(
            "</record>", "<remote-database-name>Scopus</remote-database-name></record>"
        )
    )
    assert read_text(text, "lib.xml").database == "Scopus"


def test_malformed_xml_is_refused_with_its_line():
    text = _library(RECORD.format(n=1)).replace("</titles>", "", 1)
    with pytest.raises(CartsleError) as error:
        read_text(text.replace("<records>", "<records>\n\n"), "lib.xml")
    assert "lib.xml, line 3" in str(error.value) and "not well-formed" in str(error.value)


def test_record_without_ref_type_is_refused_naming_it_and_nothing_is_returned():
    broken = "\n<record><rec-number>9</rec-number><titles><title>No type</title></titles></record>"
    text = _library(RECORD.format(n=1), broken, RECORD.format(n=3))
    with pytest.raises(CartsleError) as error:
        read_text(text, "lib.xml")
    assert str(error.value) == "lib.xml, line 2, field ref-type: record without a ref-type (EndNote record 9)"


def test_counts_every_record():
    text = _library(*(RECORD.format(n=n) for n in range(1, 251)))
    parsed = read_text(text, "lib.xml")
    assert len(parsed.records) == 250 and parsed.records[-1].source_id == "250"
