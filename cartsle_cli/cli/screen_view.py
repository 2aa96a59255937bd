"""The screening screen: one record at a time, one key per decision, by record id.

A key decides the record that is on screen, named by its id, never "the first in the queue": a
key pressed while the screen waits (for the write lock, for a dialog) cannot land on a record the
reviewer has not seen. Each decision is its own short transaction; when another program holds the
review's write lock the screen keeps the decision, says it is waiting, retries, and takes no other
decision until it is stored. Re-ranking runs in a daemon thread with its own connection: keys never
wait for it and quitting never waits for it either.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from cartsle_cli.cli.screen_reranking import BackgroundRanking
from cartsle_cli.cli.screen_widgets import ConfirmScreen, NoteScreen, ReasonScreen, render_record
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.decisions import Decision, record_decision, undo_last
from cartsle_cli.screening.features_store import ReviewFeatures, load_order
from cartsle_cli.screening.outcomes import STAGE_NAMES
from cartsle_cli.screening.queue import (
    Queue,
    ScreeningRecord,
    build_queue,
    load_records,
    own_votes,
    safe_text,
    screen_model,
)
from cartsle_cli.screening.ranking.recall_test import RecallTest, recall_test
from cartsle_cli.screening.ranking.stopping import stopping_advice
from cartsle_cli.screening.retractions import retracted_units
from cartsle_cli.screening.sampling import (
    decisions_in_order,
    sample_label,
    sample_labels,
    sample_start,
    start_random_sample,
)
from cartsle_cli.screening.settings import OTHER_REASON, keywords, reasons, record_ranking_model
from cartsle_cli.store import open_review, transaction

RERANK_EVERY = 10  # decisions between retrains
SCREEN_BUSY_TIMEOUT_MS = 200  # the screen never blocks longer than this on another writer
RETRY_SECONDS = 0.5


def is_lock_error(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, (sqlite3.OperationalError, CartsleError)) and (
        "locked" in text or "busy" in text
    )


@dataclass(frozen=True)
class Pending:
    """A decision waiting for the write lock: on this record, whatever the queue does meanwhile."""

    record_id: int
    decision: str
    reason: str | None
    note: str | None


class ScreeningView(BackgroundRanking, Screen):
    """Screen the records of one stage as one reviewer."""

    BINDINGS = [
        Binding("i", "decide('include')", "include"),
        Binding("e", "decide('exclude')", "exclude"),
        Binding("m", "decide('maybe')", "maybe"),
        Binding("s", "skip", "skip"),
        Binding("u", "undo", "undo"),
        Binding("n", "note", "note"),
        Binding("r", "random_sample", "random sample"),
        Binding("c", "conflicts", "conflicts"),
        Binding("pageup", "scroll(-1)", "PgUp"),
        Binding("pagedown", "scroll(1)", "PgDn"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(
        self,
        db: Path,
        *,
        stage: str,
        reviewer: str,
        seed: int = 0,
        features: ReviewFeatures | None = None,
        target: float = 0.95,
        confidence: float = 0.95,
    ) -> None:
        super().__init__()
        self.db, self.stage, self.reviewer, self.seed = Path(db), stage, reviewer, seed
        self.target, self.confidence = target, confidence
        self.features = features
        self.conn = open_review(db, create=False)
        self.conn.execute(f"PRAGMA busy_timeout = {SCREEN_BUSY_TIMEOUT_MS}")
        self.words = keywords(self.conn)
        saved = load_order(self.db, reviewer) if stage == "ta" else []
        self.queue: Queue = build_queue(self.conn, stage, reviewer, seed=seed, rank=False, saved_order=saved)
        self.order = list(self.queue.record_ids)
        self.base_done = self.queue.done  # voted before this session
        self.records: dict[int, ScreeningRecord] = {}
        self.retracted: dict[int, str] | None = None  # looked up once per session (it reads every record)
        self.note: str | None = None
        self.shown: int | None = None  # the record id on screen: the only one a key may decide
        self.pending: Pending | None = None
        self.decided_here = 0
        self.decided_while_ranking: list[tuple[int, str]] = []
        self.session: Counter[str] = Counter()  # this session's decisions, and "undone"
        self.ta_labels = decisions_in_order(self.conn, reviewer) if stage == "ta" else []
        self.start = sample_start(self.conn, reviewer) if stage == "ta" else None
        self.sample = sample_labels(self.conn, self.start) if self.start else []
        self._ranking: threading.Thread | None = None
        self._rerank_again = False

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with VerticalScroll(id="body"):
            yield Static(id="record")
        yield Footer()

    def on_mount(self) -> None:
        self.show()
        if self.stage == "ta" and not self.queue.sampling and self._can_rank():
            self.rerank()

    def on_unmount(self) -> None:
        self.conn.close()

    def action_conflicts(self) -> None:
        from cartsle_cli.cli.conflicts_tui import ConflictScreen  # its own module (issue 17)

        self.app.push_screen(ConflictScreen(self.conn, self.reviewer))

    @property
    def current(self) -> int | None:
        return self.order[0] if self.order else None

    def record(self, record_id: int) -> ScreeningRecord:
        if record_id not in self.records:
            upcoming = [other for other in self.order[:50] if other not in self.records]
            if self.retracted is None:
                self.retracted = retracted_units(self.conn)
            self.records.update(load_records(self.conn, [record_id, *upcoming], retracted=self.retracted))
        return self.records[record_id]

    def show(self) -> None:
        self.query_one("#status", Static).update(self.status_line())
        body = self.query_one("#record", Static)
        self.shown = self.current if self.pending is None else self.pending.record_id
        if self.shown is None:
            body.update(Text(self.empty_message()))
            return
        record = self.record(self.shown)
        votes = own_votes(self.conn, self.reviewer, self.shown)
        body.update(render_record(record, self.words.include, self.words.exclude, self.note, votes))

    def empty_message(self) -> str:
        if self.stage == "ft" and self.queue.total == 0:
            return (
                "No record has reached full text yet: a record reaches it with a final include (or "
                "maybe) at title/abstract. Press q to quit."
            )
        return f"Nothing left for {self.reviewer} at {STAGE_NAMES[self.stage]}. Press q to quit."

    def status_line(self) -> Text:
        done = self.base_done + self.session.total() - 2 * self.session["undone"]
        line = Text(f"{safe_text(self.reviewer)} · {STAGE_NAMES[self.stage]} · ", style="bold")
        line.append(
            f"record {done + 1 if self.order else done} of {self.queue.total} · {len(self.order)} to screen · {done} done"
        )
        tally = self.queue.tally
        line.append(
            f" · include {tally.get('include', 0)} · exclude {tally.get('exclude', 0)} · maybe {tally.get('maybe', 0)}"
        )
        if self.shown is not None:
            line.append(f" · id {self.shown}")
        if self.pending is not None:
            line.append(
                f"\nWAITING: another program is writing to the review; your {self.pending.decision} of "
                f"record {self.pending.record_id} is kept and will be stored when it is done",
                style="bold reverse",
            )
        if self.queue.model:
            line.append(f"\norder: {self.queue.model}", style="dim")
        if self.stage == "ta":
            line.append("\n" + self.stopping_line(), style="dim")
        return line

    def stopping_line(self) -> str:
        heuristic = stopping_advice(self.ta_labels, self.queue.total)
        parts = [
            f"heuristic (SAFE-style, no guarantee): {'met' if heuristic.met else 'not met'}, "
            f"{heuristic.consecutive_exclusions}/{heuristic.consecutive_needed} exclusions in a row, "
            f"{heuristic.screened}/{heuristic.screened_needed} screened"
        ]
        test = self.recall_test()
        if test is None:
            parts.append("stopping test: press r to screen a random sample of the rest")
        else:
            left = min(test.relevant_left_high, len(self.order))
            parts.append(
                f"stopping test: p = {test.p_value:.3g} for recall < {test.target:.0%} "
                f"({'MET' if test.met else 'not met'} at {test.confidence:.0%}) · "
                f"relevant left 0 to {left} ({test.confidence:.0%} bound, {test.sampled} sampled)"
            )
        return " · ".join(parts)

    def recall_test(self) -> RecallTest | None:
        if self.start is None:
            return None
        sample = self.sample[: self.start.population]
        return recall_test(
            self.start.includes_before,
            self.start.population,
            sample,
            target=self.target,
            confidence=self.confidence,
        )

    # -- deciding -----------------------------------------------------------------------------
    def action_decide(self, decision: str) -> None:
        record_id = self.shown
        if record_id is None or self.pending is not None or record_id != self.current:
            if self.pending is not None:
                self.notify("still waiting to store the last decision; nothing else is taken meanwhile")
            return
        if decision == "exclude" and self.stage == "ft":
            self.app.push_screen(
                ReasonScreen(reasons(self.conn)), lambda reason: self._exclude_for(record_id, reason)
            )
            return
        self.store(record_id, decision, None)

    def _exclude_for(self, record_id: int, reason: str | None) -> None:
        if reason is None:
            return
        if reason == OTHER_REASON and not self.note:
            self.app.push_screen(NoteScreen(None), lambda note: self._other_with_note(record_id, note))
            return
        self.store(record_id, "exclude", reason)

    def _other_with_note(self, record_id: int, note: str | None) -> None:
        if note and note.strip():
            self.note = note
            self.store(record_id, "exclude", OTHER_REASON)

    def store(self, record_id: int, decision: str, reason: str | None) -> None:
        """Write the decision on ``record_id`` in its own transaction; wait politely for the lock."""
        self.pending = Pending(record_id, decision, reason, self.note)
        self._try_pending()

    def _try_pending(self) -> None:
        pending = self.pending
        if pending is None:
            return
        try:
            with transaction(self.conn):
                record_decision(
                    self.conn,
                    Decision(
                        pending.record_id,
                        self.stage,
                        self.reviewer,
                        pending.decision,
                        pending.reason,
                        pending.note,
                    ),
                )
                if self.stage == "ta" and self.queue.ranked:  # decided in the model's order
                    record_ranking_model(self.conn, screen_model())
        except (sqlite3.OperationalError, CartsleError) as error:
            if is_lock_error(error):
                self.show()
                self.set_timer(RETRY_SECONDS, self._try_pending)
                return
            self.pending = None
            self.notify(str(error), severity="error")
            self.show()
            return
        self.pending = None
        self._stored(pending)

    def _stored(self, pending: Pending) -> None:
        if pending.record_id in self.order:
            self.order.remove(pending.record_id)
        self.note = None
        self.decided_here += 1
        self.session[pending.decision] += 1
        self.decided_while_ranking.append((pending.record_id, pending.decision))
        self.queue.tally[pending.decision] = self.queue.tally.get(pending.decision, 0) + 1
        if self.stage == "ta":
            label = int(pending.decision in ("include", "maybe"))
            self.ta_labels.append(label)
            if self.start is not None:  # counted by its current decision, the other reviewer's vote too
                self.sample.append(sample_label(self.conn, pending.record_id))
            elif self.decided_here % RERANK_EVERY == 0 or self._model_can_start():
                self.rerank()
        self.show()

    def _can_rank(self) -> bool:
        return 0 < sum(self.ta_labels) < len(self.ta_labels)

    def _model_can_start(self) -> bool:
        """The first include and exclude are in while the order is still random: rank now."""
        return not self.queue.ranked and self._can_rank()

    # -- other keys ---------------------------------------------------------------------------
    def action_skip(self) -> None:
        if len(self.order) > 1 and self.pending is None:
            self.order.append(self.order.pop(0))
            self.note = None
            self.show()

    def action_scroll(self, pages: int) -> None:
        body = self.query_one("#body", VerticalScroll)
        (body.scroll_page_down if pages > 0 else body.scroll_page_up)()

    def action_undo(self) -> None:
        if self.pending is not None:
            return
        try:
            with transaction(self.conn):
                undone = undo_last(self.conn, self.reviewer, stage=self.stage)
        except (sqlite3.OperationalError, CartsleError) as error:
            self._not_written(error)
            return
        if (undone.record_id, undone.decision) in self.decided_while_ranking:
            self.decided_while_ranking.remove((undone.record_id, undone.decision))
        if undone.record_id in self.order:
            self.order.remove(undone.record_id)
        self.order.insert(0, undone.record_id)
        self.decided_here = max(0, self.decided_here - 1)
        self.session["undone"] += 1
        self.queue.tally[undone.decision] = max(0, self.queue.tally.get(undone.decision, 0) - 1)
        if self.stage == "ta" and self.ta_labels:
            self.ta_labels.pop()
            if self.start is not None and self.sample:
                self.sample.pop()
        self.note = undone.note
        self.notify(f"undone: {undone.decision} of record {undone.record_id}")
        self.show()

    def _not_written(self, error: sqlite3.OperationalError | CartsleError) -> None:
        """Say why a write the reviewer asked for (undo, the switch to a random sample) did not
        happen; unlike a decision, it is not kept to retry, so a locked review says try again."""
        self.notify(
            "the review is locked by another writer: try again in a moment"
            if is_lock_error(error)
            else str(error),
            severity="warning",
        )

    def action_note(self) -> None:
        if self.shown is not None and self.pending is None:
            self.app.push_screen(NoteScreen(self.note), self._set_note)

    def _set_note(self, note: str | None) -> None:
        if note is not None:
            self.note = note.strip() or None
            self.show()

    def action_random_sample(self) -> None:
        if self.stage != "ta" or self.start is not None:
            self.notify(
                "already screening a random sample" if self.start else "random sampling is for title/abstract"
            )
            return
        question = (
            "Switch to screening the rest in a random order? The stopping test (Callaghan & "
            "Mueller-Hansen 2020) needs it: from now on the model no longer orders your queue, "
            "and the switch is recorded."
        )
        self.app.push_screen(ConfirmScreen(question), self._switch_to_sample)

    def _switch_to_sample(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        try:
            with transaction(self.conn):
                self.start = start_random_sample(self.conn, self.reviewer)
        except (sqlite3.OperationalError, CartsleError) as error:
            self._not_written(error)
            return
        self.sample = []
        self.queue = build_queue(self.conn, self.stage, self.reviewer, seed=self.seed, rank=False)
        self.order = list(self.queue.record_ids)
        self.show()

    def summary(self) -> str:
        """What this session did, for the terminal after quitting."""
        counts = ", ".join(
            f"{name} {self.session[name]}" for name in ("include", "exclude", "maybe") if self.session[name]
        )
        undone = f", {self.session['undone']} undone" if self.session["undone"] else ""
        decided = sum(self.session[name] for name in ("include", "exclude", "maybe"))
        line = f"this session: {decided} decision(s) at {STAGE_NAMES[self.stage]}" + (
            f" ({counts})" if counts else ""
        )
        line += f"{undone}; {len(self.order)} left to screen"
        if self.pending is not None:
            line += (
                f"; NOT stored (review locked): {self.pending.decision} of record {self.pending.record_id}"
            )
        test = self.recall_test()
        if test is not None:
            line += f"; {test.message()}"
        return line
