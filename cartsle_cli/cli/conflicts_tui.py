"""The conflict-resolution screen of the interactive screen: one conflict at a time, the record
in full and every reviewer's vote beside it, one key to settle it.

It is a screen of the screening app (``screen_tui.ScreenApp``): `c` there opens it, and
`cartsle screen --resolve` opens the app on it. Each resolution is its own transaction, stored as
`screen resolve` stores it (who resolved is the app's reviewer), so quitting loses nothing.
"""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.bulk import import_decisions
from cartsle_cli.screening.conflicts import Conflict, list_conflicts
from cartsle_cli.screening.decision_files import DecisionRow
from cartsle_cli.screening.outcomes import STAGE_NAMES, STAGES
from cartsle_cli.screening.queue import ScreeningRecord, load_records, safe_text
from cartsle_cli.screening.settings import reasons


class ConflictScreen(Screen):
    """Resolve conflicts as ``reviewer``: i includes, e excludes (asking the reason at full text)."""

    BINDINGS = [
        Binding("i", "resolve('include')", "include"),
        Binding("e", "resolve('exclude')", "exclude"),
        Binding("right,j", "move(1)", "next"),
        Binding("left,k", "move(-1)", "previous"),
        Binding("escape,c", "leave", "back"),
    ]
    DEFAULT_CSS = """
    ConflictScreen #conflict-status { height: auto; padding: 0 1; background: $boost; }
    ConflictScreen #conflict { padding: 1 2; }
    """

    def __init__(self, conn: sqlite3.Connection, reviewer: str, stages: tuple[str, ...] = STAGES) -> None:
        super().__init__()
        self.conn, self.reviewer = conn, reviewer
        self.conflicts: list[Conflict] = list_conflicts(conn, stages)
        self.records: dict[int, ScreeningRecord] = load_records(conn, [c.record_id for c in self.conflicts])
        self.position = 0
        self.resolved = 0

    def compose(self) -> ComposeResult:
        yield Static(id="conflict-status")
        with VerticalScroll():
            yield Static(id="conflict")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    @property
    def current(self) -> Conflict | None:
        return self.conflicts[self.position] if self.conflicts else None

    def show(self) -> None:
        status = Text(f"{safe_text(self.reviewer)} resolving conflicts · ", style="bold")
        body = self.query_one("#conflict", Static)
        if self.current is None:
            status.append(f"{self.resolved} resolved · none left")
            self.query_one("#conflict-status", Static).update(status)
            body.update(Text("No conflicts left to resolve. Press Escape to go back."))
            return
        status.append(
            f"conflict {self.position + 1} of {len(self.conflicts)} · {STAGE_NAMES[self.current.stage]}"
            f" · id {self.current.record_id} · {self.resolved} resolved"
        )
        self.query_one("#conflict-status", Static).update(status)
        body.update(render_conflict(self.current, self.records.get(self.current.record_id)))

    def action_move(self, step: int) -> None:
        if self.conflicts:
            self.position = (self.position + step) % len(self.conflicts)
            self.show()

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_resolve(self, decision: str) -> None:
        conflict = self.current
        if conflict is None:
            return
        if decision == "exclude" and conflict.stage == "ft":
            from cartsle_cli.cli.screen_widgets import ReasonScreen

            voted = [vote.reason for vote in conflict.votes if vote.reason]
            labels = voted + [label for label in reasons(self.conn) if label not in voted]

            def excluded(reason: str | None) -> None:
                if reason:
                    self.store("exclude", reason)

            self.app.push_screen(ReasonScreen(labels), excluded)
            return
        self.store(decision, None)

    def store(self, decision: str, reason: str | None) -> None:
        conflict = self.current
        assert conflict is not None  # a decision is only taken with a conflict on screen
        row = DecisionRow(
            "interactive screen",
            self.reviewer,
            conflict.stage,
            decision,
            record_id=conflict.record_id,
            reason=reason,
        )
        try:
            import_decisions(self.conn, [row], source="resolve screen", resolutions=True)
        except CartsleError as error:
            self.notify(str(error), severity="error")
            return
        self.conflicts.pop(self.position)
        self.resolved += 1
        if self.position >= len(self.conflicts):
            self.position = 0
        self.notify(f"record {conflict.record_id}: {decision}" + (f" ({reason})" if reason else ""))
        self.show()


def render_conflict(conflict: Conflict, record: ScreeningRecord | None) -> Text:
    """The votes first (what is at issue), then the record in full as the screen shows it."""
    from cartsle_cli.cli.screen_widgets import render_record

    text = Text()
    text.append(f"Votes at {STAGE_NAMES[conflict.stage]}:\n", style="bold")
    for vote in conflict.votes:
        style = {"include": "green", "exclude": "red"}.get(vote.decision, "yellow")
        text.append(f"  {safe_text(vote.reviewer)}: ", style="bold")
        text.append(vote.decision, style=style)
        if vote.reason:
            text.append(f" ({safe_text(vote.reason)})")
        if vote.note:
            text.append(f" note: {safe_text(vote.note)}", style="dim")
        text.append("\n")
    text.append("\n")
    if record is None:
        text.append(safe_text(conflict.title) or "(record not found)")
    else:
        text.append_text(render_record(record, [], []))
    return text
