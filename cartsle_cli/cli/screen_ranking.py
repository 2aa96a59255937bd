"""`cartsle screen simulate`: replay a fully labelled set with the screening model and measure it."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cartsle_cli.cli.common import JsonOption, print_json, print_table, progress_bar, stdout
from cartsle_cli.errors import CartsleError

if TYPE_CHECKING:  # the ranking package loads scikit-learn: only when a simulation runs
    from cartsle_cli.screening.ranking.simulation import SimulationResult

MODEL_DESCRIPTION = (
    "Model (ASReview LAB 3's default, ELAS u4): TF-IDF of words and word pairs on title + abstract "
    "(sublinear tf, max_df 0.95), includes reweighted to 9.8x the excludes, linear SVM (squared "
    "hinge, C=0.11), most likely relevant first"
)
MODEL_HELP = MODEL_DESCRIPTION + "; retrained after every record."


def metric_definitions() -> dict[str, tuple[str, str]]:
    """metric attribute -> (name, definition)."""
    from cartsle_cli.screening.ranking import metrics as measures

    return {
        "wss95_insights": ("WSS@95 (asreview-insights)", measures.WSS_INSIGHTS),
        "wss95_cohen": ("WSS@95 (Cohen 2006)", measures.WSS_COHEN),
        "wss100_insights": (
            "WSS@100 (asreview-insights)",
            "as WSS@95 (asreview-insights), at all includes found",
        ),
        "wss100_cohen": ("WSS@100 (Cohen 2006)", "(N - records read to find every include) / N"),
        "rrf10": ("RRF@10", measures.RRF),
        "screened_to_find_all": ("screened to find all", measures.SCREENED_TO_ALL),
    }


def _prior_positions(record_ids: list[str], priors: str | None, path: Path) -> list[int] | None:
    if not priors:
        return None
    position = {record_id: index for index, record_id in enumerate(record_ids)}
    wanted = [part.strip() for part in priors.split(",") if part.strip()]
    missing = [record_id for record_id in wanted if record_id not in position]
    if missing:
        raise CartsleError(f"--priors: no record with id {', '.join(missing)}", file=path, field="record_id")
    return [position[record_id] for record_id in wanted]


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _print_result(result: SimulationResult, record_ids: list[str], steps: bool) -> None:
    from cartsle_cli.screening.ranking import recall_chart, recall_curve

    rows = []
    for attribute, (name, _definition) in metric_definitions().items():
        spread = result.spread(attribute)
        rows.append(
            [name, _number(spread.mean), _number(spread.sd), _number(spread.low), _number(spread.high)]
        )
    print_table(
        f"Simulation: {result.records} records, {result.includes} includes, {len(result.runs)} run(s); "
        "N and includes leave the priors out",
        ["metric", "mean", "SD", "min", "max"],
        rows,
    )
    for name, definition in metric_definitions().values():
        stdout().print(f"  {name}: {definition}", markup=False, highlight=False)
    print_table(
        "Runs (priors: one include, one exclude, by record id)",
        ["run", "seed", "priors", "WSS@95 insights", "WSS@95 Cohen", "RRF@10", "screened to find all"],
        [
            [
                index + 1,
                run.seed,
                ", ".join(record_ids[p] for p in run.priors),
                _number(run.metrics.wss95_insights),
                _number(run.metrics.wss95_cohen),
                _number(run.metrics.rrf10),
                run.metrics.screened_to_find_all,
            ]
            for index, run in enumerate(result.runs)
        ],
    )
    first = result.runs[0]
    curve = recall_curve(first.labels_in_order, first.metrics.records, first.metrics.includes)
    stdout().print(recall_chart(curve), markup=False, highlight=False)
    stdout().print(f"model: {result.model}", markup=False, highlight=False)
    if steps:
        print_table(
            "Recall at every step (run 1, until the last include)",
            ["screened", "record id", "label", "recall"],
            [
                [step + 1, record_ids[position], first.labels_in_order[step], round(first.recall[step], 4)]
                for step, position in enumerate(first.order)
            ],
        )


def _as_json(result: SimulationResult, record_ids: list[str], label_column: str, path: Path) -> dict:
    return {
        "file": str(path),
        "label_column": label_column,
        "model": result.model,
        "records": result.records,
        "includes": result.includes,
        "definitions": {attribute: definition for attribute, (_, definition) in metric_definitions().items()},
        "summary": {attribute: asdict(result.spread(attribute)) for attribute in metric_definitions()},
        "runs": [
            {
                "seed": run.seed,
                "priors": [record_ids[p] for p in run.priors],
                "metrics": asdict(run.metrics),
                "order": [record_ids[p] for p in run.order],
                "recall": [round(value, 6) for value in run.recall],
                "mean_retrain_seconds": sum(run.retrain_seconds) / max(len(run.retrain_seconds), 1),
            }
            for run in result.runs
        ],
    }


def simulate_command(
    file: Annotated[Path, typer.Argument(help="Fully labelled set: CSV (ASReview/SYNERGY layout) or RIS.")],
    label: Annotated[
        str | None,
        typer.Option(
            "--label",
            help="Label column (or RIS tag); default: ASReview's names (asreview_label, included, label, final_included, label_included, ...).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of run 1; run i uses seed + i - 1.")] = 0,
    runs: Annotated[
        int, typer.Option("--runs", min=1, help="Number of runs (different priors and tie-breaks).")
    ] = 1,
    priors: Annotated[
        str | None,
        typer.Option(
            "--priors",
            help="Record ids to give as prior knowledge in every run, comma-separated (default: one random include and one random exclude per run).",
        ),
    ] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write the recall curves to this PNG.")] = None,
    steps: Annotated[bool, typer.Option("--steps", help="Also print recall at every step of run 1.")] = False,
    json: JsonOption = False,
) -> None:
    from cartsle_cli.screening.ranking import read_labelled, recall_curve, save_recall_plot, simulate

    labelled = read_labelled(file, label)
    prior_positions = _prior_positions(labelled.record_ids, priors, file)
    with progress_bar("simulating", None) as bar:
        task = bar.task_ids[0]
        result = simulate(
            labelled.texts,
            labelled.labels,
            runs=runs,
            seed=seed,
            priors=prior_positions,
            progress=lambda advance: bar.update(task, advance=advance),
        )
    if plot:
        curves = [
            recall_curve(run.labels_in_order, run.metrics.records, run.metrics.includes)
            for run in result.runs
        ]
        save_recall_plot(
            curves,
            plot,
            title=f"Recall curve: {file.name}",
            labels=[f"run {i + 1} (seed {run.seed})" for i, run in enumerate(result.runs)],
        )
    if json:
        print_json(_as_json(result, labelled.record_ids, labelled.label_column, file))
    else:
        _print_result(result, labelled.record_ids, steps)


# typer shows the docstring as --help; one line per paragraph so it reflows to the terminal
simulate_command.__doc__ = "\n\n".join(
    [
        "Replay a fully labelled set with the screening model and report how early it finds the includes.",
        "Reports WSS@95 by two formulas (asreview-insights' and Cohen 2006's), WSS@100, RRF@10 and the "
        "records screened to find all includes, as mean, SD, min and max over runs; recall at every step "
        "with --steps or --json. No review database is used.",
        MODEL_HELP,
    ]
)
