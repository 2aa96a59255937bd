"""The protocol in the review: every load a new version, the latest the current one.

Each version keeps the file's text, so an extraction checked against version 2 can always be read
against version 2, whatever was loaded since.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cartsle_cli.errors import CartsleError
from cartsle_cli.protocol.model import Protocol
from cartsle_cli.protocol.parse import parse_protocol, read_protocol
from cartsle_cli.store import transaction


@dataclass(frozen=True)
class ProtocolVersion:
    version: int
    loaded_at: str
    file: str
    sha256: str
    title: str

    def to_dict(self) -> dict:
        return vars(self).copy()


@dataclass(frozen=True)
class StoredProtocol:
    version: ProtocolVersion
    protocol: Protocol


def load_protocol(conn: sqlite3.Connection, path: str | Path) -> ProtocolVersion:
    """Check the file and store it as the review's new current version (nothing stored if bad)."""
    protocol = read_protocol(path)
    text = protocol.text
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO protocol_versions (loaded_at, file, sha256, title, text) VALUES (?, ?, ?, ?, ?)",
            (
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
                str(path),
                hashlib.sha256(text.encode("utf-8")).hexdigest(),
                protocol.title,
                text,
            ),
        )
    return protocol_versions(conn, cursor.lastrowid)[0]


def protocol_versions(conn: sqlite3.Connection, version: int | None = None) -> list[ProtocolVersion]:
    """Every version, newest first (or just ``version``)."""
    where, arguments = ("WHERE id = ?", (version,)) if version is not None else ("", ())
    rows = conn.execute(
        f"SELECT id, loaded_at, file, sha256, title FROM protocol_versions {where} ORDER BY id DESC",
        arguments,
    ).fetchall()
    return [ProtocolVersion(*row) for row in rows]


def stored_protocol(conn: sqlite3.Connection, version: int | None = None) -> StoredProtocol:
    """The current protocol (or ``version``), parsed from the text stored with it."""
    versions = protocol_versions(conn, version)
    if not versions:
        if version is not None:
            raise CartsleError(f"no protocol version {version}: `cartsle protocol show --json` lists them")
        raise CartsleError(
            "this review has no protocol yet: `cartsle protocol init --out protocol.toml`, edit it,"
            " then `cartsle protocol load protocol.toml`"
        )
    found = versions[0]
    text = conn.execute("SELECT text FROM protocol_versions WHERE id = ?", (found.version,)).fetchone()[0]
    return StoredProtocol(found, parse_protocol(text, f"protocol version {found.version}"))
