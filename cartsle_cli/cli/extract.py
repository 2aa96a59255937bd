"""`cartsle extract`: write the protocol's extraction files, load them, list loads, compare and
resolve two extractors' values."""

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
    say,
    warn,
)
from cartsle_cli.extraction.agreement import Resolution, differences, resolve_cell
from cartsle_cli.extraction.layout import STUDIES_FILE, layout
from cartsle_cli.extraction.store import extraction_loads, load_extraction
from cartsle_cli.extraction.template import write_template
from cartsle_cli.protocol.store import stored_protocol

app = group(
    "Extraction files from the review's protocol: `template` writes them, `load` validates and stores them,"
    " `loads` lists the loads, `compare` and `resolve` settle two extractors' differences."
)


@app.command("template")
def template_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the protocol's CSV files into.")
    ] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Write the CSV files the protocol implies (studies.csv with a row per included study, ...). Example: cartsle extract template --out extraction"""
    with review(db) as conn:
        template = write_template(conn, out, overwrite=force)
    if json_output:
        print_json(template.to_dict())
        return
    if template.study_count == 0:
        warn(f"no included studies yet: {STUDIES_FILE} has its header only")
    say(f"wrote {', '.join(map(str, template.files))} ({template.study_count} studies)", err=True)


@app.command("load")
def load_command(
    files: Annotated[
        list[Path], typer.Argument(help="The filled-in files, every one the protocol declares.")
    ],
    extractor: Annotated[
        str, typer.Option("--extractor", help="Who extracted these files (double extraction: one load each).")
    ] = "",
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Validate the files against the protocol and store them (all or nothing).

    Example: cartsle extract load extraction/studies.csv extraction/patients.csv
    """
    with review(db) as conn:
        result = load_extraction(conn, files, extractor=extractor)
    if json_output:
        print_json(result.to_dict())
        return
    for study_id in result.missing_study_ids:
        warn(f"included study {study_id!r} has no row in {STUDIES_FILE}")
    load = result.load
    replaced = f"; replaces load {result.replaced.id}" if result.replaced else ""
    rows = ", ".join(f"{count} rows of {name}" for name, count in result.rows.items())
    who = f" by {load.extractor}" if load.extractor else ""
    say(
        f"load {load.id}{who} (protocol version {load.protocol_version}): {load.study_count} studies; {rows}{replaced}",
        err=True,
    )


@app.command("loads")
def loads_command(db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """Every extraction load, newest first. Example: cartsle extract loads"""
    with review(db) as conn:
        loads = extraction_loads(conn)
    if json_output:
        print_json([load.to_dict() for load in loads])
        return
    print_table(
        "Extraction loads (each extractor's first is current)",
        ["load", "loaded at", "extractor", "protocol version", "studies", "rows", "files"],
        [
            [
                load.id,
                load.loaded_at,
                load.extractor or "-",
                load.protocol_version,
                load.study_count,
                load.row_count,
                ", ".join(load.files.values()),
            ]  # fmt: skip
            for load in loads
        ],
    )


@app.command("compare")
def compare_command(db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """Every cell where the extractors' current loads differ, and its agreed value if resolved. Example: cartsle extract compare"""
    with review(db) as conn:
        found = differences(conn)
    if json_output:
        print_json([d.to_dict() for d in found])
        return
    extractors = sorted({name for d in found for name in d.values})
    print_table(
        f"Cells where the extractors differ ({sum(not d.is_resolved for d in found)} unresolved)",
        ["file", "study", "arm", "patient", "time", "column", *extractors, "agreed"],
        [
            [
                d.file,
                d.study_id,
                d.arm,
                d.patient,
                d.timepoint,
                d.field,
                *(_text(d.values.get(name)) for name in extractors),
                _text(d.resolved) if d.is_resolved else "(open)",
            ]  # fmt: skip
            for d in found
        ],
    )


@app.command("resolve")
def resolve_command(
    study: Annotated[str, typer.Option("--study", help="The study id.")],
    column: Annotated[str, typer.Option("--column", help="The column (field) of the cell, e.g. crs_any.")],
    value: Annotated[str, typer.Option("--value", help="The agreed value (empty: blank).")],
    file: Annotated[str, typer.Option("--file", help="The protocol file of the cell.")] = STUDIES_FILE,
    arm: Annotated[str, typer.Option("--arm", help="The arm (arms.csv).")] = "",
    patient: Annotated[str, typer.Option("--patient", help="The patient (a patient-level file).")] = "",
    time: Annotated[str, typer.Option("--time", help="The time (a patient-level file).")] = "",
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who resolved it.")] = "",
    note: Annotated[str, typer.Option("--note", help="Why.")] = "",
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Record the agreed value of a cell where extractors differ. Example: cartsle extract resolve --study "Hartmann 2022" --column crs_any --value 10"""
    with review(db) as conn:
        files = layout(stored_protocol(conn).protocol)
        resolved = resolve_cell(
            conn,
            files,
            Resolution(file, study, column, value if value != "" else None, arm, patient, time),
            reviewer=reviewer,
            note=note,
        )
    if json_output:
        print_json(resolved.to_dict())
        return
    say(f"{column} of {study!r} agreed as {_text(resolved.resolved) or '(blank)'}", err=True)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
