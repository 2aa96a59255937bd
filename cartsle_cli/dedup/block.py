"""Block: the candidate pairs worth comparing, so that cost grows about linearly.

A record is put in one block per key: its DOI, its PMID, the first and the last
:data:`TITLE_KEY` characters of its folded title (a typo in one half, or a truncated title, still
shares the other half), its first author with the year, year, volume and first page, and year,
volume and journal (the initials of its words, which abbreviations keep: a pair whose title,
identifiers, first author and first page all differ a little is still compared). Pairs
inside a block of up to :data:`MAX_BLOCK` records are all compared; a larger block (a common
surname in one year, a supplement's DOI) is sorted by title and each record compared with its
:data:`WINDOW` next neighbours only (sorted neighbourhood, Hernández and Stolfo 1995, "The
merge/purge problem for large databases", SIGMOD).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from cartsle_cli.dedup.normalise import Prepared

TITLE_KEY = 24
MAX_BLOCK = 40
WINDOW = 10

KeyFunction = Callable[[Prepared], object]


def _doi(record: Prepared) -> object:
    return record.doi


def _pmid(record: Prepared) -> object:
    return record.pmid


def _title_start(record: Prepared) -> object:
    return record.title_key[:TITLE_KEY] if len(record.title_key) >= 10 else None


def _title_end(record: Prepared) -> object:
    return record.title_key[-TITLE_KEY:] if len(record.title_key) >= 2 * TITLE_KEY else None


def _author_year(record: Prepared) -> object:
    return (record.authors[0], record.year) if record.authors and record.year else None


def _volume_page(record: Prepared) -> object:
    return (record.year, record.volume, record.first_page) if record.volume and record.first_page else None


def _journal_volume(record: Prepared) -> object:
    if not (record.volume and record.year and record.journal):
        return None
    return (record.year, record.volume, "".join(word[0] for word in record.journal))


BLOCK_KEYS: tuple[KeyFunction, ...] = (
    _doi,
    _pmid,
    _title_start,
    _title_end,
    _author_year,
    _volume_page,
    _journal_volume,
)


def candidate_pairs(records: Sequence[Prepared], is_new: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """Each candidate pair once, as positions ``(i, j)`` with ``i < j`` in ``records``, keeping only
    pairs with at least one new record (earlier runs have compared the rest)."""
    size = len(records)
    for code in candidate_codes(records, is_new).tolist():
        yield divmod(code, size)


def candidate_codes(
    records: Sequence[Prepared],
    is_new: Sequence[bool],
    progress: Callable[[str, int, int], None] | None = None,
) -> np.ndarray:
    """The candidate pairs as sorted unique codes ``i * len(records) + j`` (``i < j``): 8 bytes a
    pair, so that a million records' pairs are counted (for the progress bar) and deduplicated
    without a Python set of them."""
    size = len(records)
    codes = array("q")
    for done, key in enumerate(BLOCK_KEYS):
        if progress:
            progress("blocking: keys done", done, len(BLOCK_KEYS))
        for block in _blocks(records, key, is_new):
            for i, j in _pairs_in(block, records):
                if not (is_new[i] or is_new[j]):
                    continue
                codes.append(i * size + j if i < j else j * size + i)
    return np.unique(np.frombuffer(codes, dtype=np.int64)) if codes else np.zeros(0, dtype=np.int64)


def _blocks(records: Sequence[Prepared], key: KeyFunction, is_new: Sequence[bool]) -> Iterator[list[int]]:
    groups: dict[object, list[int]] = {}
    for position, record in enumerate(records):
        value = key(record)
        if value is not None:
            groups.setdefault(value, []).append(position)
    for block in groups.values():
        if len(block) > 1 and any(is_new[position] for position in block):
            yield block


def _pairs_in(block: list[int], records: Sequence[Prepared]) -> Iterator[tuple[int, int]]:
    if len(block) <= MAX_BLOCK:
        for n, i in enumerate(block):
            for j in block[n + 1 :]:
                yield i, j
        return
    ordered = sorted(block, key=lambda position: records[position].title_key)
    for n, i in enumerate(ordered):
        for j in ordered[n + 1 : n + 1 + WINDOW]:
            yield i, j
