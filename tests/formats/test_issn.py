"""A record's ISSNs: found in its file's ISSN tags, kept only when the check digit holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cartsle_cli.formats import read_file
from cartsle_cli.formats.normalise import issns_in
from cartsle_cli.formats.record import ISSN_TAGS, Record
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search, stage_records


def test_the_check_digit_decides_what_is_an_issn():
    # ISO 3297, by hand: 0306-4530 gives 0*8 + 3*7 + 0*6 + 6*5 + 4*4 + 5*3 + 3*2 = 88 = 8 * 11,
    # check digit 0; 1746-630X gives 8 + 49 + 24 + 30 + 24 + 9 + 0 = 144 = 13 * 11 + 1, check
    # digit 11 - 1 = 10, written X.
    assert issns_in("0306-4530 (Print); 1746-630x (Electronic)") == ("03064530", "1746630X")
    assert issns_in("03064530 (ISSN) 0306-4530") == ("03064530",)  # each once
    # 1873-336X: 8 + 56 + 42 + 15 + 12 + 9 + 12 = 154 = 14 * 11, so the check digit is 0, not X
    assert issns_in("1873-336X") == ()
    # 12345678: 1*8 + 2*7 + 3*6 + 4*5 + 5*4 + 6*3 + 7*2 = 112, and 112 + 8 = 120 is no multiple of 11
    assert issns_in("issue 12345678") == ()
    # four digits of an ISBN are not an ISSN: 5090-2445 gives 40+0+54+0+8+12+8 = 122, 122 + 5 = 127
    assert issns_in("978-1-5090-2445-2") == ()
    assert issns_in(None) == issns_in("") == ()


def test_a_record_reads_every_issn_tag_and_an_issue_is_not_one():
    record = Record(line=1, raw="", fields={"SN": ["0306-4530"], "EI": ["1746-630X"], "IS": ["7"]})
    assert record.issn == "03064530 1746630X"
    assert Record(line=1, raw="", fields={"IS": ["0009-7322 (Print)"]}).issn == "00097322"  # MEDLINE
    assert Record(line=1, raw="", fields={"IS": ["4187"], "VL": ["12"]}).issn is None


_TAGGED = (".ris", ".nbib", ".txt", ".ciw", ".cgi", ".bib", ".csv")
_WHOLE_ISSN = re.compile(r"^\s*(\d{4})-?(\d{3}[\dXx])(\s*\(\w+\))?\s*$")
_ISBN = re.compile(r"^\s*97[89][-\d]{10,14}\s*$")


def test_every_issn_of_the_real_exports_is_kept_and_no_isbn_becomes_one(shared):
    """Each value of an ISSN tag that is one ISSN alone ("1471-2334", "03064530 (ISSN)") is among
    the record's ISSNs: the check digit throws away none that the databases wrote; an ISBN gives
    none."""
    files = [path for path in sorted((shared / "real-exports").glob("*/*")) if path.suffix in _TAGGED]
    issns = isbns = 0
    for path in files:
        for record in read_file(path).records:
            kept = (record.issn or "").split()
            for value in (value for tag in ISSN_TAGS for value in record.fields.get(tag, ())):
                whole = _WHOLE_ISSN.match(value)
                if whole:
                    issns += 1
                    assert f"{whole[1]}{whole[2].upper()}" in kept, f"{path.name}:{record.line}: {value}"
                elif _ISBN.match(value):
                    isbns += 1
                    assert not issns_in(value), f"{path.name}:{record.line}: {value}"
    assert issns > 1000 and isbns > 10  # the files hold both: the test is not empty


@pytest.mark.parametrize("staged", [False, True])
def test_the_store_keeps_the_issns_of_each_imported_record(db: Path, staged: bool):
    conn = open_review(db)
    records = [
        Record(line=1, raw="a", title="a", fields={"SN": ["0306-4530"], "IS": ["3"]}),
        Record(line=5, raw="b", title="b", fields={"IS": ["3"]}),
    ]
    given = stage_records(conn, records) if staged else records
    with transaction(conn):
        add_search(
            conn,
            database="Embase",
            other_methods=False,
            format="ris",
            file_name="a.ris",
            sha256="x",
            records=given,
        )
    stored = conn.execute("SELECT issn FROM active_records ORDER BY position").fetchall()
    assert [row[0] for row in stored] == ["03064530", None]
