"""`cartsle status`: records per source and what has happened to them so far."""

from __future__ import annotations

from cartsle_cli.cli.common import DEFAULT_DB, DbOption, JsonOption, print_json, print_table, review
from cartsle_cli.review.status import source_status


def status_command(db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """Records per source: imported, duplicates removed, unique, and where the unique ones stand in screening
    (excluded at title/abstract, excluded at full text, included, awaiting a decision).

    Example: cartsle status
    """
    with review(db) as conn:
        rows = source_status(conn)
    if json_output:
        print_json([vars(row) for row in rows])
        return
    print_table(
        "Review status",
        [
            "search",
            "database",
            "column",
            "records",
            "duplicates",
            "unique",
            "TA excluded",
            "FT excluded",
            "included",
            "awaiting",
        ],
        [
            [
                r.search_id,
                r.database,
                "other methods" if r.other_methods else "databases",
                r.records,
                r.duplicates,
                r.unique,
                r.excluded_title_abstract,
                r.excluded_full_text,
                r.included,
                r.awaiting,
            ]
            for r in rows
        ],
    )
