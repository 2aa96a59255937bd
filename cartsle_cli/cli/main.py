"""The `cartsle` command: each command group's module, loaded only when its command runs.

Importing every group up front costs seconds (pandas, SciPy, scikit-learn, matplotlib, Textual)
on every call, so the top-level group knows each command by the module that defines it and
imports that module only when the command is run or its help is shown.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

import typer

from cartsle_cli import __version__
from cartsle_cli.cli.common import CartsleGroup, say

# name -> (module in cartsle_cli.cli, attribute, kind): "group" is a Typer app, "command" a
# function, "entry" a function in the module's ``top_level_commands`` dict. Order is help order.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "import": ("import_cmd", "import_command", "command"),
    "searches": ("searches", "app", "group"),
    "status": ("status", "status_command", "command"),
    "dedup": ("dedup", "app", "group"),
    "export": ("dedup", "export", "entry"),
    "screen": ("screen", "app", "group"),
    "prisma": ("screen", "prisma", "entry"),
    "extract": ("extract", "app", "group"),
    "pool": ("pool", "app", "group"),
    "report": ("report", "report", "entry"),
    "backup": ("backup", "backup_command", "command"),
    "demo": ("demo", "demo", "entry"),
}


@cache
def load_command(name: str) -> Any:
    """Import the module behind ``name`` and turn its Typer app or function into a click command."""
    module_name, attribute, kind = COMMANDS[name]
    module = importlib.import_module(f"cartsle_cli.cli.{module_name}")
    if kind == "group":
        command = typer.main.get_command(getattr(module, attribute))
        command.name = name
        return command
    function = module.top_level_commands[attribute] if kind == "entry" else getattr(module, attribute)
    single = typer.Typer(add_completion=False)
    single.command(name)(function)
    return typer.main.get_command(single)


class LazyCartsleGroup(CartsleGroup):
    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        return load_command(cmd_name) if cmd_name in COMMANDS else None


app = typer.Typer(
    cls=LazyCartsleGroup,
    help="cartsle: a systematic review from database exports to pooled results, kept in one SQLite file.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        say(f"cartsle {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """cartsle: a systematic review from database exports to pooled results, in one SQLite file."""


def run(*args: Any) -> None:
    app(prog_name="cartsle")
