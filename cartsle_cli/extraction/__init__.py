"""Extraction: the studies and patients files a reviewer fills in, validated and stored.

Importing the package registers the data step of the protocol migration (version 1's extraction
tables into the long form, ``legacy.py``) with the store, which may not import a later stage; the
step's own module is loaded only when such a review is opened.
"""

from __future__ import annotations

import sqlite3

from cartsle_cli.store.migrations import register_data_step


def _version_1_extraction(conn: sqlite3.Connection) -> str:
    from cartsle_cli.extraction.legacy import legacy_extraction_sql

    return legacy_extraction_sql(conn)


register_data_step("extraction", _version_1_extraction)
