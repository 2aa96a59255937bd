"""The `cartsle` command: each command's module, loaded only when that command runs.

Importing every command module up front costs seconds (pandas, SciPy, scikit-learn, matplotlib,
Textual) on every call, so the top-level group knows each command by the module attribute that
defines it and by its one-line help, and imports the module only when the command is run or its
own help is shown. `cartsle --help` imports no command module at all.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any

import typer
from typer import _click as click  # typer runs its own copy of click

import cartsle_cli.extraction  # noqa: F401 - registers its data step of the schema migrations
from cartsle_cli import __version__
from cartsle_cli.cli.common import CartsleGroup, pass_down, say

# name -> (module in cartsle_cli.cli, attribute, one-line help). The attribute is a Typer app (a
# command group) or a function (one command). Order is help order.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "import": (
        "import_cmd",
        "import_command",
        "Import search exports (RIS, MEDLINE, Ovid, WoS, CSV, BibTeX).",
    ),
    "searches": ("searches", "app", "List the imported searches; remove one."),
    "status": ("status", "status_command", "Records per source and where they stand."),
    "dedup": ("dedup", "app", "Find duplicate records; review, undo, show and list clusters."),
    "export": ("dedup", "export_command", "Write the deduplicated records as RIS or CSV."),
    "screen": ("screen", "app", "Screen records at title/abstract and full text."),
    "prisma": ("screen_files", "prisma_command", "PRISMA 2020 flow counts and diagram."),
    "protocol": (
        "protocol",
        "app",
        "The review protocol: what it extracts and pools (init, check, load, show).",
    ),
    "extract": (
        "extract",
        "app",
        "Extraction files from the protocol: template, load, loads, compare, resolve.",
    ),
    "appraise": ("appraise", "app", "Risk of bias with two appraisers: sheets, conflicts, kappa, plots."),
    "grade": ("grade", "app", "GRADE certainty per pooled outcome and the summary of findings."),
    "pool": ("pool", "app", "Pool every analysis the protocol declares; pool meta for numbers at hand."),
    "report": ("report", "report_command", "Write the review's report (CSV, Markdown, HTML, JSON)."),
    "backup": ("backup", "backup_command", "Write a consistent copy of the review."),
    "share": ("share", "share_command", "Write a blind copy of the review for one reviewer."),
    "merge": ("share", "merge_command", "Bring back the work done in a shared copy."),
    "demo": ("demo", "demo_command", "Build the sample review and run the whole pipeline on it."),
}


@cache
def load_command(name: str) -> click.Command:
    """Import the module behind ``name`` and turn its Typer app or function into a click command."""
    module_name, attribute, short_help = COMMANDS[name]
    target = getattr(importlib.import_module(f"cartsle_cli.cli.{module_name}"), attribute)
    if isinstance(target, typer.Typer):
        command = typer.main.get_command(target)
        command.name = name
    else:
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.short_help = short_help
    return command


class LazyCartsleGroup(CartsleGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, so `cartsle --help` loads no command module."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry[2]) for name, entry in COMMANDS.items()])


app = typer.Typer(
    cls=LazyCartsleGroup,
    help="cartsle: a systematic review from database exports to pooled results, kept in one SQLite file.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        say(f"cartsle {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    db: Path | None = typer.Option(
        None,
        "--db",
        help="The review file, for the command that follows (as its own --db; default cartsle.db or CARTSLE_DB).",
        show_default=False,
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """cartsle: a systematic review from database exports to pooled results, in one SQLite file."""
    if ctx.invoked_subcommand is not None:
        pass_down(ctx)


def run(*args: Any) -> None:
    app(prog_name="cartsle")
