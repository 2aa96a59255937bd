"""`cartsle import` as a library call: all of an import or none, the write lock held only for the copy."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import stream_file
from cartsle_cli.formats.record import Record
from cartsle_cli.gc_pause import cyclic_gc_paused
from cartsle_cli.store import transaction
from cartsle_cli.store.searches import (
    StagedRecords,
    add_search,
    clear_staged,
    find_by_sha256,
    stage_records,
)

if TYPE_CHECKING:
    # updating loads dedup (NumPy, RapidFuzz) and screening: a third of a second of start-up
    # that only a rerun of a search (``update_of``) needs, so it is imported there
    from cartsle_cli.updating import UpdateSummary


@dataclass(frozen=True)
class ImportedFile:
    search_id: int
    path: Path
    format: str
    database: str
    database_recognised: bool  # False when --source named it
    records: int
    with_doi: int
    with_pmid: int
    with_abstract: int
    update: UpdateSummary | None = None  # for a rerun of a search (``update_of``)


def import_files(
    conn: sqlite3.Connection,
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    other_methods: bool = False,
    searched_on: str | None = None,
    query: str | None = None,
    force: bool = False,
    update_of: int | None = None,
    on_file_read: Callable[[Path], None] | None = None,
) -> list[ImportedFile]:
    """Import export files as searches, all in one transaction.

    Every file is streamed from disk (:func:`~cartsle_cli.formats.stream_file`) into a TEMP table
    (``store.searches.stage_records``) before the write transaction begins, so a few MB of a file
    are in memory at once and the review's write lock is held for the copy only, never while a
    slow share or a large file is read. A bad file, an unknown format or a file imported before
    (unless ``force``) raises :class:`CartsleError` and nothing of any file is stored.

    ``update_of``: the files rerun that search (``updating``): its database and column are the
    default, records seen before are linked to their earlier records, and the review is
    deduplicated with the new records; each result then carries its ``update`` summary.
    """
    seen: dict[str, Path] = {}
    staged: list[_StagedFile] = []
    if update_of is not None:
        from cartsle_cli.updating import (
            finish_update,
            register_update,
            snapshot_previous_version,
            updated_search,
        )

        updated = updated_search(conn, update_of)
        source = source or updated.database
        other_methods = other_methods or updated.other_methods
    try:
        for path in map(Path, paths):
            with _read_once(path) as (readable, data_hash):
                if not force:
                    _refuse_reimport(conn, path, data_hash, seen)
                seen[data_hash] = path
                staged.append(_stage(conn, readable, data_hash, source=source, given=path))
            if on_file_read:
                on_file_read(path)
        with transaction(conn):
            if update_of is not None:
                snapshot_previous_version(conn, update_of)
            results = []
            for file in staged:
                if not force:  # another command may have imported it while this one was reading
                    _refuse_reimport(conn, file.path, file.sha256, {})
                results.append(
                    _store(conn, file, other_methods=other_methods, searched_on=searched_on, query=query)
                )
            if update_of is not None:
                linked = [
                    (item.search_id, update_of, register_update(conn, item.search_id, update_of))
                    for item in results
                ]
                summaries = {summary.search_id: summary for summary in finish_update(conn, linked)}
                results = [replace(item, update=summaries[item.search_id]) for item in results]
    finally:
        clear_staged(conn)
    return results


@dataclass(frozen=True)
class _StagedFile:
    path: Path
    sha256: str
    format: str
    database: str
    database_recognised: bool
    records: StagedRecords
    with_doi: int
    with_pmid: int
    with_abstract: int


def _stage(
    conn: sqlite3.Connection, path: Path, data_hash: str, *, source: str | None, given: Path
) -> _StagedFile:
    """Stage the records of ``path`` (``given``, or its spooled copy: messages name ``given``)."""
    try:
        return _stage_records(conn, path, data_hash, source=source, given=given)
    except CartsleError as error:
        if path == given:
            raise
        raise CartsleError(error.message, file=given, line=error.line, field=error.field) from None


def _stage_records(
    conn: sqlite3.Connection, path: Path, data_hash: str, *, source: str | None, given: Path
) -> _StagedFile:
    counts = {"doi": 0, "pmid": 0, "abstract": 0}

    def counted(records: Iterator[Record]) -> Iterator[Record]:
        for record in records:
            counts["doi"] += bool(record.doi)
            counts["pmid"] += bool(record.pmid)
            counts["abstract"] += bool(record.abstract)
            yield record

    # Records hold no reference cycles: with the collector on, each collection would walk
    # every record object alive (a third more time at 100,000 records); see text.py.
    with cyclic_gc_paused():
        parsed = stream_file(path)
        if source is None and not parsed.database:
            raise CartsleError("cannot tell which database wrote this file: name it with --source", file=path)
        records = stage_records(conn, counted(parsed.records))
    return _StagedFile(
        path=given,
        sha256=data_hash,
        format=parsed.format,
        database=source or parsed.database or "",
        database_recognised=source is None,
        records=records,
        with_doi=counts["doi"],
        with_pmid=counts["pmid"],
        with_abstract=counts["abstract"],
    )


def _store(
    conn: sqlite3.Connection,
    file: _StagedFile,
    *,
    other_methods: bool,
    searched_on: str | None,
    query: str | None,
) -> ImportedFile:
    search_id = add_search(
        conn,
        database=file.database,
        other_methods=other_methods,
        format=file.format,
        file_name=file.path.name,
        sha256=file.sha256,
        records=file.records,
        searched_on=searched_on,
        query=query,
    )
    return ImportedFile(
        search_id=search_id,
        path=file.path,
        format=file.format,
        database=file.database,
        database_recognised=file.database_recognised,
        records=file.records.count,
        with_doi=file.with_doi,
        with_pmid=file.with_pmid,
        with_abstract=file.with_abstract,
    )


def _refuse_reimport(conn: sqlite3.Connection, path: Path, data_hash: str, seen: dict[str, Path]) -> None:
    earlier = find_by_sha256(conn, data_hash)
    if earlier:
        raise CartsleError(
            f"this content was imported before as search {earlier.id} ({earlier.file_name}, "
            f"{earlier.database}, {earlier.imported_at}); use --force to import it again",
            file=path,
        )
    if data_hash in seen:
        raise CartsleError(
            f"same content as {seen[data_hash]} given in this call; use --force to import both", file=path
        )


@contextmanager
def _read_once(path: Path) -> Iterator[tuple[Path, str]]:
    """A file the readers can open, seek and reopen, with the SHA-256 of what was read.

    A regular file is hashed and then parsed where it is. Anything else (a FIFO, a pipe such as
    ``<(zcat export.ris.gz)``, a character device) can be read only once: it is copied to a
    temporary file while it is hashed, and parsed from there (before, import hashed a FIFO to its
    end and then waited for ever to read it again). The copy is removed once staged.
    """
    try:
        regular = path.is_file()
    except OSError:
        regular = False
    if regular or not path.exists():
        yield path, _sha256(path)  # a missing file: _sha256 says so
        return
    with tempfile.TemporaryDirectory(prefix="cartsle-import-") as folder:
        spooled = Path(folder) / (path.name or "input")
        digest = hashlib.sha256()
        try:
            with path.open("rb") as source, spooled.open("wb") as copy:
                for block in iter(lambda: source.read(1 << 20), b""):
                    digest.update(block)
                    copy.write(block)
        except OSError as error:
            where = "cannot copy it to a temporary file" if error.filename == str(spooled) else "cannot read"
            raise CartsleError(f"{where}: {error.strerror}", file=path) from error
        yield spooled, digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise CartsleError(f"cannot read: {error.strerror}", file=path) from error
    return digest.hexdigest()
