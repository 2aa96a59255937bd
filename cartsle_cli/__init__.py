"""cartsle: a systematic review from database exports to pooled results, in one SQLite file."""

__version__ = "0.1.0"
