"""The `cartsle` command: wires each command group's module into one app."""

from __future__ import annotations

import typer

from cartsle_cli import __version__
from cartsle_cli.cli import backup, dedup, demo, extract, import_cmd, pool, report, screen, searches, status
from cartsle_cli.cli.common import group

app = group(
    "cartsle: a systematic review from database exports to pooled results, kept in one SQLite file.",
    no_args_is_help=True,
)
app.command("import")(import_cmd.import_command)
app.add_typer(searches.app, name="searches")
app.command("status")(status.status_command)
app.add_typer(dedup.app, name="dedup")
for name, command in dedup.top_level_commands.items():
    app.command(name)(command)
app.add_typer(screen.app, name="screen")
for name, command in screen.top_level_commands.items():
    app.command(name)(command)
app.add_typer(extract.app, name="extract")
app.add_typer(pool.app, name="pool")
for name, command in report.top_level_commands.items():
    app.command(name)(command)
for name, command in demo.top_level_commands.items():
    app.command(name)(command)
app.command("backup")(backup.backup_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cartsle {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """cartsle: a systematic review from database exports to pooled results, in one SQLite file."""


def run() -> None:
    app(prog_name="cartsle")
