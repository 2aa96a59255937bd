"""An import of several large files read by worker processes: the same review, the same errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.review import importing
from cartsle_cli.review.importing import import_files
from cartsle_cli.store import open_review

REPOSITORY = Path(__file__).resolve().parent.parent
FILES = [
    REPOSITORY / "sample_data/searches/pubmed.nbib",
    REPOSITORY / "sample_data/searches/embase.ris",
    REPOSITORY / "tests/formats/fixtures/scopus.ris",
    REPOSITORY / "sample_data/searches/scopus.csv",
    REPOSITORY / "tests/formats/fixtures/wos.ciw",
    REPOSITORY / "sample_data/searches/central.ris",
]
needs_workers = pytest.mark.skipif(
    not importing.sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
    reason="files are read in worker processes on Linux with two cores or more only",
)


@pytest.fixture
def workers(monkeypatch):
    """Every import of several files read in workers, however small; the calls counted."""
    calls = []
    stage_in_workers = importing._stage_in_workers

    def counted(*args, **kwargs):
        calls.append(args[1])
        return stage_in_workers(*args, **kwargs)

    monkeypatch.setattr(importing, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(importing, "_stage_in_workers", counted)
    return calls


def _tables(db: Path) -> tuple[list[tuple], list[tuple]]:
    conn = open_review(db)
    try:
        searches = conn.execute(
            "SELECT id, database, other_methods, format, file_name, sha256, record_count FROM searches ORDER BY id"
        ).fetchall()
        records = conn.execute("SELECT * FROM records ORDER BY id").fetchall()
        return [tuple(row) for row in searches], [tuple(row) for row in records]
    finally:
        conn.close()


def _import(db: Path, paths, **options):
    conn = open_review(db)
    try:
        return import_files(conn, paths, **options)
    finally:
        conn.close()


@needs_workers
def test_workers_store_the_same_searches_and_records_in_the_same_order(tmp_path, monkeypatch, workers):
    monkeypatch.setattr(importing, "_PARALLEL_BYTES", 1 << 62)
    in_process = _import(tmp_path / "in_process.db", FILES)
    assert not workers
    monkeypatch.setattr(importing, "_PARALLEL_BYTES", 0)
    in_workers = _import(tmp_path / "workers.db", FILES)
    assert len(workers) == 1
    assert in_workers == in_process  # counts of DOIs, PMIDs, abstracts, formats, databases
    assert _tables(tmp_path / "workers.db") == _tables(tmp_path / "in_process.db")
    searches, records = _tables(tmp_path / "workers.db")
    assert [row[4] for row in searches] == [path.name for path in FILES]
    assert len(records) == sum(item.records for item in in_process) > 2000


@needs_workers
def test_a_workers_error_reaches_the_command_whole_and_nothing_is_stored(tmp_path, monkeypatch, workers):
    monkeypatch.setattr(importing.tempfile, "tempdir", str(tmp_path))
    bad_year = tmp_path / "scopus.bib"
    bad_year.write_text("\n@article{a,\n title={Gout},\n year={forthcoming}\n}\n", encoding="utf-8")
    cut_off = tmp_path / "cut.ris"
    cut_off.write_text("TY  - JOUR\nTI  - A download that stopped\n", encoding="utf-8")
    db = tmp_path / "review.db"
    with pytest.raises(CartsleError) as caught:
        _import(db, [FILES[0], bad_year, cut_off, FILES[1]], source="Scopus")
    assert workers
    # the first bad file in the order given, with its line and field, as a reading here tells it
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(bad_year), 2, "year")
    assert str(caught.value).startswith(f"{bad_year}, line 2, field year: ")
    assert "\n" not in str(caught.value)
    assert _tables(db) == ([], [])
    assert not list(tmp_path.glob("cartsle-import-*"))  # the workers' staging files went too


@needs_workers
def test_a_file_imported_before_is_refused_before_the_next_file_is_taken_in(tmp_path, workers):
    _import(tmp_path / "review.db", FILES[1:2])
    with pytest.raises(CartsleError, match="imported before as search 1") as caught:
        _import(tmp_path / "review.db", FILES[:3])
    assert caught.value.file == str(FILES[1])
    assert _tables(tmp_path / "review.db")[0][1:] == []


def test_small_imports_one_file_and_pipes_are_read_in_this_process(tmp_path):
    large = [tmp_path / "a.ris", tmp_path / "b.ris"]
    for path in large:
        path.write_bytes(b"x" * (importing._PARALLEL_BYTES // 2))
    assert importing._in_workers(large) == (
        importing.sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2
    )
    assert not importing._in_workers(large[:1])  # one file, however large
    assert not importing._in_workers([large[0], FILES[0]])  # 4 MB and 1 MB: under the threshold
    fifo = tmp_path / "pipe.ris"
    os.mkfifo(fifo)
    assert not importing._in_workers([*large, fifo])
