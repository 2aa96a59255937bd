"""`cartsle searches`: list the imports, and take one out again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

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
    say,
)
from cartsle_cli.store.searches import list_searches

if TYPE_CHECKING:
    from cartsle_cli.search_removal import SearchChange

app = group(
    "List the imported searches; `cartsle searches remove ID --yes` takes one out, `restore ID` puts it back.",
    invoke_without_command=True,
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
        [
            "id",
            "database",
            "other methods",
            "format",
            "file",
            "records",
            "searched",
            "query",
            "imported",
            "removed",
        ],
        [
            [
                s.id,
                s.database,
                "yes" if s.other_methods else "",
                s.format,
                s.file_name,
                s.record_count,
                s.searched_on,
                s.query,
                s.imported_at,
                s.removed_at,
            ]
            for s in found
        ],
    )


@app.command("remove")
def remove_command(
    search_id: Annotated[int, typer.Argument(help="The search's id, as `cartsle searches` lists it.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Remove it: without --yes, only say what changes.")
    ] = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Take one import's records out of the review (they stay on record as removed; `restore` undoes it).

    Decisions made on a cluster keep counting for the records of it that stay. Without --yes
    nothing changes: the command shows what the removal would change and exits with status 1.

    Example: cartsle searches remove 3 --yes
    """
    # search_removal rebuilds clusters (dedup's stages): imported by the commands that change the review
    from cartsle_cli.search_removal import remove_search_keeping_decisions

    with review(db) as conn:
        change = remove_search_keeping_decisions(conn, search_id, apply=yes)
    _show_change(change, json_output)
    if not yes:
        say("nothing removed yet: run again with --yes to remove it", err=True)
        raise typer.Exit(1)


@app.command("restore")
def restore_command(
    search_id: Annotated[
        int, typer.Argument(help="The removed search's id, as `cartsle searches --all` lists it.")
    ],
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Bring a removed search back, with its records and every decision made on them.

    Example: cartsle searches restore 3
    """
    from cartsle_cli.search_removal import restore_removed_search

    with review(db) as conn:
        change = restore_removed_search(conn, search_id)
    _show_change(change, json_output)


def _show_change(change: SearchChange, json_output: bool) -> None:
    if json_output:
        print_json(change.to_dict())
        return
    search = change.search
    verb = {"remove": "removed" if change.applied else "removing", "restore": "restored"}[change.action]
    before, after = vars(change.before), vars(change.after)
    say(f"{verb} search {search.id} ({search.database}, {search.file_name}, {search.record_count} records)")
    print_table(
        None,
        ["", "before", "after"],
        [[name.replace("_", " "), before[name], after[name]] for name in before],
    )
