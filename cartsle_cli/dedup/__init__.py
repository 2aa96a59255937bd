"""Deduplication: normalise -> block -> compare -> cluster -> merge, plus a person's decisions.

:func:`run_dedup` runs the pipeline incrementally on a review; :func:`merged_record` shows a
cluster as one record.
"""

from cartsle_cli.dedup.merge import MergedRecord, merged_record
from cartsle_cli.dedup.run import DedupRun, run_dedup

__all__ = ["DedupRun", "MergedRecord", "merged_record", "run_dedup"]
