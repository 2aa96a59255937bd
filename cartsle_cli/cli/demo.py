"""`cartsle demo`: generate the sample review into a folder and run the whole pipeline on it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import JsonOption, group, print_json, stderr, stdout
from cartsle_cli.errors import CartsleError
from cartsle_cli.sample.registry import DEFAULT, sample
from cartsle_cli.sample.steps import Step

app = group("The sample review, end to end.")


def demo_command(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for the sample review (a new temporary folder if left out)."
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="CARTSLE_DEMO_DB",
            help="Review file to build (default: cartsle.db inside the folder).",
        ),
    ] = None,
    sample_name: Annotated[
        str,
        typer.Option(
            "--sample",
            help="Which sample review: car-t-sle (the seed review, synthetic case series), asthma "
            "(15 randomised trials of self-management education, Gibson 2002) or bcg (13 BCG vaccine "
            "trials, Colditz 1994).",
        ),
    ] = DEFAULT,
    json_output: JsonOption = False,
) -> None:
    """Generate a sample review and run import, dedup, screening, extraction, appraisal, report and pooling on it, printing each step's tables; ends with PRISMA counts, the pooled results and the summary of findings.

    Example: cartsle demo --out sample-review

    Another sample: cartsle demo --sample asthma --out asthma-review

    With --json the steps run quietly and one JSON document follows: the sample, the folder, the review file, the commands run, and the PRISMA counts and pooled results as `cartsle prisma --json` and `cartsle pool --json` give them. CARTSLE_DB is not read, so the demo never writes into your own review.
    """
    folder = (out or Path(tempfile.mkdtemp(prefix="cartsle-sample-"))).resolve()
    review_file = (db or folder / "cartsle.db").resolve()
    if review_file.exists():
        raise CartsleError("a review file is already there: give another --out or --db", file=review_file)
    chosen = sample(sample_name)
    chosen.write(folder)
    stderr().print(f"sample review {chosen.name!r} written to {folder}", markup=False, highlight=False)
    started = time.perf_counter()
    here = Path.cwd()
    os.chdir(folder)  # the steps name files relative to the sample folder, as the README does
    try:
        if json_output:
            with contextlib.redirect_stdout(io.StringIO()):
                for step in chosen.steps:
                    _run(step, review_file)
            results = {
                name: json.loads(_captured(Step(name, (name, "--json")), review_file))
                for name in ("prisma", "pool")
            }
        else:
            for step in chosen.steps:
                stdout().rule(step.title)
                stdout().print(f"$ {step.command}", markup=False, highlight=False)
                _run(step, review_file)
    finally:
        os.chdir(here)
    stderr().print(
        f"demo finished in {time.perf_counter() - started:.1f} s; review file {review_file}",
        markup=False,
        highlight=False,
    )
    if json_output:
        print_json(
            {
                "sample": chosen.name,
                "folder": str(folder),
                "db": str(review_file),
                "commands": [s.command for s in chosen.steps],
                **results,
            }
        )


def _captured(step: Step, review_file: Path) -> str:
    with contextlib.redirect_stdout(io.StringIO()) as text:
        _run(step, review_file)
    return text.getvalue()


def _run(step: Step, review_file: Path) -> None:
    from cartsle_cli.cli.main import app as cartsle  # imported here: main imports this module

    try:
        cartsle([*step.args, "--db", str(review_file)], prog_name="cartsle", standalone_mode=False)
    except typer.Exit as done:
        if done.exit_code:
            raise CartsleError(f"the demo stopped at `{step.command}`") from None
