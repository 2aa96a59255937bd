"""Normalising many records at once (a column at a time, each repeated value once) gives each
record exactly the matching view it gets alone; the quick tests before the regexes change nothing."""

from __future__ import annotations

import json

from cartsle_cli.dedup.kinds import Kind, kind_of
from cartsle_cli.dedup.normalise import (
    COLUMNS,
    first_page,
    load_json,
    page_range,
    prepare_rows,
    prepare_values,
)
from tests.dedup.conftest import stored_row


def _values(number: int, **fields) -> tuple:
    fields.setdefault("title", "Early supported discharge after stroke: a randomised trial")
    row = stored_row(number, **fields)
    return tuple(row[name] for name in COLUMNS)


# Made-up records, each imitating one export habit, several sharing a journal, volume or pages.
ROWS = [
    _values(1),
    _values(2, title="[Early supported discharge after stroke]. [Chinese]", pages="100-8"),
    _values(3, authors=json.dumps(["Chen R.Wang J.Li Q."]), journal="J Test", issue="Suppl 2"),
    _values(4, authors=json.dumps(["BASILAR Trial Investigators", "Okafor, C"]), pages="2297-2108"),
    _values(5, authors=json.dumps(["Garcia", "Lopez, M"]), volume="1)", year=None),
    _values(6, title="Erratum: Early supported discharge after stroke", publication_type="Erratum"),
    _values(7, title="Early discharge, part II", doi="10.1101/2020.01.01.123456", pmid="123"),
    _values(8, title="Ωmega-3 and β-blockers", authors="[]", journal=None, volume=None, pages=None),
    _values(9, journal="Circulation. Conference: AHA 2019", issn='[["0009-7322"]]', pages="e1234"),
    _values(10, authors=json.dumps(["Ädler, Ö", "Grüber, M"]), publication_type="Conference Abstract"),
]


def test_records_normalised_together_get_the_view_each_gets_alone():
    together = prepare_rows(ROWS)
    alone = [prepare_values(row) for row in ROWS]
    assert together == alone
    assert [record.id for record in together] == list(range(1, 11))
    # a few of the views, by hand
    assert together[1].page_span == together[0].page_span  # "100-8" is 100-108
    assert together[2].authors == ("chen", "wang", "li")  # glued names split
    assert together[3].group_author and together[3].first_page is None  # the group set aside; garbled pages
    assert together[4].authors[0] == "garcialopez" and together[4].volume is None
    assert together[5].kind is Kind.ERRATUM and together[6].kind is Kind.PREPRINT
    assert together[6].part == "2"
    assert together[9].kind is Kind.CONFERENCE


def test_first_page_and_range_come_from_one_reading_of_the_field():
    assert (first_page("288-97"), page_range("288-97")) == ("288", (288, 297))
    assert (first_page("288-7"), page_range("288-7")) == ("288", None)  # expanded to 287: below 288
    assert (first_page("2297-2108"), page_range("2297-2108")) == (None, None)
    assert (first_page(" 0012 "), page_range(" 0012 ")) == ("12", (12, 12))
    assert (first_page("S600-S601"), page_range("S600-S601")) == ("s600", None)
    assert (first_page(""), page_range(None)) == (None, None)


def test_a_notice_title_decides_before_the_type_and_a_preprint_doi_after_it():
    # A record without a notice's title takes its kind from type and journal, then a preprint DOI.
    assert kind_of("A trial", "Journal Article", "Stroke", "10.1101/2020.01.01.123456") is Kind.PREPRINT
    assert kind_of("A trial", "Comment", "Stroke", "10.1101/2020.01.01.123456") is Kind.COMMENT
    assert kind_of("A trial", "Conference Abstract", "Stroke", "10.1000/x") is Kind.CONFERENCE
    assert kind_of("Reply to: A trial", "Journal Article", "Stroke", None) is Kind.REPLY
    assert kind_of("Comment on: A trial", None, "medRxiv", None) is Kind.COMMENT


def test_author_lists_read_as_the_standard_library_reads_them():
    # The store's compact form, the standard library's spaced one, a lone surrogate escape (which
    # orjson refuses), white space around the list.
    for text in (
        '["Okafor, C","Lindqvist, M"]',
        '["Okafor, C", "M\\u00fcller, K"]',
        '["M\\ud800ller, K"]',
        ' ["a"] \n',
    ):
        assert load_json(text) == json.loads(text)
