"""A labelled set as the simulation uses it (labels, record ids, each model's features), kept.

Reading a labelled file and computing its TF-IDF costs a fresh process scikit-learn's import
(which loads pandas and scipy.stats with it), the CSV reading and the TF-IDF itself: several
seconds of CPU before the first record is screened, on every `cartsle screen simulate` of the same
file with another model, seed or option. What the simulation needs of it is kept in the user's cache
folder, one file per labelled file's exact bytes, ``--label`` option and model's feature settings
(with scikit-learn's version); a changed file is a new key, so kept data is never stale. A later
simulation of the same file loads it with NumPy and SciPy alone. Only files that were read without
error are kept, so a kept file gives what reading it again would. It is a cache: deleting the
folder costs one rebuild; an unwritable or damaged one means no cache, never an error. Once the
folder holds more than :data:`CACHE_LIMIT_BYTES`, the sets used least recently are deleted (using
one refreshes its time), never those of the simulation that is writing.

The folder is ``$CARTSLE_CACHE/simulate`` when ``CARTSLE_CACHE`` is set (set it empty to keep
nothing), else ``$XDG_CACHE_HOME/cartsle/simulate``, else ``~/.cache/cartsle/simulate``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from scipy import sparse

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.ranking.model import RankingModel

CACHE_VERSION = 1
# Kept sets beyond this many bytes in all are deleted, least recently used first: a few hundred
# sets of thousands of records, or a handful of very large ones.
CACHE_LIMIT_BYTES = 1 << 30


@dataclass(frozen=True)
class PreparedSet:
    """What a simulation reads of a labelled set: no texts, each model's features instead."""

    label_column: str
    record_ids: list[str]
    labels: list[int]
    features: dict[str, sparse.csr_matrix]  # model name -> its features, one row per record


def cache_folder() -> Path | None:
    """Where prepared sets are kept; None when ``CARTSLE_CACHE`` is set empty."""
    chosen = os.environ.get("CARTSLE_CACHE")
    if chosen is not None:
        return Path(chosen) / "simulate" if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cartsle" / "simulate"


def _key(content: bytes, label: str | None, model: RankingModel) -> str:
    digest = hashlib.sha256(f"{CACHE_VERSION} {label!r} {model.features!r}".encode())
    digest.update(metadata.version("scikit-learn").encode())  # the TF-IDF's code
    digest.update(content)
    return digest.hexdigest()


def _load(path: Path) -> tuple[str, list[str], list[int], sparse.csr_matrix] | None:
    try:
        with np.load(path) as kept:
            matrix = sparse.csr_matrix(
                (kept["data"], kept["indices"], kept["indptr"]), shape=tuple(kept["shape"])
            )
            return str(kept["label_column"]), kept["record_ids"].tolist(), kept["labels"].tolist(), matrix
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        return None  # none, damaged, cut short or from another version: prepare again


def _save(
    path: Path, label_column: str, record_ids: list[str], labels: list[int], matrix: sparse.csr_matrix
) -> None:
    """Write whole or not at all (a temporary file renamed into place)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            temporary,
            label_column=np.array(label_column),
            record_ids=np.array(record_ids, dtype=str),
            labels=np.array(labels, dtype=np.int8),
            data=matrix.data,
            indices=matrix.indices,
            indptr=matrix.indptr,
            shape=np.array(matrix.shape),
        )
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def prepare(path: str | Path, label: str | None, models: Mapping[str, RankingModel]) -> PreparedSet:
    """The labelled set at ``path`` with each model's features: kept ones when every model has
    them, else read and computed (each feature part once for all models) and kept."""
    path = Path(path)
    if not path.is_file():
        raise CartsleError("no such file", file=path)
    content = path.read_bytes()
    folder = cache_folder()
    files = (
        {name: folder / f"{_key(content, label, model)}.npz" for name, model in models.items()}
        if folder
        else {}
    )
    kept = {name: _load(file) for name, file in files.items()}
    if kept and all(kept.values()):
        for file in files.values():
            _mark_used(file)
        first = next(value for value in kept.values() if value)
        label_column, record_ids, labels, _ = first
        return PreparedSet(
            label_column, record_ids, labels, {name: value[3] for name, value in kept.items() if value}
        )
    from cartsle_cli.screening.ranking.features import fit_all
    from cartsle_cli.screening.ranking.labelled import labelled_from_bytes

    labelled = labelled_from_bytes(path, content, label)
    features = fit_all(
        {name: model.features for name, model in models.items()}, labelled.texts, labelled.keywords
    )
    for name, file in files.items():
        _save(file, labelled.label_column, labelled.record_ids, labelled.labels, features[name])
    if folder:
        trim(folder, keep=set(files.values()), limit=CACHE_LIMIT_BYTES)
    return PreparedSet(labelled.label_column, labelled.record_ids, labelled.labels, features)


def _mark_used(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def trim(folder: Path, *, keep: set[Path], limit: int) -> None:
    """Delete kept sets, least recently used first, until the folder holds at most ``limit``
    bytes, sparing ``keep`` and other processes' files still being written (``*.tmp.npz``). A file
    another process deletes first, or that cannot be deleted, is passed over."""
    entries, total = [], 0
    for file in folder.glob("*.npz"):
        if file.name.endswith(".tmp.npz"):
            continue
        try:
            status = file.stat()
        except OSError:
            continue
        total += status.st_size
        if file not in keep:
            entries.append((status.st_mtime, status.st_size, file))
    for _, size, file in sorted(entries):
        if total <= limit:
            return
        with contextlib.suppress(OSError):
            file.unlink()
            total -= size
