"""The interactive screen (Textual): the app that hosts cartsle's screens.

``CartsleApp`` holds what every screen shares (the CSS of dialogs, the review file, the reviewer)
and opens one first screen; each screen is a :class:`textual.screen.Screen` in a module of its own
(the screening screen in ``screen_view``, its dialogs in ``screen_widgets``). A new screen is a
new module with a ``Screen`` subclass, opened with ``app.push_screen(...)`` or given as ``first``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.screen import Screen

from cartsle_cli.cli.common import plain, progress_bar, stderr
from cartsle_cli.cli.screen_view import ScreeningView
from cartsle_cli.cli.screen_widgets import render_record
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.features_store import ReviewFeatures, build_features, features_current
from cartsle_cli.screening.outcomes import STAGE_NAMES
from cartsle_cli.store import open_review

__all__ = ["CartsleApp", "ScreenApp", "render_record", "run_screen"]


class CartsleApp(App):
    """An app of cartsle screens; ``first`` builds the screen it opens with."""

    TITLE = "cartsle"
    CSS = """
    #status { height: auto; padding: 0 1; background: $boost; }
    #record { padding: 1 2; }
    #dialog { width: 70; height: auto; max-height: 80%; border: thick $accent; background: $surface; padding: 1; }
    ModalScreen { align: center middle; }
    """

    def __init__(self, first: Callable[[], Screen]) -> None:
        super().__init__()
        self.first = first()

    def on_mount(self) -> None:
        self.push_screen(self.first)


class ScreenApp(CartsleApp):
    """Screen the records of one stage as one reviewer."""

    TITLE = "cartsle screen"

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
        resolve: bool = False,
    ) -> None:
        self.resolve = resolve  # open on the conflict-resolution screen (`cartsle screen --resolve`)
        super().__init__(
            lambda: ScreeningView(
                db,
                stage=stage,
                reviewer=reviewer,
                seed=seed,
                features=features,
                target=target,
                confidence=confidence,
            )
        )
        self.view: ScreeningView = self.first  # type: ignore[assignment]

    def on_mount(self) -> None:
        super().on_mount()
        if self.resolve:  # once the screening screen is up, so Escape goes back to it
            self.call_after_refresh(self.view.action_conflicts)

    # the screening screen's state, for tests and callers
    @property
    def order(self) -> list[int]:
        return self.view.order

    @property
    def queue(self):
        return self.view.queue

    @property
    def current(self) -> int | None:
        return self.view.current

    def record(self, record_id: int):
        return self.view.record(record_id)


def run_screen(
    db: Path,
    *,
    stage: str,
    reviewer: str,
    seed: int = 0,
    target: float = 0.95,
    confidence: float = 0.95,
    resolve: bool = False,
) -> None:
    if not Path(db).exists():
        raise CartsleError("no review here: run `cartsle import` first or give --db", file=db)
    stderr().print(
        f"preparing {STAGE_NAMES[stage]} screening for {plain(reviewer)} ...", markup=False, highlight=False
    )
    features = None
    if stage == "ta":
        # Computed once per review and kept beside it: the first launch shows its progress here;
        # a later launch opens at once and reads them back in the ranking thread.
        conn = open_review(db, create=False)
        try:
            if not features_current(db, conn):
                with progress_bar("features", None) as bar:
                    task = bar.task_ids[0]
                    features = build_features(db, conn, step=lambda what: bar.update(task, description=what))
        finally:
            conn.close()
    app = ScreenApp(
        db,
        stage=stage,
        reviewer=reviewer,
        seed=seed,
        features=features,
        target=target,
        confidence=confidence,
        resolve=resolve,
    )
    app.run()
    stderr().print(plain(app.view.summary()), markup=False, highlight=False, soft_wrap=True)
