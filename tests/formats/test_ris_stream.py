"""RIS read as a stream, a few MB at a time: the same records, lines and errors as read whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import ris, stream_file
from cartsle_cli.formats.text import read_text_file

FIXTURES = Path(__file__).parent / "fixtures"
RIS_FIXTURES = sorted(path for path in FIXTURES.glob("*.ris"))


def as_tuples(records):
    return [
        (r.line, r.raw, r.fields, r.title, r.authors, r.year, r.doi, r.pmid, r.accession, r.source_id)
        for r in records
    ]


@pytest.mark.parametrize("chunk", [40, 97, 1000, 1 << 22])
@pytest.mark.parametrize("path", RIS_FIXTURES, ids=lambda path: path.name)
def test_streamed_records_equal_the_whole_file_reading_at_any_chunk_size(path, chunk, monkeypatch):
    monkeypatch.setattr(ris, "CHUNK", chunk)
    whole = ris.read(read_text_file(path), path)
    streamed = stream_file(path)
    assert (streamed.format, streamed.database) == (whole.format, whole.database)
    assert as_tuples(streamed.records) == as_tuples(whole.records)


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_crlf_and_bare_cr_files_stream_as_they_read_whole(tmp_path, line_end, monkeypatch):
    monkeypatch.setattr(ris, "CHUNK", 50)
    text = "".join(
        f"TY  - JOUR{line_end}TI  - Title {n}{line_end}ER  - {line_end}{line_end}" for n in range(30)
    )
    path = tmp_path / "file.ris"
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    whole = ris.read(read_text_file(path), path)
    assert as_tuples(stream_file(path).records) == as_tuples(whole.records)
    assert [r.line for r in whole.records][:3] == [1, 5, 9]


def test_an_open_record_far_into_the_file_names_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(ris, "CHUNK", 64)
    good = "".join(f"TY  - JOUR\nTI  - Title {n}\nER  - \n\n" for n in range(50))
    path = tmp_path / "cut.ris"
    path.write_text(good + "TY  - JOUR\nTI  - cut off here\n", encoding="utf-8")
    with pytest.raises(CartsleError) as error:
        list(stream_file(path).records)
    assert error.value.line == 201 and "ends inside this record" in str(error.value)


def test_a_windows_1252_file_is_read_whole_as_before(tmp_path):
    path = tmp_path / "endnote.ris"
    path.write_bytes("TY  - JOUR\nTI  - Caf\xe9 society\nER  - \n".encode("cp1252"))
    (record,) = list(stream_file(path).records)
    assert record.title == "Café society"
