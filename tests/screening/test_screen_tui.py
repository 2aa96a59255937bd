"""The interactive screen, driven by Textual's pilot: keys write decisions at once."""

from __future__ import annotations

import asyncio

from cartsle_cli.cli.screen_tui import ScreenApp, render_record
from cartsle_cli.screening.decisions import Decision, history, record_decision
from cartsle_cli.screening.queue import ScreeningRecord
from cartsle_cli.screening.settings import set_keywords, set_reviewers_required
from cartsle_cli.store import open_review, transaction

from .conftest import add_records, make_record


def run(app: ScreenApp, *keys: str) -> list[str]:
    """Press the keys; return what the status line and record showed before each key."""
    shown = []

    async def drive() -> None:
        async with app.run_test() as pilot:
            for key in keys:
                await pilot.pause()
                shown.append(
                    str(app.view.query_one("#record").content) + str(app.view.query_one("#status").content)
                )
                await pilot.press(key)
            await pilot.pause()

    asyncio.run(drive())
    return shown


def decisions(db, reviewer="kofi"):
    conn = open_review(db)
    try:
        return [
            (e.record_id, e.stage, e.decision, e.reason, e.note, e.undone_at is not None)
            for e in history(conn, reviewer=reviewer)
        ]
    finally:
        conn.close()


def test_keys_include_exclude_maybe_write_each_decision_at_once(db):
    ids = add_records(db, [make_record(i) for i in range(4)])
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    order = list(app.order)
    shown = run(app, "i", "e", "m", "q")
    assert sorted(order) == ids
    assert "record 4 of 4" in shown[-1] and "include 1 · exclude 1 · maybe 1" in shown[-1]
    assert decisions(db) == [
        (order[0], "ta", "include", None, None, False),
        (order[1], "ta", "exclude", None, None, False),
        (order[2], "ta", "maybe", None, None, False),
    ]


def test_quitting_midway_keeps_what_was_decided_and_the_next_session_continues(db):
    add_records(db, [make_record(i) for i in range(3)])
    first = ScreenApp(db, stage="ta", reviewer="kofi")
    run(first, "i", "q")
    again = ScreenApp(db, stage="ta", reviewer="kofi")
    assert len(again.order) == 2 and again.queue.done == 1


def test_skip_moves_on_without_deciding_and_undo_brings_the_record_back(db):
    add_records(db, [make_record(i) for i in range(3)])
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    first, second = app.order[:2]
    run(app, "s", "e", "u")
    assert app.order[0] == second  # the undone record is shown again
    assert decisions(db) == [
        (second, "ta", "exclude", None, None, True)
    ]  # kept in the history, marked undone
    assert first in app.order


def test_note_is_stored_with_the_decision(db):
    add_records(db, [make_record(i) for i in range(2)])
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    target = app.order[0]
    run(app, "n", "p", "k", "enter", "i")
    assert decisions(db) == [(target, "ta", "include", None, "pk", False)]


def test_full_text_exclusion_asks_for_a_reason(db, conn):
    ids = add_records(db, [make_record(i) for i in range(2)])
    with transaction(conn):
        set_reviewers_required(conn, 1)
        for record_id in ids:
            record_decision(conn, Decision(record_id, "ta", "lead", "include"))
    app = ScreenApp(db, stage="ft", reviewer="kofi")
    target = app.order[0]
    run(app, "e", "down", "enter")  # second reason on the list
    assert decisions(db) == [(target, "ft", "exclude", "wrong intervention", None, False)]


def test_other_voters_are_not_shown_and_do_not_empty_the_queue(db, conn):
    ids = add_records(db, [make_record(i) for i in range(2)])
    with transaction(conn):
        record_decision(conn, Decision(ids[0], "ta", "ama", "exclude", note="AMA-SECRET"))
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    shown = run(app, "s", "s")
    assert sorted(app.order) == ids
    assert not any("AMA" in text or "ama" in text for text in shown)


def test_record_text_is_shown_without_escape_sequences_and_keywords_are_highlighted():
    record = ScreeningRecord(
        1,
        "CAR T \x1b[31mred\x1b[0m [bold]title[/bold]",
        ["Doe, J"],
        2022,
        "Lancet",
        ["PubMed", "Embase"],
        "Lupus patients in a mouse model",
        None,
        None,
    )
    text = render_record(record, ["lupus"], ["mouse"])
    assert "\x1b" not in text.plain
    assert "[bold]title[/bold]" in text.plain  # markup in data stays literal text
    assert "PubMed, Embase" in text.plain
    styles = {text.plain[span.start : span.end].lower(): str(span.style) for span in text.spans}
    # not colour alone: include underlined, exclude italic (NO_COLOR keeps both cues)
    assert styles["lupus"] == "bold underline green" and styles["mouse"] == "bold italic red"


