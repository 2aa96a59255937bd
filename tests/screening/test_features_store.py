"""The review's features: computed once, kept beside the review, rebuilt when the records change."""

from __future__ import annotations

import numpy as np

from cartsle_cli.screening.features_store import (
    build_features,
    features_current,
    features_path,
    load_features,
    load_order,
    review_features,
    save_order,
)
from cartsle_cli.screening.queue import build_queue
from cartsle_cli.screening.ranking.model import DEFAULT_MODEL, ELAS_U4, Ranker
from cartsle_cli.store import open_review, transaction

from .conftest import add_records, cluster, make_record


def test_features_are_kept_and_read_back_until_the_records_change(db, conn):
    add_records(db, [make_record(i, keywords=["Humans", f"Topic {i % 2}"]) for i in range(6)])
    assert not features_current(db, conn)
    built = build_features(db, conn)
    assert features_path(db).is_file() and features_current(db, conn)
    kept = load_features(db, conn)
    assert kept.record_ids == built.record_ids
    assert (kept.matrix != built.matrix).nnz == 0
    add_records(db, [make_record(99)], database="Embase")  # new records: the kept ones are stale
    assert not features_current(db, conn) and load_features(db, conn) is None
    assert len(review_features(db, conn).record_ids) == 7


def test_a_review_made_anew_in_the_same_file_does_not_take_the_features_kept_beside_it(db):
    """Same file name, same number of records, so the same ids 1-6, other texts: another import."""
    add_records(db, [make_record(i) for i in range(6)])
    conn = open_review(db)
    build_features(db, conn)
    conn.close()
    for path in db.parent.glob(db.name + "*"):
        if path != features_path(db):
            path.unlink()
    ids = add_records(
        db, [make_record(i, title=f"Knee surgery trial {i}") for i in range(6)], database="Embase"
    )
    conn = open_review(db)
    try:
        assert ids == list(range(1, 7)) and features_path(db).is_file()
        assert not features_current(db, conn) and load_features(db, conn) is None
    finally:
        conn.close()


def test_a_merged_text_filled_from_another_member_is_a_change_even_at_the_same_length(db, conn):
    kept, first, second = add_records(
        db,
        [
            make_record(0, abstract=None),
            make_record(1, abstract="Abstract one"),
            make_record(2, abstract="Abstract two"),
        ],
    )
    cluster(db, kept, first, second)
    with transaction(conn):
        conn.execute(
            "INSERT INTO merged_records (cluster_id, title, abstract, filled_from) VALUES (?, 't', ?, ?)",
            (kept, "Abstract one", f'{{"abstract": {first}}}'),
        )
    build_features(db, conn)
    assert features_current(db, conn)
    with transaction(conn):  # as a later run whose kept record's abstract came from the other member
        conn.execute(
            "UPDATE merged_records SET abstract = ?, filled_from = ? WHERE cluster_id = ?",
            ("Abstract two", f'{{"abstract": {second}}}', kept),
        )
    assert not features_current(db, conn)


def test_a_damaged_features_file_is_rebuilt_not_trusted(db, conn):
    add_records(db, [make_record(i) for i in range(3)])
    features_path(db).write_bytes(b"not a zip")
    assert load_features(db, conn) is None
    assert len(review_features(db, conn).record_ids) == 3


def test_the_queue_ranks_from_kept_features_as_from_the_texts(db, conn):
    ids = add_records(db, [make_record(i, title=("lupus" if i % 3 else "knee") + f" {i}") for i in range(12)])
    from cartsle_cli.screening.decisions import Decision, record_decision
    from cartsle_cli.store import transaction

    with transaction(conn):
        record_decision(conn, Decision(ids[1], "ta", "kofi", "include"))
        record_decision(conn, Decision(ids[0], "ta", "kofi", "exclude"))
    from_texts = build_queue(conn, "ta", "kofi").record_ids
    from_kept = build_queue(conn, "ta", "kofi", features=review_features(db, conn)).record_ids
    assert from_kept == from_texts


def test_the_last_order_is_kept_per_reviewer_and_stale_records_are_dropped(db, conn):
    ids = add_records(db, [make_record(i) for i in range(5)])
    save_order(db, "kofi", [ids[3], ids[1], 12345])
    assert load_order(db, "kofi") == [ids[3], ids[1], 12345] and load_order(db, "ama") == []
    queue = build_queue(conn, "ta", "kofi", rank=False, saved_order=load_order(db, "kofi"))
    assert queue.record_ids[:2] == [ids[3], ids[1]] and sorted(queue.record_ids) == ids


def test_default_model_reads_keywords_and_without_them_is_elas_u4():
    texts = ["aspirin stroke trial", "knee surgery cohort", "aspirin dose", "knee pain"]
    keywords = ["Aspirin; Humans", "Knee; Humans", "Aspirin", "Knee"]
    with_terms = Ranker(texts, DEFAULT_MODEL, keywords=keywords).features
    without = Ranker(texts, DEFAULT_MODEL).features
    elas = Ranker(texts, ELAS_U4).features
    # "humans" is in half the records (min_df 2): aspirin, knee, humans -> three keyword columns
    assert with_terms.shape[1] == elas.shape[1] + 3
    assert without.shape == elas.shape and np.allclose(without.toarray(), elas.toarray())
    # a block at weight 0.5 of an l2-normalised row: its norm is 0.5
    block = with_terms[:, elas.shape[1] :].toarray()
    assert np.allclose(np.linalg.norm(block, axis=1), 0.5)
