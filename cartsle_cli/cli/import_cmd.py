"""`cartsle import`: search exports into the review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    print_json,
    print_table,
    progress_bar,
    review,
    stderr,
)
from cartsle_cli.errors import CartsleError
from cartsle_cli.importing import import_files


def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Export files: RIS, MEDLINE/nbib, Ovid, WoS, CSV, BibTeX.", show_default=False),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Database name; recognised from the file when left out.")
    ] = None,
    other: Annotated[
        bool,
        typer.Option(
            "--other",
            help="An 'other methods' source (conference archive, citation search): PRISMA's second column.",
        ),
    ] = False,
    searched: Annotated[
        str | None, typer.Option("--searched", help="Date the search was run (YYYY-MM-DD).")
    ] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="The search query, for the methods section.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Import a file even if its content was imported before.")
    ] = False,
    update_of: Annotated[
        int | None,
        typer.Option(
            "--update-of",
            help="The file reruns this search (`cartsle searches` lists them): records seen before are linked, only new ones reach screening.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Import search exports. The format is detected from the content; all files or none are stored.

    Example: cartsle import pubmed.nbib embase.ris --searched 2025-03-01

    A rerun of a search: cartsle import --update-of 1 pubmed_2025.nbib --searched 2025-09-01
    """
    new_review = not db.exists()
    try:
        with review(db, create=True) as conn, progress_bar("reading", total=len(files)) as bar:
            imported = import_files(
                conn,
                files,
                source=source,
                other_methods=other,
                searched_on=searched,
                query=query,
                force=force,
                update_of=update_of,
                on_file_read=lambda _: bar.advance(bar.task_ids[0]),
            )
    except CartsleError:
        if new_review:  # a failed first import leaves no empty review file behind
            for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    if json_output:
        print_json(
            [
                {
                    **vars(item),
                    "path": str(item.path),
                    "update": item.update.to_dict() if item.update else None,
                }
                for item in imported
            ]
        )
        return
    for item in imported:
        if item.database_recognised:
            stderr().print(
                f"{item.path.name}: recognised as {item.database} ({item.format})",
                markup=False,
                highlight=False,
            )
    print_table(
        "Imported",
        ["search", "file", "format", "database", "records", "with DOI", "with PMID", "with abstract"],
        [
            [
                i.search_id,
                i.path.name,
                i.format,
                i.database,
                i.records,
                i.with_doi,
                i.with_pmid,
                i.with_abstract,
            ]
            for i in imported
        ],
    )
    updates = [item.update for item in imported if item.update]
    if updates:
        print_table(
            "Search update",
            [
                "search",
                "updates",
                "round",
                "records",
                "seen before (same id)",
                "seen before (duplicate)",
                "duplicates within",
                "new unique",
            ],
            [
                [
                    u.search_id,
                    u.update_of,
                    u.round,
                    u.records,
                    u.linked_by_id,
                    u.duplicates_of_known,
                    u.duplicates_within,
                    u.new_unique,
                ]
                for u in updates
            ],
        )
