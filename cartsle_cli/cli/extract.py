"""`cartsle extract`: write the extraction template, load the filled-in files, list the loads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    group,
    print_json,
    print_table,
    review,
    stderr,
    warn,
)
from cartsle_cli.extraction.store import extraction_loads, load_extraction
from cartsle_cli.extraction.template import write_template

app = group(
    "Extraction files: `template` writes them, `load` validates and stores them, `loads` lists the loads."
)


@app.command("template")
def template_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write studies.csv and patients.csv into.")
    ] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Write studies.csv (a row per included study) and patients.csv. Example: cartsle extract template --out extraction"""
    with review(db) as conn:
        template = write_template(conn, out, overwrite=force)
    if json_output:
        print_json(template.to_dict())
        return
    if template.study_count == 0:
        warn("no included studies yet: studies.csv has its header only")
    stderr().print(
        f"wrote {template.studies} ({template.study_count} studies) and {template.patients}",
        markup=False,
        highlight=False,
    )


@app.command("load")
def load_command(
    studies: Annotated[Path, typer.Argument(help="The filled-in studies.csv.")],
    patients: Annotated[Path, typer.Argument(help="The filled-in patients.csv.")],
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Validate both files and store them as the current extraction (all or nothing).

    Example: cartsle extract load extraction/studies.csv extraction/patients.csv
    """
    with review(db) as conn:
        result = load_extraction(conn, studies, patients)
    if json_output:
        print_json(result.to_dict())
        return
    for study_id in result.missing_study_ids:
        warn(f"included study {study_id!r} has no row in {studies}")
    load = result.load
    replaced = f"; replaces load {result.replaced.id}" if result.replaced else ""
    stderr().print(
        f"load {load.id}: {load.study_count} studies, {load.patient_rows} patient rows{replaced}",
        markup=False,
        highlight=False,
    )


@app.command("loads")
def loads_command(db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """Every extraction load, newest (the current one) first. Example: cartsle extract loads"""
    with review(db) as conn:
        loads = extraction_loads(conn)
    if json_output:
        print_json([vars(load) for load in loads])
        return
    print_table(
        "Extraction loads (the first is current)",
        ["load", "loaded at", "studies file", "studies", "patients file", "patient rows"],
        [
            [
                load.id,
                load.loaded_at,
                load.studies_file,
                load.study_count,
                load.patients_file,
                load.patient_rows,
            ]
            for load in loads
        ],
    )
