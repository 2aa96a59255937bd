"""What the interactive screen draws: the record, its header, and the small dialogs.

Record text reaches the terminal only through rich ``Text`` objects with control characters
stripped: nothing a record holds is ever read as markup or sent as an escape sequence. Highlights
never rely on colour alone: inclusion keywords are bold and underlined, exclusion keywords bold
and italic, so they stay apart under NO_COLOR and for red/green colour blindness.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList

from cartsle_cli.screening.queue import OwnVote, ScreeningRecord, safe_text

INCLUDE_STYLE = "bold underline green"
EXCLUDE_STYLE = "bold italic red"


class ReasonScreen(ModalScreen[str | None]):
    """Pick a full-text exclusion reason; Escape cancels the exclusion."""

    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]

    def __init__(self, labels: list[str]) -> None:
        super().__init__()
        self.labels = labels

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Why is it excluded? (Enter picks, Escape cancels)")
            yield OptionList(*[Text(safe_text(label)) for label in self.labels], id="reasons")

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


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y confirms, n or Escape cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", "yes"),
        Binding("n", "answer(False)", "no"),
        Binding("escape", "answer(False)", "cancel"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question + "\n\ny: yes   n: no")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def short_author(name: str) -> str:
    """'Gupta, Sanjay K' -> 'Gupta SK'; a name without a comma stays as it is."""
    if "," not in name:
        return name.strip()
    family, given = (part.strip() for part in name.split(",", 1))
    initials = "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)
    return f"{family} {initials}".strip()


def authors_line(authors: list[str], shown: int = 6) -> str:
    """Authors as "Family I; Family I", the first ``shown`` and then "et al."."""
    names = [short_author(name) for name in authors[:shown]]
    return "; ".join(names) + (" et al." if len(authors) > shown else "")


def render_record(
    record: ScreeningRecord,
    include: list[str],
    exclude: list[str],
    note: str | None = None,
    own_votes: list[OwnVote] | None = None,
) -> Text:
    """The record as the reviewer reads it, with keyword highlights, the note being written and
    the reviewer's own earlier votes on it (undone ones too, marked)."""
    identifiers = (
        f" · doi {record.doi or '-'} · pmid {record.pmid or '-'}" if record.doi or record.pmid else ""
    )
    parts = [
        (record.title or "(no title)", "bold"),
        ("\n", ""),
        (authors_line(record.authors) or "(no authors)", "italic"),
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
        parts.append((f"\n\nnote (kept with your decision): {note}", "bold yellow"))
    for vote in own_votes or []:
        state = " (undone)" if vote.undone else ""
        said = f"{vote.stage} {vote.decision}{state}, {vote.decided_at}"
        said += f"; reason: {vote.reason}" if vote.reason else ""
        said += f"; note: {vote.note}" if vote.note else ""
        parts.append((f"\nyour earlier vote: {said}", "dim"))
    text = Text()
    for part, style in parts:
        # Plain text appended to a Text is never parsed as markup; control characters go.
        text.append(part if part.isspace() else safe_text(part), style=style)
    # rich would match an empty word list at every character: one span each, slow to draw
    if include:
        text.highlight_words(include, INCLUDE_STYLE, case_sensitive=False)
    if exclude:
        text.highlight_words(exclude, EXCLUDE_STYLE, case_sensitive=False)
    return text
