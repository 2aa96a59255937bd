"""The ranking model's features, computed once per review and kept beside the review file.

TF-IDF of 100,000 records takes a minute; reading it back takes a fraction of a second. The
features live in ``<review>.features.npz`` next to the review (a cache: deleting it only costs the
next launch the rebuild), stamped with a fingerprint of the records they were computed from (their
ids and searches, the member that filled each gap of a merged record, the model's feature settings).
When the records change the fingerprint no longer matches and the features are rebuilt. The last
order the model produced for each reviewer is kept the same way, so a later launch shows a ranked
record at once and re-ranks in the background.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from cartsle_cli.screening.ranking.model import DEFAULT_MODEL, RankingModel
from cartsle_cli.screening.studies import table_exists

CACHE_VERSION = 1
Step = Callable[[str], None]  # told what is being done now


@dataclass(frozen=True)
class ReviewTexts:
    record_ids: list[int]  # unique records (kept record of each cluster), by id
    texts: list[str]  # title + abstract
    keywords: list[str]  # keyword / MeSH terms, "; "-separated


@dataclass(frozen=True)
class ReviewFeatures:
    record_ids: list[int]
    matrix: sparse.csr_matrix
    fingerprint: str


def review_texts(conn: sqlite3.Connection) -> ReviewTexts:
    """What the model reads of each unique record: dedup's merged text when there is one."""
    if table_exists(conn, "merged_records"):
        sql = (
            "SELECT r.id, COALESCE(NULLIF(m.title, ''), r.title), COALESCE(NULLIF(m.abstract, ''), r.abstract),"
            " r.keywords FROM unique_records r LEFT JOIN merged_records m ON m.cluster_id = r.id ORDER BY r.id"
        )
    else:
        sql = "SELECT r.id, r.title, r.abstract, r.keywords FROM unique_records r ORDER BY r.id"
    ids, texts, keywords = [], [], []
    for record_id, title, abstract, terms in conn.execute(sql):
        ids.append(record_id)
        texts.append(f"{title or ''} {abstract or ''}")
        keywords.append("; ".join(json.loads(terms or "[]")))
    return ReviewTexts(ids, texts, keywords)


def fingerprint(conn: sqlite3.Connection, model: RankingModel = DEFAULT_MODEL) -> str:
    """Changes when the unique records, their merged text or the feature settings change; cheap
    (no record text is read). A record's text never changes once imported (a removal is soft, an
    id never reused), so the texts the model reads are told by the unique records' ids, the
    searches they came from (a review file made anew beside features kept for an earlier one has
    searches of its own) and, for each cluster, the member that filled each gap of its kept record
    (``merged_records.filled_from``)."""
    digest = hashlib.sha256(f"{CACHE_VERSION} {model.features!r}".encode())
    ids = np.fromiter(
        (row[0] for row in conn.execute("SELECT id FROM unique_records ORDER BY id")), dtype=np.int64
    )
    digest.update(ids.tobytes())
    searches = conn.execute(
        "SELECT group_concat(id || ' ' || sha256 || ' ' || imported_at, ';')"
        " FROM (SELECT id, sha256, imported_at FROM searches ORDER BY id)"
    ).fetchone()[0]
    digest.update(repr(searches).encode())
    if table_exists(conn, "merged_records"):
        merged = conn.execute(
            "SELECT group_concat(cluster_id || ' ' || filled_from, ';')"
            " FROM (SELECT cluster_id, filled_from FROM merged_records ORDER BY cluster_id)"
        ).fetchone()[0]
        digest.update(repr(merged).encode())
    return digest.hexdigest()


def features_path(db: Path) -> Path:
    return Path(db).with_name(Path(db).name + ".features.npz")


def order_path(db: Path, reviewer: str) -> Path:
    tag = hashlib.sha256(reviewer.encode()).hexdigest()[:12]
    return Path(db).with_name(f"{Path(db).name}.order-{tag}.npz")


def _save(path: Path, **arrays: np.ndarray) -> None:
    """Write whole or not at all (a temporary file renamed over the old one); a read-only folder
    only means no cache."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    try:
        np.savez(temporary, **arrays)  # type: ignore[arg-type]  # numpy types **kwds as arrays but also offers allow_pickle: bool, which mypy takes **arrays to fill
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def features_current(db: Path, conn: sqlite3.Connection, model: RankingModel = DEFAULT_MODEL) -> bool:
    """Whether kept features match the records now (reads only their stamp, not the matrix)."""
    try:
        with np.load(features_path(db)) as saved:
            return str(saved["fingerprint"]) == fingerprint(conn, model)
    except (OSError, KeyError, ValueError):
        return False


def load_features(
    db: Path, conn: sqlite3.Connection, model: RankingModel = DEFAULT_MODEL
) -> ReviewFeatures | None:
    """The kept features, or None when there are none or the records changed since."""
    path = features_path(db)
    if not path.is_file():
        return None
    stamp = fingerprint(conn, model)
    try:
        with np.load(path) as saved:
            if str(saved["fingerprint"]) != stamp:
                return None
            matrix = sparse.csr_matrix(
                (saved["data"], saved["indices"], saved["indptr"]), shape=tuple(saved["shape"])
            )
            return ReviewFeatures(saved["record_ids"].tolist(), matrix, stamp)
    except (OSError, KeyError, ValueError):
        return None  # damaged or from another version: rebuild


def build_features(
    db: Path, conn: sqlite3.Connection, model: RankingModel = DEFAULT_MODEL, step: Step | None = None
) -> ReviewFeatures:
    """Compute the features from the records and keep them beside the review."""
    stamp = fingerprint(conn, model)
    if step:
        step("reading records")
    texts = review_texts(conn)
    if step:
        step(f"computing features of {len(texts.record_ids):,} records")
    matrix = model.features.fit_transform(texts.texts, texts.keywords).tocsr()
    if step:
        step("saving features")
    _save(
        features_path(db),
        data=matrix.data,
        indices=matrix.indices,
        indptr=matrix.indptr,
        shape=np.array(matrix.shape),
        record_ids=np.array(texts.record_ids, dtype=np.int64),
        fingerprint=np.array(stamp),
    )
    return ReviewFeatures(texts.record_ids, matrix, stamp)


def review_features(
    db: Path, conn: sqlite3.Connection, model: RankingModel = DEFAULT_MODEL, step: Step | None = None
) -> ReviewFeatures:
    return load_features(db, conn, model) or build_features(db, conn, model, step)


def save_order(db: Path, reviewer: str, record_ids: list[int]) -> None:
    _save(order_path(db, reviewer), order=np.array(record_ids, dtype=np.int64))


def load_order(db: Path, reviewer: str) -> list[int]:
    """The last ranked order for ``reviewer`` (maybe stale: the caller keeps only records still to do)."""
    try:
        with np.load(order_path(db, reviewer)) as saved:
            return saved["order"].tolist()
    except (OSError, KeyError, ValueError):
        return []
