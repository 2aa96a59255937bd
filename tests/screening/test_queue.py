"""What a reviewer screens next and how it is shown."""

from __future__ import annotations

from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.screening.queue import build_queue, load_records, safe_text
from cartsle_cli.store import transaction

from .conftest import add_records, cluster, make_record


def test_safe_text_removes_escape_sequences_and_control_characters():
    # \x9b is the one-byte CSI: the "c" after it is its final byte (a terminal would take it).
    assert safe_text("a\x1b[31mred\x1b[0m\x07b\x9bc\td\ne") == "aredb\td\ne"
    assert safe_text(None) == ""
    assert safe_text("\x1b]0;owned\x07title") == "title"  # an OSC sequence (sets the window title) goes whole


def test_queue_leaves_out_own_votes_resolved_and_fully_voted_records_but_not_others_votes(db, conn):
    ids = add_records(db, [make_record(i) for i in range(5)])
    with transaction(conn):
        record_decision(conn, Decision(ids[0], "ta", "kofi", "include"))
        record_decision(conn, Decision(ids[1], "ta", "ama", "include"))
        record_decision(conn, Decision(ids[2], "ta", "lead", "exclude", resolution=True))
        record_decision(conn, Decision(ids[4], "ta", "ama", "exclude"))
        record_decision(conn, Decision(ids[4], "ta", "ben", "exclude"))  # two votes: all that is required
    queue = build_queue(conn, "ta", "kofi")
    assert sorted(queue.record_ids) == [ids[1], ids[3]]
    assert (queue.done, queue.total) == (1, 5)


def test_random_order_is_reproducible_from_the_seed(db, conn):
    add_records(db, [make_record(i) for i in range(30)])
    first, again, other = (build_queue(conn, "ta", "kofi", seed=seed).record_ids for seed in (1, 1, 2))
    assert first == again and first != other


def test_the_model_ranks_once_the_reviewer_has_an_include_and_an_exclude(db, conn):
    lupus = [
        make_record(
            i, title=f"CAR T cells for refractory lupus nephritis {i}", abstract="lupus CAR T CD19 remission"
        )
        for i in range(10)
    ]
    mice = [
        make_record(100 + i, title=f"Gut microbiome of laboratory mice {i}", abstract="mouse diet microbiome")
        for i in range(10)
    ]
    ids = add_records(db, lupus + mice)
    with transaction(conn):
        record_decision(conn, Decision(ids[0], "ta", "kofi", "include"))
        record_decision(conn, Decision(ids[10], "ta", "kofi", "exclude"))
    queue = build_queue(conn, "ta", "kofi")
    assert queue.model is not None and "random" not in queue.model
    assert set(queue.record_ids[:9]) == set(ids[1:10])  # the lupus records first


def test_shown_record_prefers_merged_fields_and_lists_every_source(db, conn):
    pubmed = add_records(db, [make_record(1, abstract=None)])
    embase = add_records(db, [make_record(1)], database="Embase")
    cluster(db, pubmed[0], embase[0])
    with transaction(conn):
        conn.execute(
            "INSERT INTO merged_records (cluster_id, abstract, authors) VALUES (?, 'Merged abstract', '[]')",
            (pubmed[0],),
        )
    record = load_records(conn, pubmed)[pubmed[0]]
    assert record.abstract == "Merged abstract"
    assert record.sources == ["PubMed", "Embase"]
    assert record.authors == ["Author1, A"]  # empty merged authors fall back to the record's own
