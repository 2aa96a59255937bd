"""The review store: one SQLite file, its schema, migrations and transactions."""

from cartsle_cli.store.connection import open_review, require_transaction, transaction

__all__ = ["open_review", "require_transaction", "transaction"]
