"""`cartsle protocol`: write a protocol from a preset, check it, load it into the review, show it."""

from __future__ import annotations

from dataclasses import asdict
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
)
from cartsle_cli.errors import CartsleError
from cartsle_cli.protocol.parse import read_protocol
from cartsle_cli.protocol.presets import DEFAULT_PRESET, preset_names, preset_text
from cartsle_cli.protocol.store import load_protocol, protocol_versions, stored_protocol

app = group(
    "The review protocol (TOML): `init` writes one from a preset, `check` checks a file, `load` stores it as"
    " the review's new version, `show` prints the current one."
)


@app.command("init")
def init_command(
    preset: Annotated[
        str, typer.Option("--preset", help=f"Preset to start from: {', '.join(preset_names())}.")
    ] = DEFAULT_PRESET,
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")] = Path("protocol.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    db: DbOption = DEFAULT_DB,  # accepted like every command's, unused: nothing is stored
) -> None:
    """Write a protocol file from a preset. Example: cartsle protocol init --preset car-t-sle --out protocol.toml"""
    text = preset_text(preset)
    if out.exists() and not force:
        raise CartsleError(
            "already exists (it may hold your protocol): give --force to overwrite it", file=out
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    say(f"wrote {out} (preset {preset}); edit it, then `cartsle protocol check {out}`", err=True)


@app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(help="The protocol file.")],
    db: DbOption = DEFAULT_DB,  # accepted, unused: nothing is stored
    json_output: JsonOption = False,
) -> None:
    """Check a protocol file without storing it. Example: cartsle protocol check protocol.toml"""
    protocol = read_protocol(file)
    if json_output:
        print_json(_summary(protocol))
        return
    say(
        f"{file}: valid; {len(protocol.characteristics)} characteristics, {len(protocol.outcomes)} outcomes,"
        f" {len(protocol.analyses)} analyses ({protocol.design.type})",
        err=True,
    )


@app.command("load")
def load_command(
    file: Annotated[Path, typer.Argument(help="The protocol file.")],
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Check the file and store it as the review's new protocol version (a new review if there is none yet). Example: cartsle protocol load protocol.toml"""
    read_protocol(file)  # a bad protocol stops here: no review file is created, nothing stored
    with review(db, create=True) as conn:
        version = load_protocol(conn, file)
    if json_output:
        print_json(version.to_dict())
        return
    say(f"protocol version {version.version} loaded from {file}", err=True)


@app.command("show")
def show_command(db: DbOption = DEFAULT_DB, json_output: JsonOption = False) -> None:
    """The current protocol: its outcomes and analyses (--json: all of it and every version). Example: cartsle protocol show"""
    with review(db) as conn:
        current = stored_protocol(conn)
        versions = protocol_versions(conn)
    protocol = current.protocol
    if json_output:
        print_json(
            {
                "version": current.version.to_dict(),
                "versions": [v.to_dict() for v in versions],
                "protocol": _summary(protocol),
            }
        )
        return
    print_table(
        f"Protocol version {current.version.version}: {protocol.title} ({protocol.design.type})",
        [
            "outcome",
            "type",
            "analysis",
            "measure",
            "model",
            "method",
            "CI",
            "PI",
            "subgroups",
            "covariates",
            "sensitivity",
        ],
        [
            [
                o.label,
                o.type,
                a.label,
                a.measure,
                a.model,
                a.method,
                a.ci,
                a.pi,
                ", ".join(a.subgroups),
                ", ".join(a.covariates),
                ", ".join(a.sensitivity),
            ]  # fmt: skip
            for o in protocol.outcomes
            for a in (o.analyses or [None])
            if a is not None
        ]
        + [
            [o.label, o.type, "(extracted, not pooled)", "", "", "", "", "", "", "", ""]
            for o in protocol.outcomes
            if not o.analyses
        ],
    )


def _summary(protocol) -> dict:
    data = asdict(protocol)
    data.pop("text", None)
    return data
