"""Deduplication: normalise -> block -> compare -> cluster -> merge, plus a person's decisions.

:func:`run_dedup` runs the pipeline incrementally on a review; :func:`merged_record` shows a
cluster as one record.

The two are loaded on first use (PEP 562): screening and the reading commands import small
modules of this package (``dedup.removed``, ``dedup.decisions``), and importing the package
itself must not load the blocking and comparing stages (NumPy, RapidFuzz) they never run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cartsle_cli.dedup.merge import MergedRecord, merged_record
    from cartsle_cli.dedup.run import DedupRun, run_dedup

_EXPORTS = {
    "DedupRun": "cartsle_cli.dedup.run",
    "run_dedup": "cartsle_cli.dedup.run",
    "MergedRecord": "cartsle_cli.dedup.merge",
    "merged_record": "cartsle_cli.dedup.merge",
}

__all__ = ["DedupRun", "MergedRecord", "merged_record", "run_dedup"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
