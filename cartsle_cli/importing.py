"""`cartsle import` and `cartsle searches remove` as library calls: all of an import or none."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cartsle_cli.dedup.run import rebuild_clusters
from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import StreamedFile, stream_file
from cartsle_cli.formats.record import Record
from cartsle_cli.formats.text import cyclic_gc_paused
from cartsle_cli.store import transaction
from cartsle_cli.store.connection import require_transaction
from cartsle_cli.store.searches import Search, add_search, find_by_sha256, remove_search
from cartsle_cli.updating import (
    UpdateSummary,
    finish_update,
    register_update,
    snapshot_previous_version,
    updated_search,
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

    Files are read and stored one at a time inside the transaction, each streamed from disk as it
    is inserted (:func:`~cartsle_cli.formats.stream_file`), so a few MB of one file's records are
    in memory at once; a bad file, an unknown format or a file imported before (unless ``force``)
    raises :class:`CartsleError`, the transaction rolls back, and nothing of any file is stored.

    ``update_of``: the files rerun that search (``updating``): its database and column are the
    default, records seen before are linked to their earlier records, and the review is
    deduplicated with the new records; each result then carries its ``update`` summary.
    """
    seen: dict[str, Path] = {}
    results = []
    with transaction(conn):
        if update_of is not None:
            updated = updated_search(conn, update_of)
            snapshot_previous_version(conn, update_of)
            source = source or updated.database
            other_methods = other_methods or updated.other_methods
        for path in map(Path, paths):
            data_hash = _sha256(path)
            if not force:
                _refuse_reimport(conn, path, data_hash, seen)
            seen[data_hash] = path
            # Records hold no reference cycles: with the collector on, each collection would walk
            # every record object alive (a third more time at 100,000 records); see text.py.
            with cyclic_gc_paused():
                parsed = stream_file(path)
                if source is None and not parsed.database:
                    raise CartsleError(
                        "cannot tell which database wrote this file: name it with --source", file=path
                    )
                results.append(
                    _store(
                        conn,
                        path,
                        data_hash,
                        parsed,
                        source=source,
                        other_methods=other_methods,
                        searched_on=searched_on,
                        query=query,
                    )
                )
            del parsed
            if on_file_read:
                on_file_read(path)
        if update_of is not None:
            linked = [
                (item.search_id, update_of, register_update(conn, item.search_id, update_of))
                for item in results
            ]
            summaries = {summary.search_id: summary for summary in finish_update(conn, linked)}
            results = [replace(item, update=summaries[item.search_id]) for item in results]
    return results


def _store(
    conn: sqlite3.Connection,
    path: Path,
    data_hash: str,
    parsed: StreamedFile,
    *,
    source: str | None,
    other_methods: bool,
    searched_on: str | None,
    query: str | None,
) -> ImportedFile:
    database = source or parsed.database or ""
    counts = {"records": 0, "doi": 0, "pmid": 0, "abstract": 0}

    def counted(records: Iterator[Record]) -> Iterator[Record]:
        for record in records:
            counts["records"] += 1
            counts["doi"] += bool(record.doi)
            counts["pmid"] += bool(record.pmid)
            counts["abstract"] += bool(record.abstract)
            yield record

    search_id = add_search(
        conn,
        database=database,
        other_methods=other_methods,
        format=parsed.format,
        file_name=path.name,
        sha256=data_hash,
        records=counted(parsed.records),
        searched_on=searched_on,
        query=query,
    )
    return ImportedFile(
        search_id=search_id,
        path=path,
        format=parsed.format,
        database=database,
        database_recognised=source is None,
        records=counts["records"],
        with_doi=counts["doi"],
        with_pmid=counts["pmid"],
        with_abstract=counts["abstract"],
    )


def remove_import(conn: sqlite3.Connection, search_id: int) -> Search:
    """Take one import's records out of the review; the caller holds the transaction.

    When the review has been deduplicated, its clusters are rebuilt without the removed records,
    so no cluster keeps a removed record and its duplicates return to screening at once.
    """
    require_transaction(conn)
    search = remove_search(conn, search_id)
    if conn.execute("SELECT 1 FROM dedup_runs LIMIT 1").fetchone():
        rebuild_clusters(conn)
    return search


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
