"""`cartsle screen status`: progress per stage and reviewer, the stopping rules, the includes-found curves."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    print_json,
    print_table,
    review,
    say,
    stdout,
)
from cartsle_cli.errors import CartsleError

if TYPE_CHECKING:  # the progress, sampling and stopping code loads when `screen status` runs
    from cartsle_cli.screening.ranking.metrics import RecallCurve  # loaded when used (numpy)
    from cartsle_cli.screening.sampling import StoppingState

TargetOption = Annotated[
    float, typer.Option("--target", help="Recall target of the stopping test, between 0 and 1.")
]
ConfidenceOption = Annotated[
    float, typer.Option("--confidence", help="Confidence of the stopping test, between 0 and 1.")
]


def status_command(
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write each reviewer's title/abstract recall curve to this PNG."),
    ] = None,
    target: TargetOption = 0.95,
    confidence: ConfidenceOption = 0.95,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Progress per stage and reviewer, the stopping rules, and the includes-found curve. Example: cartsle screen status

    Stopping, per reviewer at title/abstract, never enforced: the hypergeometric test of recall
    on a random sample (Callaghan & Mueller-Hansen 2020; start the sample with `screen sample`)
    and the SAFE-style heuristic (no guarantee).
    """
    from cartsle_cli.screening.progress import screening_progress
    from cartsle_cli.screening.ranking.recall_test import check_target
    from cartsle_cli.screening.sampling import stopping_state

    check_target(target, confidence)
    with review(db) as conn:
        progress = screening_progress(conn)
        reached = progress.stages[0].reached
        stopping = [
            stopping_state(conn, name, total_records=reached, target=target, confidence=confidence)
            for name in progress.ta_decisions_in_order
        ]
    if json_output:
        print_json({**progress.to_dict(), "stopping": [state.to_dict() for state in stopping]})
    else:
        print_table(
            "Screening progress",
            ["stage", "reached", "final", "included", "excluded", "conflicts", "awaiting"],
            [
                [s.stage, s.reached, s.final, s.included, s.excluded, s.conflicts, s.pending]
                for s in progress.stages
            ],
        )
        print_table(
            "Per reviewer",
            ["stage", "reviewer", "voted", "include", "exclude", "maybe", "to do"],
            [
                [r.stage, r.reviewer, r.voted, r.include, r.exclude, r.maybe, r.to_do]
                for r in progress.reviewers
            ],
        )
        _print_stopping(stopping)
        _print_curves(progress.ta_decisions_in_order, progress.stages[0].reached)
    if plot is not None:
        _save_curves(progress.ta_decisions_in_order, progress.stages[0].reached, plot)


def _print_stopping(states: list[StoppingState]) -> None:
    from cartsle_cli.screening.ranking.recall_test import METHOD as RECALL_METHOD

    if not states:
        return
    rows = []
    for state in states:
        test, heuristic = state.test, state.heuristic
        rows.append(
            [
                state.reviewer,
                "not started" if test is None else f"{test.sampled} of {test.population}",
                None if test is None else test.sample_includes,
                None if test is None else float(f"{test.p_value:.4g}"),
                "" if test is None else ("yes" if test.met else "no"),
                "" if test is None else f"0 to {test.relevant_left_high}",
                f"{'met' if heuristic.met else 'not met'} ({heuristic.consecutive_exclusions}/"
                f"{heuristic.consecutive_needed} in a row, {heuristic.screened}/{heuristic.screened_needed} screened)",
            ]
        )
    first = next((state.test for state in states if state.test), None)
    target = f"{first.target:.0%} at {first.confidence:.0%}" if first else "target"
    print_table(
        "Stopping at title/abstract (advice, never enforced)",
        [
            "reviewer",
            "random sample",
            "includes in it",
            "p (recall < target)",
            f"recall >= {target}",
            "relevant left (bound)",
            "heuristic (SAFE-style, no guarantee)",
        ],
        rows,
    )
    stdout().print(f"test: {RECALL_METHOD}", markup=False, highlight=False)
    stdout().print(
        f"heuristic: {states[0].heuristic.rule} [{states[0].heuristic.source}]", markup=False, highlight=False
    )


def _curves(decisions: dict[str, list[int]], total: int) -> dict[str, RecallCurve]:
    """Each reviewer's includes-found curve."""
    from cartsle_cli.screening.ranking import recall_curve  # loaded when used (pandas, scikit-learn)

    return {reviewer: recall_curve(order, total) for reviewer, order in decisions.items() if order}


def _print_curves(decisions: dict[str, list[int]], total: int) -> None:
    from cartsle_cli.screening.ranking import recall_chart

    for reviewer, curve in _curves(decisions, total).items():
        stdout().print(
            f"{reviewer}, title/abstract:\n{recall_chart(curve, height=8)}", markup=False, highlight=False
        )


def _save_curves(decisions: dict[str, list[int]], total: int, path: Path) -> None:
    curves = _curves(decisions, total)
    if not curves:
        raise CartsleError("no title/abstract decisions to plot yet", file=path)
    from cartsle_cli.screening.ranking import save_recall_plot

    save_recall_plot(
        list(curves.values()), path, title="Includes found at title/abstract", labels=list(curves)
    )
    say(f"wrote {path}", err=True)
