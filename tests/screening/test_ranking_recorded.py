"""The review remembers which model prioritised title/abstract screening (issue 13 item 6: the
methods paragraph names "the ranking model if screening was prioritised")."""

from __future__ import annotations

import asyncio

from cartsle_cli.cli.screen_tui import ScreenApp
from cartsle_cli.screening.settings import ranking_model
from cartsle_cli.store import open_review

from .conftest import add_records, make_record


def recorded(db) -> str | None:
    conn = open_review(db)
    try:
        return ranking_model(conn)
    finally:
        conn.close()


def test_a_decision_in_the_models_order_records_the_model_and_the_random_phase_does_not(db):
    add_records(db, [make_record(i) for i in range(12)])
    app = ScreenApp(db, stage="ta", reviewer="kofi")
    seen: dict[str, str | None] = {}

    async def drive() -> None:
        async with app.run_test() as pilot:
            for key in ("i", "e"):  # the random phase: nothing to learn from yet
                await pilot.press(key)
                await pilot.pause()
                await app.view.wait_for_ranking()
                await pilot.pause()
            seen["random phase"] = recorded(db)
            assert app.queue.ranked
            await pilot.press("e")  # the first decision taken in the ranked order
            await pilot.pause()

    asyncio.run(drive())
    assert seen["random phase"] is None
    model = recorded(db)
    assert model is not None
    # the default model (README, "How the default was chosen"), by its name and its parts
    assert model.startswith("svm+keywords (") and "linear SVM" in model and "class reweighting" in model
