"""RIS reader: record boundaries it checks itself, each database's tags, and the ugly cases.

Expected values are read by hand from the fixtures, which follow each database's real layout
(shared notes, export-formats.md).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import read_file, read_text, ris

FIXTURES = Path(__file__).parent / "fixtures"


def records_of(name: str):
    return read_file(FIXTURES / name).records


def test_embase_com_file_with_bom_keeps_its_first_record():
    parsed = read_file(FIXTURES / "embase.ris")
    assert parsed.format == "ris" and parsed.database == "Embase"
    assert [r.title for r in parsed.records] == ["Feather evolution in dinosaurs", "Erratum: Dinosaur tracks"]


def test_embase_com_pmid_is_c5_and_accession_the_l_number():
    first = records_of("embase.ris")[0]
    assert first.pmid == "38906878"
    assert first.accession == "L2029880245"
    assert first.doi == "10.1038/s41598-024-64870-2"
    assert first.journal == "Scientific Reports"
    assert first.publication_type == "Article"  # M3, not TY JOUR
    assert first.authors == ["Yang, Z.", "McNamara, M.E."]


def test_repeated_tags_keep_every_value_in_order():
    first = records_of("embase.ris")[0]
    assert first.fields["DB"] == ["Embase", "Medline"]
    assert len(first.fields["M1"]) == 2 and first.fields["M1"][1].startswith("(McNamara M.E.)")


def test_cochrane_library_headers_extra_space_and_u2010_pages():
    parsed = read_file(FIXTURES / "cochrane.ris")
    assert parsed.database == "CENTRAL"
    first, second = parsed.records
    assert first.pages == "1279-1297"  # written with U+2010
    assert first.accession == "CN-00778158"
    assert first.pmid == "38407106"  # from "PUBMED 38407106,EMBASE 643589775"
    assert second.pmid is None  # C3 names only an Embase id
    assert first.source_id is None  # "Record #1 of 2" numbers the hits; the id is the CN- in AN
    assert first.line == 5 and second.line == 28
    assert first.fields["CC"] == ["Common Mental Disorders"]  # unknown to rispy, kept


def test_cochrane_record_url_doi_is_not_taken_for_the_article_doi():
    second = records_of("cochrane.ris")[1]
    assert second.doi is None


def test_ovid_medline_counters_links_and_pmid_in_id():
    parsed = read_file(FIXTURES / "ovid_medline.ris")
    assert parsed.database == "MEDLINE (Ovid)"
    first, second = parsed.records
    assert (first.pmid, first.accession, first.source_id) == ("32487818", "32487818", "1")
    assert first.doi == "10.1097/coh.0000000000000634"  # written as https://dx.doi.org/...
    assert first.pages == "213-220" and first.year == 2020
    assert first.journal == "Current opinion in HIV and AIDS"
    assert first.fields["SN"] == ["1746-6318", "1746-630X"]
    assert second.source_id == "2"
    assert "Link to the Ovid" not in first.raw and first.raw.startswith("TY  - JOUR")


def test_ovid_central_splits_its_one_line_author_list_and_has_no_pmid():
    parsed = read_file(FIXTURES / "ovid_central.ris")
    assert parsed.database == "CENTRAL"
    record = parsed.records[0]
    assert record.authors == ["Achterbergh RCA", "van der Helm JJ", "van den Brink W", "de Vries HJC"]
    assert record.pmid is None and record.accession == "CN-01413174" and record.doi is None
    assert record.publication_type == "ELEC"


def test_scopus_continuation_lines_eid_and_no_final_newline():
    parsed = read_file(FIXTURES / "scopus.ris")
    assert parsed.database == "Scopus"
    record = parsed.records[0]
    assert record.pmid == "31851837"  # C2
    assert record.accession == "2-s2.0-85079532227"  # EID inside UR
    assert record.publication_type == "Conference Paper"
    assert record.fields["N1"] == [
        "Export Date: 30 April 2020",
        "References: Bardgett, R.D., (2005) The biology of soil;",
        "Coleman, D.C., (2004) Fundamentals of soil ecology;",
    ]


def test_web_of_science_ris_tags_glued_by_bare_cr_are_read():
    parsed = read_file(FIXTURES / "wos.ris")
    assert parsed.database == "Web of Science"
    record = parsed.records[0]
    assert record.accession == "WOS:000282053100002"
    assert record.fields["C3"] == ["University of Utah"]
    assert record.abstract == "Background Methodology/Principal Findings: We describe two new ceratopsids."
    assert record.pages == "809-+"
    assert record.pmid is None


def test_endnote_pubmed_txt_is_ris_with_pmid_in_an_and_keywords_on_untagged_lines():
    parsed = read_file(FIXTURES / "endnote_pubmed.txt")
    assert parsed.format == "ris" and parsed.database == "PubMed"
    record = parsed.records[0]
    assert (record.pmid, record.source_id, record.line) == ("31695832", "369", 2)
    assert record.keywords == ["Gambling", "Humans", "Adult"]
    assert record.pages == "349-69"


def test_an_is_not_a_pmid_when_the_database_does_not_put_it_there():
    text = "TY  - JOUR\nTI  - A record\nAN  - 31695832\nER  - \n"
    record = read_text(text, "zotero.ris").records[0]
    assert record.pmid is None


def test_crlf_cr_and_lf_files_give_the_same_records():
    text = (FIXTURES / "embase.ris").read_text(encoding="utf-8-sig")
    as_lf = read_text(text, "a.ris").records
    for ending in ("\r\n", "\r"):
        other = read_text(text.replace("\n", ending), "b.ris").records
        assert [(r.title, r.fields, r.line) for r in other] == [(r.title, r.fields, r.line) for r in as_lf]


def test_doi_written_as_url_with_doi_suffix_or_url_encoded():
    text = (
        "TY  - JOUR\nDO  - https://doi.org/10.1016%2Fj.jaut.2020.102 [doi]\nER  - \n"
        "TY  - JOUR\nL2  - http://dx.doi.org/10.1038/ABC.1\nER  - \n"
    )
    assert [r.doi for r in read_text(text, "x.ris").records] == ["10.1016/j.jaut.2020.102", "10.1038/abc.1"]


def test_last_record_without_er_is_an_error_naming_its_ty_line():
    text = "TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Cut off\n"
    with pytest.raises(CartsleError) as error:
        read_text(text, "cut.ris")
    assert error.value.line == 5 and error.value.file == "cut.ris"
    assert "\n" not in str(error.value)


def test_ty_before_the_previous_er_is_an_error_naming_the_open_record():
    text = (FIXTURES / "cochrane.ris").read_text(encoding="utf-8")
    broken = text.replace("ER  -  \n", "", 1)
    with pytest.raises(CartsleError) as error:
        read_text(broken, "cochrane.ris")
    assert error.value.line == 5
    assert "line 27" in str(error.value)  # where the next record starts


def test_er_without_ty_is_an_error_at_the_er():
    with pytest.raises(CartsleError) as error:
        read_text("TY  - JOUR\nER  - \nTI  - orphan\nER  - \n", "x.ris")
    assert error.value.line == 4


def test_ty_without_a_type_is_an_error():
    with pytest.raises(CartsleError) as error:
        read_text("\nTY  - \nTI  - x\nER  - \n", "x.ris")
    assert error.value.line == 2


def test_continuation_line_right_after_ty_is_garbage():
    with pytest.raises(CartsleError) as error:
        read_text("TY  - JOUR\nnot a tag\nER  - \n", "x.ris")
    assert error.value.line == 2


def test_unknown_tags_are_kept():
    record = read_text("TY  - JOUR\nZZ  - first\nZZ  - second\nQ1  - other\nER  - \n", "x.ris").records[0]
    assert record.fields["ZZ"] == ["first", "second"] and record.fields["Q1"] == ["other"]


def test_sniff_wants_ty_before_er():
    assert ris.sniff("\n\nTY  - JOUR\nER  - \n")
    assert not ris.sniff("ER  - \nTY  - JOUR\n")
    assert not ris.sniff("PMID- 1\nTI  - x\n")


def test_import_through_the_cli_stores_the_normalised_fields(cli, db):
    cli("import", FIXTURES / "cochrane.ris")
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT title, pages, doi, pmid, accession, source_id, fields, raw FROM records ORDER BY position"
        ).fetchall()
        database = conn.execute("SELECT database, format, record_count FROM searches").fetchone()
    assert database == ("CENTRAL", "ris", 2)
    title, pages, doi, pmid, accession, source_id, fields, raw = rows[0]
    assert (pages, doi, pmid, accession, source_id) == (
        "1279-1297",
        "10.1186/1745-6215-12-39",
        "38407106",
        "CN-00778158",
        None,
    )
    assert json.loads(fields)["KW"] == ["Conduct Disorder [*prevention & control, psychology]"]
    assert raw.startswith("TY  -  JOUR\nAN  -  CN-00778158")


def test_ovid_records_re_exported_by_zotero_take_the_pmid_from_the_link_and_t2_as_journal():
    text = (
        "TY  - JOUR\nTI  - A trial.\nT2  - Lupus\nDB  - Ovid MEDLINE(R) Epub Ahead of Print\n"
        "L2  - http://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=medp&NEWS=N&AN=32487818\nER  - \n"
    )
    parsed = read_text(text, "zotero_ovid.ris")
    assert parsed.database == "MEDLINE (Ovid)"
    record = parsed.records[0]
    assert (record.pmid, record.journal) == ("32487818", "Lupus")


def test_a_journal_field_holding_a_link_is_passed_over_for_the_next_journal_tag():
    # Ovid CENTRAL's JA can be a trial registry's address; a link is never a journal's name
    text = (
        "TY  - JOUR\nTI  - A trial.\nJF  - https://clinicaltrials.gov/show/NCT01234567\n"
        "JO  - Lupus\nER  - \nTY  - JOUR\nTI  - Another.\nT2  - http://example.org/x\nER  - \n"
    )
    first, second = read_text(text, "links.ris").records
    assert first.journal == "Lupus"
    assert second.journal is None


def test_numeric_ovid_id_outside_medline_is_not_a_pmid():
    text = (
        "1. \nTY  - JOUR\nID  - 621381829\nT1  - An Embase record\n"
        "L2  - http://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=emed19&NEWS=N&AN=621381829\nER  - \n"
    )
    parsed = read_text(text, "ovid_embase.ris")
    assert parsed.database == "Embase"
    assert (parsed.records[0].pmid, parsed.records[0].accession) == (None, "621381829")


def test_utf16_and_windows_1252_copies_read_like_the_utf8_file(tmp_path):
    text = (FIXTURES / "cochrane.ris").read_text(encoding="utf-8").replace("\u2010", "-")
    expected = [(r.title, r.pages, r.fields) for r in read_text(text, "cochrane.ris").records]
    for encoding in ("utf-16", "cp1252"):
        copy = tmp_path / f"cochrane-{encoding}.ris"
        copy.write_bytes(text.replace("Evans, C", "Évans, C").encode(encoding))
        records = read_file(copy).records
        assert [(r.title, r.pages) for r in records] == [(t, p) for t, p, _ in expected]
        assert records[1].authors == ["Évans, C"]


def test_medline_text_saved_as_ris_is_read_as_medline(tmp_path):
    lying = tmp_path / "pubmed_export.ris"
    lying.write_bytes((FIXTURES / "pubmed.nbib").read_bytes())
    parsed = read_file(lying)
    assert parsed.format == "medline" and len(parsed.records) == 2


def test_files_joined_with_cat_keep_the_record_behind_the_second_bom():
    one = (FIXTURES / "embase.ris").read_bytes()
    joined = (one + one).decode("utf-8-sig")
    assert len(read_text(joined, "joined.ris").records) == 4


def test_control_characters_in_a_value_are_kept_as_given():
    # the reliability tests import escape sequences and show them neutralised; the reader keeps them
    record = read_text("TY  - JOUR\nTI  - Escapes \x1b[31m and \x01 in a title\nER  - \n", "x.ris").records[0]
    assert record.title == "Escapes \x1b[31m and \x01 in a title"


def test_records_read_in_batches_match_a_line_by_line_reading():
    from cartsle_cli.formats.text import collect_fields

    records = []
    for number in range(2500):
        note = "N1  - first note\nsecond note line\n" if number % 7 == 0 else ""
        records.append(
            f"{number + 1}. \nTY  - JOUR\nTI  - Record {number}\nAU  - A, B\nAU  - C, D\n{note}ER  - \n\n"
        )
    text = "".join(records)
    parsed = read_text(text, "many.ris").records
    assert len(parsed) == 2500
    for record in (parsed[0], parsed[999], parsed[1000], parsed[1001], parsed[2499]):
        assert record.fields == collect_fields(record.raw.split("\n"), record.line, ris.RULES, "many.ris")
    assert parsed[1001].fields["N1"] == ["first note", "second note line"]  # 1001 = 7 * 143
    assert [r.source_id for r in parsed[998:1002]] == ["999", "1000", "1001", "1002"]


def test_mixed_endnote_ris_reads_each_records_an_by_itself():
    # An EndNote library gathered from PubMed, CENTRAL and Web of Science, exported as RIS:
    # AN holds a PMID, a CN- and a WOS: accession (synthetic records).
    text = "\n".join(
        [
            "TY  - JOUR",
            "AN  - 31695832",
            "TI  - First trial",
            "ER  - ",
            "",
            "TY  - JOUR",
            "AN  - CN-01234567",
            "TI  - Second trial",
            "ER  - ",
            "",
            "TY  - JOUR",
            "AN  - WOS:000512345600001",
            "TI  - Third trial",
            "ER  - ",
            "",
        ]
    )
    parsed = read_text(text, "library.ris")
    assert [r.pmid for r in parsed.records] == ["31695832", None, None]
    assert [r.accession for r in parsed.records] == ["31695832", "CN-01234567", "WOS:000512345600001"]
    assert parsed.database is None  # several databases: import asks for --source
