"""Re-ranking the screening queue in the background, for :class:`screen_view.ScreeningView`.

A daemon thread with its own SQLite connection retrains and re-ranks; keys never wait for it,
and quitting never waits for it either (a daemon thread ends with the process). Its result is
handed to the screen with ``call_from_thread``; the record on screen stays where it is, and
records decided meanwhile never come back.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.features_store import ReviewFeatures, review_features, save_order
from cartsle_cli.screening.queue import Queue, build_queue
from cartsle_cli.store import open_review

if TYPE_CHECKING:
    from textual.app import App


class BackgroundRanking:
    """Mixed into the screening screen, whose state (db, stage, reviewer, queue, order ...) it uses."""

    _ranking: threading.Thread | None = None
    _rerank_again: bool = False

    # The screen's state this mixin reads and writes, declared for the type checker only (the
    # screen sets it in its __init__; declaring nothing at run time leaves the screen's own in charge).
    db: Path
    stage: str
    reviewer: str
    seed: int
    features: ReviewFeatures | None
    queue: Queue
    order: list[int]
    shown: int | None
    decided_here: int
    decided_while_ranking: list[tuple[int, str]]  # (record id, decision)

    if TYPE_CHECKING:
        app: App[object]

        @property
        def current(self) -> int | None: ...
        def show(self) -> None: ...

    @property
    def ranking(self) -> bool:
        return self._ranking is not None and self._ranking.is_alive()

    def rerank(self) -> None:
        """Retrain and re-rank in a daemon thread: the reviewer goes on screening meanwhile."""
        if self.ranking:
            self._rerank_again = True
            return
        self.decided_here = 0
        self.decided_while_ranking = []
        self._ranking = threading.Thread(target=self._rank_in_thread, name="cartsle-ranking", daemon=True)
        self._ranking.start()

    async def wait_for_ranking(self) -> None:
        """For tests and scripts: until no ranking runs."""
        while self.ranking or self._rerank_again:
            await asyncio.sleep(0.02)

    def _rank_in_thread(self) -> None:
        queue = None
        try:
            conn = open_review(self.db, create=False)  # a SQLite connection belongs to its thread
            try:
                if self.features is None:
                    self.features = review_features(self.db, conn)
                queue = build_queue(conn, self.stage, self.reviewer, seed=self.seed, features=self.features)
            finally:
                conn.close()
            if queue.ranked:
                save_order(self.db, self.reviewer, queue.record_ids)
        except (CartsleError, sqlite3.Error, OSError):
            queue = None  # the screen goes on in the order it has
        try:
            self.app.call_from_thread(self._use_ranking, queue)
        except RuntimeError:
            pass  # the screen has closed: nothing to update

    def _use_ranking(self, queue: Queue | None) -> None:
        """Take the new order, less what was decided while it was computed; the record on screen stays."""
        if queue is not None and not self.queue.sampling:
            decided = {record_id for record_id, _ in self.decided_while_ranking}
            for _, decision in self.decided_while_ranking:
                queue.tally[decision] = queue.tally.get(decision, 0) + 1
            keep = self.shown if self.shown == self.current else None
            rest = [
                record_id for record_id in queue.record_ids if record_id not in decided and record_id != keep
            ]
            self.queue, self.order = queue, ([keep] if keep is not None else []) + rest
        self.decided_while_ranking = []
        if self._rerank_again:
            self._rerank_again = False
            self.rerank()
        self.show()
