"""The interactive screen (Textual): one record at a time, one key per decision.

Each decision is its own transaction, committed before the next record shows, so quitting or a
killed terminal loses nothing, and two reviewers can screen the same review file at once. Record
text is shown through rich ``Text`` objects with control characters stripped: nothing a record
holds is ever read as markup or sent to the terminal as an escape sequence.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static

from cartsle_cli.cli.common import plain, stderr
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.decisions import Decision, record_decision, undo_last
from cartsle_cli.screening.outcomes import STAGE_NAMES
from cartsle_cli.screening.queue import Queue, ScreeningRecord, build_queue, load_records, safe_text
from cartsle_cli.screening.settings import OTHER_REASON, keywords, reasons
from cartsle_cli.store import open_review, transaction

RERANK_EVERY = 10  # decisions between retrains; each retrain runs in a worker thread


class ReasonScreen(ModalScreen[str | None]):
    """Pick a full-text exclusion reason; Escape cancels the exclusion."""

    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]

    def __init__(self, labels: list[str]) -> None:
        super().__init__()
        self.labels = labels

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Why is it excluded? (Enter picks, Escape cancels)")
            yield OptionList(*[Text(label) for label in self.labels], id="reasons")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.labels[event.option_index])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    """Type a note for the current record; Enter keeps it, Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]

    def __init__(self, note: str | None) -> None:
        super().__init__()
        self.note = note or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Note for this record (Enter keeps it, Escape cancels)")
            yield Input(value=self.note, id="note")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ScreenApp(App):
    """Screen the records of one stage as one reviewer."""

    TITLE = "cartsle screen"
    CSS = """
    #status { height: auto; padding: 0 1; background: $boost; }
    #record { padding: 1 2; }
    #dialog { width: 70; height: auto; max-height: 80%; border: thick $accent; background: $surface; padding: 1; }
    ReasonScreen, NoteScreen { align: center middle; }
    """
    BINDINGS = [
        Binding("i", "decide('include')", "include"),
        Binding("e", "decide('exclude')", "exclude"),
        Binding("m", "decide('maybe')", "maybe"),
        Binding("s", "skip", "skip"),
        Binding("u", "undo", "undo"),
        Binding("n", "note", "notes"),
        Binding("c", "conflicts", "conflicts"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, db: Path, *, stage: str, reviewer: str, seed: int = 0, resolve: bool = False) -> None:
        super().__init__()
        self.resolve = resolve  # open on the conflict-resolution screen (`cartsle screen --resolve`)
        self.db, self.stage, self.reviewer, self.seed = db, stage, reviewer, seed
        self.conn = open_review(db, create=False)
        self.words = keywords(self.conn)
        self.queue: Queue = build_queue(self.conn, stage, reviewer, seed=seed)
        self.order = list(self.queue.record_ids)
        self.records: dict[int, ScreeningRecord] = {}
        self.note: str | None = None
        self.decided_here = 0
        self.decided_while_ranking: list[tuple[int, str]] = []  # (record, decision) since the ranking began

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with VerticalScroll():
            yield Static(id="record")
        yield Footer()

    def on_mount(self) -> None:
        self.show()
        if self.resolve:
            self.action_conflicts()

    def action_conflicts(self) -> None:
        from cartsle_cli.cli.conflicts_tui import ConflictScreen  # its own module (issue 17)

        self.push_screen(ConflictScreen(self.conn, self.reviewer))

    def on_unmount(self) -> None:
        self.conn.close()

    @property
    def current(self) -> int | None:
        return self.order[0] if self.order else None

    def record(self, record_id: int) -> ScreeningRecord:
        if record_id not in self.records:
            upcoming = [other for other in self.order[:50] if other not in self.records]
            self.records.update(load_records(self.conn, [record_id, *upcoming]))
        return self.records[record_id]

    def show(self) -> None:
        self.query_one("#status", Static).update(self.status_line())
        body = self.query_one("#record", Static)
        if self.current is None:
            body.update(
                Text(f"Nothing left for {self.reviewer} at {STAGE_NAMES[self.stage]}. Press q to quit.")
            )
            return
        body.update(
            render_record(self.record(self.current), self.words.include, self.words.exclude, self.note)
        )

    def status_line(self) -> Text:
        done = self.queue.done + self.decided_here
        line = Text(f"{safe_text(self.reviewer)} · {STAGE_NAMES[self.stage]} · ", style="bold")
        line.append(
            f"record {done + 1 if self.order else done} of {self.queue.total} · {len(self.order)} to screen · {done} done"
        )
        tally = self.queue.tally
        line.append(
            f" · include {tally.get('include', 0)} · exclude {tally.get('exclude', 0)} · maybe {tally.get('maybe', 0)}"
        )
        if self.current is not None:
            line.append(f" · id {self.current}")
        if self.queue.model:
            line.append(f"\norder: {self.queue.model}", style="dim")
        if self.queue.estimated_relevant_remaining is not None:
            line.append(
                f" · about {self.queue.estimated_relevant_remaining:.0f} relevant left (model estimate)",
                style="dim",
            )
        return line

    def action_decide(self, decision: str) -> None:
        if self.current is None:
            return
        if decision == "exclude" and self.stage == "ft":
            self.push_screen(ReasonScreen(reasons(self.conn)), self._exclude_for)
            return
        self.store(decision, None)

    def _exclude_for(self, reason: str | None) -> None:
        if reason is None:
            return
        if reason == OTHER_REASON and not self.note:
            self.push_screen(NoteScreen(None), lambda note: self._other_with_note(note))
            return
        self.store("exclude", reason)

    def _other_with_note(self, note: str | None) -> None:
        if note and note.strip():
            self.note = note
            self.store("exclude", OTHER_REASON)

    def store(self, decision: str, reason: str | None) -> None:
        """Write the decision in its own transaction, then move on."""
        record_id = self.current
        try:
            with transaction(self.conn):
                record_decision(
                    self.conn, Decision(record_id, self.stage, self.reviewer, decision, reason, self.note)
                )
        except CartsleError as error:
            self.notify(str(error), severity="error")
            return
        self.order.pop(0)
        self.note = None
        self.decided_here += 1
        self.decided_while_ranking.append((record_id, decision))
        self.queue.tally[decision] = self.queue.tally.get(decision, 0) + 1
        if self.stage == "ta" and (self.decided_here % RERANK_EVERY == 0 or self._model_can_start()):
            self.rerank()
        self.show()

    def _model_can_start(self) -> bool:
        """The first include and exclude are in while the order is still random: rank now."""
        tally = self.queue.tally
        return (
            not self.queue.ranked
            and tally.get("exclude", 0) > 0
            and tally.get("include", 0) + tally.get("maybe", 0) > 0
        )

    def rerank(self) -> None:
        """Retrain and re-rank in a worker thread: the reviewer goes on screening meanwhile."""
        self.decided_here = 0
        self.decided_while_ranking = []
        self.run_worker(self._rank_in_thread, thread=True, exclusive=True, group="ranking")

    def _rank_in_thread(self) -> None:
        conn = open_review(self.db, create=False)  # a SQLite connection belongs to its thread
        try:
            queue = build_queue(conn, self.stage, self.reviewer, seed=self.seed)
        finally:
            conn.close()
        self.call_from_thread(self._use_ranking, queue)

    def _use_ranking(self, queue: Queue) -> None:
        """Take the new order, less what was decided while it was computed; the record on screen stays."""
        decided = {record_id for record_id, _ in self.decided_while_ranking}
        for _, decision in self.decided_while_ranking:
            queue.tally[decision] = queue.tally.get(decision, 0) + 1
        current = self.current
        rest = [
            record_id for record_id in queue.record_ids if record_id not in decided and record_id != current
        ]
        self.queue, self.order = queue, ([current] if current is not None else []) + rest
        self.decided_while_ranking = []
        self.show()

    def action_skip(self) -> None:
        if len(self.order) > 1:
            self.order.append(self.order.pop(0))
            self.note = None
            self.show()

    def action_undo(self) -> None:
        try:
            with transaction(self.conn):
                undone = undo_last(self.conn, self.reviewer, stage=self.stage)
        except CartsleError as error:
            self.notify(str(error), severity="warning")
            return
        if (undone.record_id, undone.decision) in self.decided_while_ranking:
            self.decided_while_ranking.remove((undone.record_id, undone.decision))
        if undone.record_id in self.order:
            self.order.remove(undone.record_id)
        self.order.insert(0, undone.record_id)
        self.decided_here -= 1
        self.queue.tally[undone.decision] = max(0, self.queue.tally.get(undone.decision, 0) - 1)
        self.note = undone.note
        self.notify(f"undone: {undone.decision} of record {undone.record_id}")
        self.show()

    def action_note(self) -> None:
        if self.current is not None:
            self.push_screen(NoteScreen(self.note), self._set_note)

    def _set_note(self, note: str | None) -> None:
        if note is not None:
            self.note = note.strip() or None
            self.show()


def render_record(
    record: ScreeningRecord, include: list[str], exclude: list[str], note: str | None = None
) -> Text:
    """The record as the reviewer reads it, inclusion keywords green and exclusion keywords red."""
    authors = ", ".join(record.authors[:6]) + (" et al." if len(record.authors) > 6 else "")
    identifiers = (
        f" · doi {record.doi or '-'} · pmid {record.pmid or '-'}" if record.doi or record.pmid else ""
    )
    parts = [
        (record.title or "(no title)", "bold"),
        ("\n", ""),
        (authors or "(no authors)", "italic"),
        ("\n", ""),
        (" · ".join(part for part in (str(record.year or "n.d."), record.journal) if part), "dim"),
        ("\n", ""),
        (f"sources: {', '.join(record.sources) or 'unknown'}{identifiers}", "dim"),
        ("\n\n", ""),
        (record.abstract or "(no abstract)", ""),
    ]
    if record.retracted:
        parts[:0] = [(f"RETRACTED: {record.retracted}", "bold red"), ("\n", "")]
    if record.fulltext:
        parts[-1:-1] = [(f"full text: {record.fulltext}", "bold"), ("\n\n", "")]
    if note:
        parts.append((f"\n\nnote: {note}", "yellow"))
    text = Text()
    for part, style in parts:
        # Plain text appended to a Text is never parsed as markup; control characters go.
        text.append(part if part.isspace() else safe_text(part), style=style)
    text.highlight_words(include, "bold green", case_sensitive=False)
    text.highlight_words(exclude, "bold red", case_sensitive=False)
    return text


def run_screen(db: Path, *, stage: str, reviewer: str, seed: int = 0, resolve: bool = False) -> None:
    if not Path(db).exists():
        raise CartsleError("no review here: run `cartsle import` first or give --db", file=db)
    # Ranking thousands of records takes a few seconds before the first record can show.
    stderr().print(
        f"preparing {STAGE_NAMES[stage]} screening for {plain(reviewer)} ...", markup=False, highlight=False
    )
    ScreenApp(db, stage=stage, reviewer=reviewer, seed=seed, resolve=resolve).run()
