"""Resolving many appraisal conflicts from one CSV: study_id, [outcome], domain, judgement, note.

Checked row by row against the tool and the stored appraisals inside one transaction: the first
bad row names its file, line and column, and nothing is stored.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cartsle_cli.appraisal.store import Resolution, resolve
from cartsle_cli.appraisal.tool import Tool
from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.csvfile import read_csv
from cartsle_cli.store import transaction


def resolve_from_file(
    conn: sqlite3.Connection, tool: Tool, path: str | Path, reviewer: str | None
) -> list[Resolution]:
    table = read_csv(path)
    required = ["study_id", *(["outcome"] if tool.per_outcome else []), "domain", "judgement"]
    for name in required:
        if name not in table.header:
            raise CartsleError(
                f"required column {name!r} is missing from the header",
                file=table.path,
                line=table.header_line,
                field=name,
            )
    for name in table.header:
        if name not in [*required, "note"]:
            raise CartsleError(
                f"unknown column {name!r}: use {', '.join(required)}, note",
                file=table.path,
                line=table.header_line,
                field=name,
            )
    stored = []
    with transaction(conn):
        for row in table.rows:
            cells = {k: " ".join(v.split()) for k, v in row.cells.items()}
            stored.append(
                resolve(
                    conn,
                    tool,
                    study_id=cells["study_id"],
                    outcome=cells.get("outcome", ""),
                    domain=cells["domain"],
                    judgement=cells["judgement"],
                    reviewer=reviewer,
                    note=cells.get("note"),
                    where=row.line,
                    file=str(table.path),
                )
            )
    return stored