def test_keywords_of_the_review_reach_the_screen(db, conn):
    add_records(db, [make_record(1)])
    with transaction(conn):
        set_keywords(conn, include=["lupus"], exclude=["mouse"], remove=[])
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    assert app.view.words.include == ["lupus"] and app.view.words.exclude == ["mouse"]


def test_the_model_reranks_in_the_background_and_decided_records_never_come_back(db):
    # 30 records: "lupus" titles are the relevant kind. After 10 decisions (includes for lupus,
    # excludes otherwise) the model re-ranks in a worker thread; every record is shown once.
    records = [
        make_record(
            i,
            title=("CAR T cells in lupus nephritis trial " if i % 3 == 0 else "Hip fracture surgery cohort ")
            + str(i),
            abstract="lupus CAR T" if i % 3 == 0 else "orthopaedic outcomes",
        )
        for i in range(30)
    ]
    add_records(db, records)
    conn = open_review(db)
    set_reviewers_required(conn, 1)
    conn.close()
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    seen: list[int] = []

    async def drive() -> None:
        async with app.run_test() as pilot:
            for _ in range(30):
                await pilot.pause()
                await app.view.wait_for_ranking()
                await pilot.pause()
                current = app.current
                assert current not in seen, "a decided record came back"
                seen.append(current)
                title = app.record(current).title
                await pilot.press("i" if "lupus" in title else "e")
            await pilot.pause()

    asyncio.run(drive())
    assert app.queue.model is not None  # ranked by the model, not the random order
    assert len(set(seen)) == 30 and app.current is None
    lupus_after_rerank = [app.record(r).title.startswith("CAR T") for r in seen[10:20]]
    remaining_lupus = sum("lupus" in app.record(r).title for r in seen[10:])
    # Ranked: the lupus records left come first in the next ten.
    assert sum(lupus_after_rerank) == min(10, remaining_lupus)


def test_the_model_takes_over_as_soon_as_there_is_an_include_and_an_exclude(db):
    add_records(db, [make_record(i) for i in range(12)])
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    assert not app.queue.ranked

    async def drive() -> None:
        async with app.run_test() as pilot:
            await pilot.press("i")
            await pilot.pause()
            await app.view.wait_for_ranking()
            await pilot.pause()
            assert not app.queue.ranked  # one include alone cannot train a model
            await pilot.press("e")
            await pilot.pause()
            await app.view.wait_for_ranking()
            await pilot.pause()

    asyncio.run(drive())
    assert app.queue.ranked and "linear SVM" in app.queue.model


def test_a_locked_review_keeps_the_screen_waiting_and_no_key_lands_on_an_unseen_record(db):
    # Another writer holds the write lock (BEGIN IMMEDIATE on a second connection). The screen
    # keeps running, says it is waiting, holds the one decision made on the record shown, and
    # takes no other key until the lock is free; then exactly that decision is stored.
    add_records(db, [make_record(i) for i in range(5)])
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    other = open_review(db)
    shown_first: list[int] = []

    async def drive() -> None:
        async with app.run_test() as pilot:
            await pilot.pause()
            shown_first.append(app.view.shown)
            other.execute("BEGIN IMMEDIATE")
            await pilot.press("i")
            await pilot.pause()
            status = str(app.view.query_one("#status").content)
            assert "WAITING" in status and "include of record" in status
            for key in ("e", "e", "m", "s"):  # typed during the wait: none may decide anything
                await pilot.press(key)
            await pilot.pause()
            assert app.is_running and app.view.shown == shown_first[0]
            other.execute("COMMIT")
            await asyncio.sleep(0.8)  # the screen retries every 0.5 s
            await pilot.pause()
            assert app.view.pending is None
            assert "WAITING" not in str(app.view.query_one("#status").content)
            await pilot.press("q")

    try:
        asyncio.run(drive())
    finally:
        other.close()
    assert decisions(db) == [(shown_first[0], "ta", "include", None, None, False)]
    assert "1 decision(s)" in app.view.summary()


