"""`cartsle import` as a library call: all of an import or none (`searches remove`: search_removal.py)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import read_file
from cartsle_cli.formats.record import ParsedFile
from cartsle_cli.store import transaction
from cartsle_cli.store.searches import (
    StagedRecords,
    add_search,
    clear_staged,
    find_by_sha256,
    stage_records,
)


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


def import_files(
    conn: sqlite3.Connection,
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    other_methods: bool = False,
    searched_on: str | None = None,
    query: str | None = None,
    force: bool = False,
    on_file_read: Callable[[Path], None] | None = None,
) -> list[ImportedFile]:
    """Import export files as searches, all in one transaction.

    Every file is read, parsed and staged (``store.searches.stage_records``) before the write
    transaction begins, so the review's write lock is held for the copy only, never while a slow
    share or a large file is read. A bad file, an unknown format or a file imported before (unless
    ``force``) raises :class:`CartsleError` and nothing of any file is stored.
    """
    seen: dict[str, Path] = {}
    staged: list[_StagedFile] = []
    try:
        for path in map(Path, paths):
            data_hash = _sha256(path)
            if not force:
                _refuse_reimport(conn, path, data_hash, seen)
            seen[data_hash] = path
            parsed = read_file(path)
            if source is None and not parsed.database:
                raise CartsleError(
                    "cannot tell which database wrote this file: name it with --source", file=path
                )
            staged.append(_stage(conn, path, data_hash, parsed, source=source))
            del parsed
            if on_file_read:
                on_file_read(path)
        with transaction(conn):
            results = []
            for file in staged:
                if not force:  # another command may have imported it while this one was reading
                    _refuse_reimport(conn, file.path, file.sha256, {})
                results.append(
                    _store(conn, file, other_methods=other_methods, searched_on=searched_on, query=query)
                )
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
    conn: sqlite3.Connection, path: Path, data_hash: str, parsed: ParsedFile, *, source: str | None
) -> _StagedFile:
    records = parsed.records
    return _StagedFile(
        path=path,
        sha256=data_hash,
        format=parsed.format,
        database=source or parsed.database or "",
        database_recognised=source is None,
        records=stage_records(conn, records),
        with_doi=sum(1 for r in records if r.doi),
        with_pmid=sum(1 for r in records if r.pmid),
        with_abstract=sum(1 for r in records if r.abstract),
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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise CartsleError(f"cannot read: {error.strerror}", file=path) from error
    return digest.hexdigest()
