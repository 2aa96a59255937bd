"""`cartsle screen simulate`: replay a fully labelled set with the screening model and measure it."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import JsonOption, print_json, print_table, progress_bar, stdout
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.ranking import metrics as measures
from cartsle_cli.screening.ranking import (
    recall_chart,
    recall_curve,
    save_recall_plot,
    simulate,
)
from cartsle_cli.screening.ranking.model import DEFAULT_MODEL, model_named
from cartsle_cli.screening.ranking.prepared import prepare
from cartsle_cli.screening.ranking.recall_test import check_target
from cartsle_cli.screening.ranking.simulation import SimulationResult
from cartsle_cli.screening.ranking.stopping_simulation import StopSummary, simulate_stopping

MODEL_DESCRIPTION = (
    "Model (default): " + DEFAULT_MODEL.describe() + ". ELAS u4 (ASReview LAB 3's default) is the same "
    "without the keyword block (`screen simulate --model elas-u4`)"
)
MODEL_HELP = MODEL_DESCRIPTION + "; retrained after every record."


def metric_definitions() -> dict[str, tuple[str, str]]:
    """metric attribute -> (name, definition)."""

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


def _print_side_by_side(results: dict[str, SimulationResult]) -> None:
    """Each metric's mean (SD) per model, same priors, one column per model."""
    first = next(iter(results.values()))
    rows = []
    for attribute, (name, _definition) in metric_definitions().items():
        row = [name]
        for result in results.values():
            spread = result.spread(attribute)
            sd = f" (SD {spread.sd:.3f})" if spread.sd is not None else ""
            row.append(
                f"{spread.mean:.3f}{sd}" if attribute != "screened_to_find_all" else f"{spread.mean:.1f}{sd}"
            )
        rows.append(row)
    print_table(
        f"Simulation: {first.records} records, {first.includes} includes, {len(first.runs)} run(s), the same "
        "priors for every model; N and includes leave the priors out",
        ["metric", *results],
        rows,
    )
    for name, result in results.items():
        stdout().print(f"{name}: {result.model}", markup=False, highlight=False)


def _print_definitions() -> None:
    for name, definition in metric_definitions().values():
        stdout().print(f"  {name}: {definition}", markup=False, highlight=False)


def _print_result(result: SimulationResult, record_ids: list[str], steps: bool) -> None:
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
    if steps:
        print_table(
            "Recall at every step (run 1, until the last include)",
            ["screened", "record id", "label", "recall"],
            [
                [step + 1, record_ids[position], first.labels_in_order[step], round(first.recall[step], 4)]
                for step, position in enumerate(first.order)
            ],
        )


def _print_stopping(summaries: list[StopSummary]) -> None:
    print_table(
        "Stopping rules replayed (each replay of the model's order, then many random samples)",
        ["rule", "runs", "mean recall at stop", "min recall", "runs below target", "mean work saved"],
        [
            [
                summary.rule,
                summary.runs,
                round(summary.mean_recall, 3),
                round(summary.min_recall, 3),
                f"{summary.below_target:.1%}",
                round(summary.mean_work_saved, 3),
            ]
            for summary in summaries
        ],
    )
    stdout().print(
        "work saved: share of the records never screened; the test promises at most "
        "1 - confidence of runs below the target",
        markup=False,
        highlight=False,
    )


def _model_json(result: SimulationResult, record_ids: list[str]) -> dict:
    return {
        "model": result.model,
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


def _as_json(
    results: dict[str, SimulationResult],
    record_ids: list[str],
    label_column: str,
    path: Path,
    stopping: dict[str, list[StopSummary]] | None,
) -> dict:
    first = next(iter(results.values()))
    return {
        "file": str(path),
        "label_column": label_column,
        "records": first.records,
        "includes": first.includes,
        "definitions": {attribute: definition for attribute, (_, definition) in metric_definitions().items()},
        **_model_json(first, record_ids),  # the first model's, at the top as before
        "models": {name: _model_json(result, record_ids) for name, result in results.items()},
        "stopping": {name: [asdict(s) for s in summaries] for name, summaries in (stopping or {}).items()},
    }


def _sequences(result: SimulationResult, labels: list[int]) -> list[list[int]]:
    """Every record's label per run in the order screened, priors first."""
    return [[labels[p] for p in run.priors] + run.labels_in_order for run in result.runs]


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
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Simulate only this model: default, elas-u4 (ASReview LAB 3's default) or a candidate "
            "of the model comparison; without it the default and elas-u4 run side by side.",
        ),
    ] = None,
    stopping: Annotated[
        bool,
        typer.Option(
            "--stopping", help="Also replay the stopping rules (hypergeometric test and heuristic)."
        ),
    ] = False,
    draws: Annotated[
        int, typer.Option("--draws", min=1, help="With --stopping: random samples per run.")
    ] = 40,
    target: Annotated[float, typer.Option("--target", help="With --stopping: recall target.")] = 0.95,
    confidence: Annotated[float, typer.Option("--confidence", help="With --stopping: confidence.")] = 0.95,
    json: JsonOption = False,
) -> None:
    check_target(target, confidence)
    names = [model] if model else ["default", "elas-u4"]
    models = {name: model_named(name) for name in names}
    labelled = prepare(file, label, models)  # kept from an earlier simulation of this file, or read now
    prior_positions = _prior_positions(labelled.record_ids, priors, file)
    results: dict[str, SimulationResult] = {}
    with progress_bar("simulating", None) as bar:
        task = bar.task_ids[0]
        for name, chosen in models.items():
            bar.update(task, description=f"simulating {name}")
            results[name] = simulate(
                (),
                labelled.labels,
                runs=runs,
                seed=seed,
                priors=prior_positions,
                model=chosen,
                features=labelled.features[name],
                progress=lambda advance: bar.update(task, advance=advance),
            )
    summaries = (
        {
            name: simulate_stopping(
                _sequences(result, labelled.labels),
                draws=draws,
                seed=seed,
                target=target,
                confidence=confidence,
            )
            for name, result in results.items()
        }
        if stopping
        else None
    )
    result = next(iter(results.values()))
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
        print_json(_as_json(results, labelled.record_ids, labelled.label_column, file, summaries))
        return
    _print_side_by_side(results)
    _print_definitions()
    for name, one in results.items():
        stdout().print(f"\n{name}:", markup=False, highlight=False)
        _print_result(one, labelled.record_ids, steps and one is result)
        if summaries:
            _print_stopping(summaries[name])


# typer shows the docstring as --help; one line per paragraph so it reflows to the terminal
simulate_command.__doc__ = "\n\n".join(
    [
        "Replay a fully labelled set with the screening model and report how early it finds the includes.",
        "Reports WSS@95 by two formulas (asreview-insights' and Cohen 2006's), WSS@100, RRF@10 and the "
        "records screened to find all includes, as mean, SD, min and max over runs; recall at every step "
        "with --steps or --json. No review database is used; what is read of the file (labels, ids, "
        "features) is kept in the user's cache folder (CARTSLE_CACHE, else XDG_CACHE_HOME/cartsle, "
        "else ~/.cache/cartsle) for the next simulation of the same file.",
        MODEL_HELP,
    ]
)