def test_header_shows_the_stopping_state_and_r_switches_to_a_recorded_random_sample(db):
    add_records(db, [make_record(i) for i in range(6)])
    app = ScreenApp(db, stage="ta", reviewer="kofi")

    async def drive() -> None:
        async with app.run_test() as pilot:
            await pilot.pause()
            status = str(app.view.query_one("#status").content)
            assert "heuristic (SAFE-style, no guarantee)" in status
            assert "press r to screen a random sample" in status
            await pilot.press("i", "e", "r", "y")
            await pilot.pause()
            await app.view.wait_for_ranking()
            await pilot.pause()
            status = str(app.view.query_one("#status").content)
            assert "random sample" in status and "stopping test: p = " in status
            await pilot.press("e")
            await pilot.pause()

    asyncio.run(drive())
    conn = open_review(db)
    try:
        from cartsle_cli.screening.sampling import stopping_state

        state = stopping_state(conn, "kofi")
    finally:
        conn.close()
    assert state.sample.population == 4 and state.sample.includes_before == 1
    assert state.test.sampled == 1 and state.test.sample_includes == 0


def test_the_headers_sample_counts_a_record_by_its_votes_from_both_reviewers(db):
    ids = add_records(db, [make_record(i) for i in range(6)])
    conn = open_review(db)
    with transaction(conn):  # two reviewers (the default); ama has included every record left
        for reviewer in ("kofi", "ama"):
            record_decision(conn, Decision(ids[0], "ta", reviewer, "include"))
            record_decision(conn, Decision(ids[1], "ta", reviewer, "exclude"))
        for record_id in ids[2:]:
            record_decision(conn, Decision(record_id, "ta", "ama", "include"))
    conn.close()
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    seen = {}

    async def drive() -> None:
        async with app.run_test() as pilot:
            await pilot.press("r", "y")
            await pilot.pause()
            await pilot.press("e")  # kofi excludes the first random record: a conflict with ama
            await pilot.pause()
            seen["test"] = app.view.recall_test()
            seen["status"] = str(app.view.query_one("#status").content)

    asyncio.run(drive())
    # kofi's own vote is an exclude; the record counts as an include until the conflict is resolved
    assert seen["test"].sampled == 1 and seen["test"].sample_includes == 1
    assert "stopping test: p = " in seen["status"]


def test_full_text_says_when_nothing_has_reached_it(db):
    add_records(db, [make_record(i) for i in range(2)])
    app = ScreenApp(db, stage="ft", reviewer="kofi")
    shown = run(app, "q")
    assert "No record has reached full text yet" in shown[0]


def test_every_working_key_is_in_the_key_bar_with_page_up_and_down():
    from cartsle_cli.cli.screen_view import ScreeningView

    shown = {binding.key for binding in ScreeningView.BINDINGS if binding.show}
    assert {"i", "e", "m", "s", "u", "n", "r", "pageup", "pagedown", "q"} <= shown


def test_authors_are_shown_as_family_and_initials():
    from cartsle_cli.cli.screen_widgets import authors_line

    assert authors_line(["Gupta, Sanjay K", "Sathyan, G", "van der Berg, Anna-Lena", "Consortium X"]) == (
        "Gupta SK; Sathyan G; van der Berg AL; Consortium X"
    )
    assert authors_line([f"A{i}, B" for i in range(8)]).endswith("A5 B et al.")


def test_the_records_own_earlier_votes_and_notes_are_shown(db, conn):
    ids = add_records(db, [make_record(i) for i in range(2)])
    with transaction(conn):
        record_decision(conn, Decision(ids[0], "ta", "kofi", "exclude", note="check dose"))
    from cartsle_cli.screening.decisions import undo_last

    with transaction(conn):
        undo_last(conn, "kofi")
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    app.view.order.sort()  # the record with the undone vote first
    shown = run(app, "q")
    assert "your earlier vote: ta exclude (undone)" in shown[0] and "note: check dose" in shown[0]


def test_retrains_run_in_a_daemon_thread_so_quitting_never_waits(db):
    add_records(db, [make_record(i) for i in range(6)])
    app = ScreenApp(db, stage="ta", reviewer="kofi")

    async def drive() -> None:
        async with app.run_test() as pilot:
            await pilot.press("i", "e")  # the model can start: a retrain begins
            thread = app.view._ranking
            assert thread is not None and thread.daemon
            await app.view.wait_for_ranking()
            await pilot.pause()

    asyncio.run(drive())
