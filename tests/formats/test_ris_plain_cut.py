"""The plain cut of RIS (string searches) gives exactly what the checked, line-by-line cut gives.

`ris._cut_plain` takes the files most exports are (every TY closed by its ER) and gives up (None)
on anything else, so that `ris._cut_checked` reads it and names the line of any error. These
tests build texts from the lines real exports have, well-formed and broken, and hold the two
cuts to the same records, lines, raw text, fields and wrapper counts.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import ris

LINES = [
    "TY  - JOUR",
    "TY  -  JOUR",  # Cochrane
    "TY  -",
    "TY  - ",
    "TY  -x",  # not a tag line: a continuation
    "ER  - ",
    "ER  -",
    "ER  -  ",  # Ovid
    "ER  - trailing text ",
    "ER  -x",
    "TI  - A title",
    "TI  -   spaced title   ",
    "AU  - Smith, A.",
    "AU  -   ",
    "AU  -",
    "KW  - one\ttab",
    "KW  -x",
    "ab  - lower-case tag",
    "N1  - a note - with dashes  - ",
    "a continuation line",
    "   indented continuation  ",
    "",
    "   ",
    "12. ",
    "Record #3 of 18",
    "Link to the Ovid Full Text or citation: http://ovid",
    "Provider: John Wiley & Sons, Ltd.",
]

RECORD = ["TY  - JOUR", "TI  - A title", "AU  - Smith, A.", "AU  - Jones, B.", "KW  - k", "ER  - "]


def outcome(cut, text: str, first_line: int):
    try:
        cuts, wrappers = cut(text, "file.ris", first_line)
    except CartsleError as error:
        return ("error", error.message, error.line)
    return ("records", [tuple(item) for item in cuts], wrappers)


def assert_plain_agrees(text: str, first_line: int = 1) -> None:
    checked = outcome(ris._cut_checked, text, first_line)
    try:
        plain = ris._cut_plain(text, "file.ris", first_line)
    except CartsleError:
        plain = None  # _cut_records then takes the checked cut's error
    if plain is not None:
        assert ("records", [tuple(item) for item in plain[0]], plain[1]) == checked
    assert outcome(ris._cut_records, text, first_line) == checked


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(LINES + RECORD * 3), max_size=40),
    st.sampled_from(["", "\n", "\n\n"]),
    st.integers(min_value=1, max_value=50),
)
def test_the_plain_cut_agrees_with_the_checked_cut_on_any_mix_of_lines(lines, end, first_line):
    assert_plain_agrees("\n".join(lines) + end, first_line)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(RECORD) - 1), st.sampled_from(LINES)),
        max_size=6,
    ),
    st.integers(min_value=1, max_value=8),
)
def test_well_formed_records_with_one_odd_line_each_cut_the_same(changes, records):
    lines = [line for _ in range(records) for line in (*RECORD, "")]
    for position, line in changes:
        lines.insert(position * records, line)
    assert_plain_agrees("\n".join(lines))


@pytest.mark.parametrize(
    "text",
    [
        "TY  - JOUR\nTI  - t\nER  - \n\n" * 3,
        "1. \nTY  - JOUR\nID  - 1\nER  -  \n\nLink to the Ovid Full Text or citation: x\n\n",
        "Record #1 of 2\nProvider: x\n\nTY  -  JOUR\nAN  -  CN-1\nER  -  \n",
        "TY  - JOUR\nTI  - t\nER  -",  # no final newline
        "\n\nTY  - JOUR\nTI  - t\nER  - \n",  # leading empty lines
    ],
)
def test_plain_exports_take_the_plain_cut(text):
    assert ris._cut_plain(text, "file.ris", 1) is not None
    assert_plain_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "TY  - JOUR\nTI  - open\n",  # the file ends inside a record
        "TY  - JOUR\nTY  - JOUR\nER  - \n",  # a record with no ER
        "ER  - \nTY  - JOUR\nER  - \n",  # an ER with no TY
        "TY  - JOUR\nER  - \nTI  - stray\n",  # a tag line outside a record
        "TY  - \nER  - \n",  # a TY without a type
    ],
)
def test_broken_exports_get_the_checked_cut_and_its_error(text):
    try:
        assert ris._cut_plain(text, "file.ris", 1) is None, "a broken file was cut plainly"
    except CartsleError:
        pass  # found wrong by the plain cut: _cut_records asks the checked cut for the message
    assert outcome(ris._cut_records, text, 1) == outcome(ris._cut_checked, text, 1)
    assert outcome(ris._cut_records, text, 1)[0] == "error"
