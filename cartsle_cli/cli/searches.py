"""`cartsle searches`: list the imports, and take one out again."""

from __future__ import annotations

from typing import Annotated

import typer

from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    group,
    pass_down,
    print_json,
    print_table,
    review,
)
from cartsle_cli.review.importing import remove_import
from cartsle_cli.store import transaction
from cartsle_cli.store.searches import list_searches

app = group(
    "List the imported searches; `cartsle searches remove ID` takes one out.", invoke_without_command=True
)


@app.callback()
def searches_command(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Show removed searches too.")] = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """List the imported searches. Example: cartsle searches"""
    if ctx.invoked_subcommand is not None:
        pass_down(ctx)
        return
    with review(db) as conn:
        found = list_searches(conn, include_removed=all_)
    if json_output:
        print_json([vars(search) for search in found])
        return
    print_table(
        "Searches",
        ["id", "database", "other methods", "format", "file", "records", "searched", "imported", "removed"],
        [
            [
                s.id,
                s.database,
                "yes" if s.other_methods else "",
                s.format,
                s.file_name,
                s.record_count,
                s.searched_on,
                s.imported_at,
                s.removed_at,
            ]
            for s in found
        ],
    )


@app.command("remove")
def remove_command(
    search_id: Annotated[int, typer.Argument(help="The search's id, as `cartsle searches` lists it.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Take one import's records out of the review (they stay on record as removed).

    Example: cartsle searches remove 3
    """
    with review(db) as conn, transaction(conn):
        search = remove_import(conn, search_id)
    typer.echo(f"removed search {search.id} ({search.file_name}, {search.record_count} records)")
