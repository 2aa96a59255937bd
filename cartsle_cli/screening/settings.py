"""The review's screening settings: exclusion reasons, highlight keywords, reviewers required."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cartsle_cli.errors import CartsleError
from cartsle_cli.store.connection import require_transaction

DEFAULT_REVIEWERS_REQUIRED = 2
NOT_RETRIEVED_REASON = "full text not retrievable"
OTHER_REASON = "other"


@dataclass(frozen=True)
class Keywords:
    include: list[str]
    exclude: list[str]


def reasons(conn: sqlite3.Connection) -> list[str]:
    """The full-text exclusion reasons, in the order they were added."""
    return [row[0] for row in conn.execute("SELECT label FROM screening_reasons ORDER BY id")]


def add_reason(conn: sqlite3.Connection, label: str) -> str:
    """Add a reason; the caller holds the transaction."""
    require_transaction(conn)
    label = " ".join(label.split())
    if not label:
        raise CartsleError("a reason needs some text")
    if canonical_reason(conn, label):
        raise CartsleError(f"the reason {label!r} is already on the list")
    conn.execute("INSERT INTO screening_reasons (label) VALUES (?)", (label,))
    return label


def canonical_reason(conn: sqlite3.Connection, label: str) -> str | None:
    """The listed spelling of ``label`` (matched ignoring case and spacing), or None."""
    row = conn.execute(
        "SELECT label FROM screening_reasons WHERE label = ?", (" ".join(label.split()),)
    ).fetchone()
    return row[0] if row else None


def keywords(conn: sqlite3.Connection) -> Keywords:
    rows = conn.execute("SELECT word, kind FROM screening_keywords ORDER BY kind, word").fetchall()
    return Keywords(
        include=[row["word"] for row in rows if row["kind"] == "include"],
        exclude=[row["word"] for row in rows if row["kind"] == "exclude"],
    )


def set_keywords(
    conn: sqlite3.Connection, *, include: list[str], exclude: list[str], remove: list[str]
) -> Keywords:
    """Add inclusion and exclusion keywords and remove others; the caller holds the transaction."""
    require_transaction(conn)
    for word in remove:
        conn.execute("DELETE FROM screening_keywords WHERE word = ?", (word.strip(),))
    for kind, words in (("include", include), ("exclude", exclude)):
        conn.executemany(
            "INSERT OR IGNORE INTO screening_keywords (word, kind) VALUES (?, ?)",
            [(word.strip(), kind) for word in words if word.strip()],
        )
    return keywords(conn)


def reviewers_required(conn: sqlite3.Connection) -> int:
    """How many reviewers must vote on a record before their votes decide it (1 or 2 ...)."""
    row = conn.execute("SELECT value FROM screening_settings WHERE name = 'reviewers_required'").fetchone()
    return int(row[0]) if row else DEFAULT_REVIEWERS_REQUIRED


def set_reviewers_required(conn: sqlite3.Connection, count: int) -> None:
    if count < 1:
        raise CartsleError("at least one reviewer must screen each record", field="reviewers")
    conn.execute(
        "INSERT INTO screening_settings (name, value) VALUES ('reviewers_required', ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (str(count),),
    )


RANKING_MODEL = "ranking_model"


def ranking_model(conn: sqlite3.Connection) -> str | None:
    """The model that prioritised title/abstract screening (its name and parts), or None when no
    decision was taken in a ranked order: the methods paragraph names it from here."""
    row = conn.execute("SELECT value FROM screening_settings WHERE name = ?", (RANKING_MODEL,)).fetchone()
    return row[0] if row else None


def record_ranking_model(conn: sqlite3.Connection, description: str) -> None:
    """Note that a decision was taken in the order ``description`` ranked; the caller holds the
    transaction (the decision's own)."""
    require_transaction(conn)
    conn.execute(
        "INSERT INTO screening_settings (name, value) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (RANKING_MODEL, description),
    )
