"""Schema versions and the migrations between them.

The schema version lives in SQLite's ``user_version``. Migration ``n`` takes a review from
version ``n - 1`` to ``n``; they run in order when a review is opened. A review written by a newer
cartsle (a version above :data:`SCHEMA_VERSION`) is refused rather than risked.

Version 1 is the first released schema: the SQL files in ``schema/``, one per pipeline stage,
applied in the order of :data:`INITIAL_SCHEMA_FILES`. Later changes are new entries in
:data:`MIGRATIONS`, never edits of a released file. An entry takes no argument, or the connection
when it must look at the review (a data migration).

Version 1's extraction tables had a column per field of the seed review; the protocol migration
moves their rows into the long ``extract_values`` table and drops them. Their SQL is no longer
applied to new reviews (``tests/store/fixtures/schema_v1_extraction.sql`` keeps it for the test).
What those columns meant is the extraction stage's knowledge, not the store's: the extraction
package registers that data step (:func:`register_data_step`) and the store runs it by name, so
the store imports no later stage. A review that needs a step nobody registered is refused untouched.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats.record import issns_of_fields
from cartsle_cli.store.json_columns import load_json

INITIAL_SCHEMA_FILES = ("core.sql", "dedup.sql", "screening.sql")


def _schema_sql(name: str) -> str:
    # one part per joinpath call: Python 3.10's Traversable.joinpath takes only one
    return resources.files("cartsle_cli.store").joinpath("schema").joinpath(name).read_text("utf-8")


def _initial_schema() -> str:
    return "\n".join(_schema_sql(name) for name in INITIAL_SCHEMA_FILES)


def _search_removal() -> str:
    return _schema_sql("search_removal.sql")


def _fulltext_and_updates() -> str:
    return _schema_sql("week.sql")


def _record_units() -> str:
    return _schema_sql("record_units.sql")


def _appraisal() -> str:  # risk-of-bias appraisals, resolutions, GRADE judgements
    return _schema_sql("appraisal.sql")


def _share() -> str:  # review id, copies given out, event ids, order-free current vote
    return _schema_sql("share.sql")


# A later stage's data step of a migration, by the migration's name: SQL moving that stage's rows
# of an older schema (see the module docstring).
_DATA_STEPS: dict[str, Callable[[sqlite3.Connection], str]] = {}


def register_data_step(migration: str, step: Callable[[sqlite3.Connection], str]) -> None:
    """Let ``step(conn)`` give the SQL that moves a later stage's old rows in ``migration``."""
    _DATA_STEPS[migration] = step


def _data_step(migration: str, conn: sqlite3.Connection) -> str:
    step = _DATA_STEPS.get(migration)
    if step is None:
        raise CartsleError(
            f"this review's {migration} data is of an older form and nothing loaded can move it"
            " (import cartsle_cli.extraction first); the review is left as it was",
            file=getattr(conn, "path", None),
        )
    return step(conn)


def _protocol_schema(conn: sqlite3.Connection) -> str:
    sql = _schema_sql("protocol.sql")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'extraction_loads'").fetchone():
        sql += "\n" + _data_step("extraction", conn)  # version 1's extraction tables
    return sql


def _robins_i_v2() -> str:  # `robins-i` is now V2; earlier appraisals keep the 2016 tool
    return _schema_sql("robins_i_v2.sql")


def _issn_column(conn: sqlite3.Connection) -> str:
    """Records gain their ISSNs as a column, read from the fields of those imported before."""
    conn.create_function(
        "cartsle_issns_of_fields", 1, lambda fields: issns_of_fields(load_json(fields)), deterministic=True
    )
    return _schema_sql("issn.sql")


# Each entry returns the SQL that takes the schema one version up (a data migration takes the
# connection).
MIGRATIONS: list[Callable[..., str]] = [
    _initial_schema,
    _search_removal,
    _fulltext_and_updates,
    _record_units,
    _appraisal,
    _protocol_schema,
    _share,
    _robins_i_v2,
    _issn_column,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the review at ``path`` up to :data:`SCHEMA_VERSION`, each step in one transaction."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise CartsleError(
            f"this review was written by a newer cartsle (schema {version}, this cartsle knows "
            f"up to {SCHEMA_VERSION}); upgrade cartsle to open it",
            file=path,
        )
    for number in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) < number:  # another process may have migrated meanwhile
                # Statement by statement: executescript would commit half-way.
                for statement in split_statements(_migration_sql(MIGRATIONS[number - 1], conn)):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _migration_sql(step: Callable[..., str], conn: sqlite3.Connection) -> str:
    return step(conn) if inspect.signature(step).parameters else step()


def split_statements(sql: str) -> list[str]:
    """Split an SQL script into complete statements."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
