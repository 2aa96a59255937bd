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

from collections.abc import Callable, Iterator, Sequence
from itertools import compress, count

import numpy as np

from cartsle_cli.dedup.normalise import Prepared

TITLE_KEY = 24
MAX_BLOCK = 40
WINDOW = 10

# One blocking key over all the records at once: each record's key value, None for no key. The
# folded titles without spaces come computed once for every key that reads them.
KeyValues = Callable[[Sequence[Prepared], list[str]], list]


def _doi(records: Sequence[Prepared], titles: list[str]) -> list:
    return [record.doi for record in records]


def _pmid(records: Sequence[Prepared], titles: list[str]) -> list:
    return [record.pmid for record in records]


def _title_start(records: Sequence[Prepared], titles: list[str]) -> list:
    return [title[:TITLE_KEY] if len(title) >= 10 else None for title in titles]


def _title_end(records: Sequence[Prepared], titles: list[str]) -> list:
    return [title[-TITLE_KEY:] if len(title) >= 2 * TITLE_KEY else None for title in titles]


def _author_year(records: Sequence[Prepared], titles: list[str]) -> list:
    return [
        (record.authors[0], record.year) if record.authors and record.year else None for record in records
    ]


def _volume_page(records: Sequence[Prepared], titles: list[str]) -> list:
    return [
        (record.year, record.volume, record.first_page) if record.volume and record.first_page else None
        for record in records
    ]


def _journal_volume(records: Sequence[Prepared], titles: list[str]) -> list:
    initials: dict[tuple[str, ...], str] = {}  # a few thousand journals for a million records
    for record in records:
        if record.journal not in initials:
            initials[record.journal] = "".join(word[0] for word in record.journal)
    return [
        (record.year, record.volume, initials[record.journal])
        if record.volume and record.year and record.journal
        else None
        for record in records
    ]


BLOCK_KEYS: tuple[KeyValues, ...] = (
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
    without a Python set of them. The pairs of each key are made by numpy, a block size at a time,
    not one Python tuple a pair."""
    size = len(records)
    new = np.fromiter(is_new, dtype=bool, count=size)
    titles = [record.title_key for record in records]
    codes = []
    for done, key in enumerate(BLOCK_KEYS):
        if progress:
            progress("blocking: keys done", done, len(BLOCK_KEYS))
        codes.append(_codes(key(records, titles), titles, new, size))
    return _unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)


def _unique(codes: np.ndarray) -> np.ndarray:
    """``np.unique(codes)``, by a sort: numpy 2.3 and later find the unique values of integers
    through a hash table, and on a million records' millions of codes that took some 40 times as
    long as sorting them (numpy 2.4: 6.3 s against 0.16 s for five million codes)."""
    codes = np.sort(codes)
    first = np.ones(len(codes), dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    return codes[first]


def _codes(values: list, titles: list[str], new: np.ndarray, size: int) -> np.ndarray:
    """The pair codes of one key: all pairs inside each block of up to :data:`MAX_BLOCK` records
    sharing a value, the sorted neighbourhood of each larger block, and of those the pairs with a
    new record. The values are hashed and sorted as 64-bit numbers (16 bytes a record, where a dict
    of lists costs some 250): a million records' blocks fit in memory. Two values with one hash only
    put more records in a block, which compares them."""
    # A key value is None or true (a DOI, a title's start, a tuple): compress and filter, which
    # run in C, pick the records with one.
    where = np.fromiter(compress(count(), values), dtype=np.int64)
    if len(where) < 2:
        return np.zeros(0, dtype=np.int64)
    hashes = np.fromiter(map(hash, filter(None, values)), dtype=np.int64, count=len(where))
    order = np.argsort(hashes, kind="stable")  # stable: each block's positions stay in file order
    hashes, where = hashes[order], where[order]
    starts = np.flatnonzero(np.concatenate(([True], hashes[1:] != hashes[:-1])))
    lengths = np.diff(np.append(starts, len(hashes)))
    firsts, seconds = [], []
    for length in np.unique(lengths[lengths > 1]).tolist():
        block_starts = starts[lengths == length]
        if length <= MAX_BLOCK:
            left, right = np.triu_indices(length, 1)
            firsts.append(where[block_starts[:, None] + left].ravel())
            seconds.append(where[block_starts[:, None] + right].ravel())
            continue
        for start in block_starts.tolist():
            ordered = np.array(sorted(where[start : start + length].tolist(), key=titles.__getitem__))
            for step in range(1, min(WINDOW, length - 1) + 1):
                firsts.append(ordered[:-step])
                seconds.append(ordered[step:])
    if not firsts:
        return np.zeros(0, dtype=np.int64)
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    keep = new[first] | new[second]
    first, second = first[keep], second[keep]
    return np.minimum(first, second) * size + np.maximum(first, second)
