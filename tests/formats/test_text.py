"""Decoding exports and the tag-line helpers the tagged readers share."""

from __future__ import annotations

import codecs

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.text import TagRules, collect_fields, decode, every, first, lines, unify_line_breaks


def test_bom_is_removed_so_the_first_line_is_a_tag():
    assert decode(codecs.BOM_UTF8 + b"TY  - JOUR\n", "x.ris").startswith("TY  - JOUR")


def test_utf16_and_windows_1252_are_decoded():
    assert decode("TY  - JOUR\nTI  - Café\n".encode("utf-16"), "x.ris").endswith("Café\n")
    assert "Café" in decode("TY  - JOUR\nTI  - Café au lait, São Paulo\nER  - \n".encode("cp1252"), "x.ris")


def test_empty_and_binary_files_are_refused():
    with pytest.raises(CartsleError):
        decode(b"  \n", "empty.ris")
    with pytest.raises(CartsleError):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.ris")


def test_cr_lf_and_crlf_end_lines_alike():
    assert lines("a\rb\r\nc\nd") == ["a", "b", "c", "d"]
    assert unify_line_breaks("a\rb\r\nc\n") == "a\nb\nc\n"


RULES = TagRules(
    split_tag=lambda line: (line[:2], line[6:]) if line[2:6] == "  - " else None,
    continuation=lambda line: line.strip() if line.startswith(" ") else None,
    list_tags=frozenset({"KW"}),
)


def test_continuation_is_a_new_value_for_list_tags_and_joined_for_others():
    fields = collect_fields(["TI  - A long", "  title", "KW  - one", "  two"], 1, RULES, "x")
    assert fields == {"TI": ["A long title"], "KW": ["one", "two"]}


def test_line_that_is_neither_tag_nor_continuation_names_its_line():
    with pytest.raises(CartsleError) as error:
        collect_fields(["TI  - A", "garbage"], 10, RULES, "x.ris")
    assert error.value.line == 11


def test_first_and_every_skip_empty_values():
    fields = {"TI": [""], "T1": ["Title"], "AU": ["A", "", "B"]}
    assert first(fields, "TI", "T1") == "Title"
    assert every(fields, "AU", "TI") == ["A", "B"]


def test_cyclic_gc_is_paused_while_reading_and_back_on_after_an_error():
    import gc

    from cartsle_cli.gc_pause import without_cyclic_gc

    @without_cyclic_gc
    def failing_reader() -> None:
        assert not gc.isenabled()
        raise CartsleError("bad record")

    assert gc.isenabled()
    with pytest.raises(CartsleError):
        failing_reader()
    assert gc.isenabled()


def test_tidy_squashes_every_kind_of_white_space_and_keeps_clean_text_as_is():
    from cartsle_cli.formats.normalise import tidy

    clean = "A clean title"
    assert tidy(clean) is clean
    for messy in (
        "A  clean title",
        " A clean title",
        "A clean\ttitle",
        "A clean\u00a0title",
        "A clean\u2009title",
        "A clean\ntitle ",
    ):
        assert tidy(messy) == "A clean title"
    assert tidy("") is None and tidy(None) is None


def test_windows_1252_accents_are_not_read_as_mac_roman_or_cp1250():
    # "É" is 0xC9 and "è" 0xE8 in Windows-1252; Mac Roman reads 0xC9 as "…", cp1250 0xE8 as "č"
    text = decode("TY  - JOUR\nAU  - Évans, C\nAU  - Lefèvre, C\nER  - \n".encode("cp1252"), "x.ris")
    assert "Évans" in text and "Lefèvre" in text


def test_bytes_undefined_in_windows_1252_are_read_as_latin_1():
    assert (
        decode(b"TY  - JOUR\nTI  - caf\xe9 \x81\nER  - \n", "x.ris")
        == "TY  - JOUR\nTI  - caf\u00e9 \x81\nER  - \n"
    )


@pytest.mark.parametrize("name", ["pubmed.nbib", "wos.ciw", "ovid_embase.cgi", "cochrane.ris", "scopus.ris"])
def test_classic_mac_cr_only_copy_gives_the_same_records(tmp_path, name):
    from pathlib import Path

    from cartsle_cli.formats import read_file

    fixture = Path(__file__).parent / "fixtures" / name
    cr_only = tmp_path / name
    cr_only.write_bytes(fixture.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    expected, got = read_file(fixture), read_file(cr_only)
    assert got.format == expected.format
    assert [(r.line, r.title, r.fields) for r in got.records] == [
        (r.line, r.title, r.fields) for r in expected.records
    ]
