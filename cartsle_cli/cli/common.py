"""What every command shares: the --db option, consoles, JSON output, progress bars, errors."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import ClickException, UsageError  # typer runs its own copy of click
from typer.core import TyperGroup

from cartsle_cli.errors import CartsleError
from cartsle_cli.safe_output import for_terminal
from cartsle_cli.store import open_review
from cartsle_cli.store.connection import last_review_path
from cartsle_cli.store.faults import explain
from cartsle_cli.store.network_fs import network_warning

if TYPE_CHECKING:
    # rich is loaded when something is printed through it: `--help`, `--json` and one-line
    # messages (typer.echo) never need it, and its progress bars only the long commands
    from rich.console import Console
    from rich.progress import Progress
    from rich.text import Text

DbOption = Annotated[
    Path,
    typer.Option("--db", envvar="CARTSLE_DB", help="The review file (SQLite).", show_default=True),
]
DEFAULT_DB = Path("cartsle.db")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of tables.")]
ReviewerOption = Annotated[
    str | None,
    typer.Option("--reviewer", envvar="CARTSLE_REVIEWER", help="Who is deciding (or CARTSLE_REVIEWER)."),
]


@cache
def _safe_console() -> type[Console]:
    from rich.console import Console

    class SafeConsole(Console):
        """A rich Console whose plain-string arguments go through ``for_terminal`` first: a file
        name or a reviewer's name in a message can never drive the terminal. (Text objects are
        built with ``safe_text``, which does the same.)"""

        def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
            super().print(*(for_terminal(o) if isinstance(o, str) else o for o in objects), **kwargs)

    return SafeConsole


def stdout() -> Console:
    """Tables and results. Rich turns colour off when piped and when NO_COLOR is set; piped
    output is not squeezed to 80 columns, so a script reads whole cells."""
    width = None if sys.stdout.isatty() else PIPED_WIDTH
    return _safe_console()(no_color="NO_COLOR" in os.environ or None, soft_wrap=False, width=width)


PIPED_WIDTH = 200


def stderr() -> Console:
    """Progress bars, warnings and errors."""
    return _safe_console()(stderr=True, no_color="NO_COLOR" in os.environ or None)


_WARNED: set[Path] = set()  # reviews warned about in this process: once per command


@contextmanager
def review(db: Path, *, create: bool = False) -> Iterator[sqlite3.Connection]:
    """Open the review for one command and close it afterwards (warning, once, if it is on a
    network filesystem)."""
    conn = open_review(db, create=create)
    if db not in _WARNED:
        _WARNED.add(db)
        message = network_warning(db)
        if message:
            warn(message)
    try:
        yield conn
    finally:
        conn.close()


def plain(value: Any) -> str:
    """Text from a record made safe for a terminal (``safe_output.for_terminal``)."""
    return for_terminal(value)


def safe_text(value: Any, style: str = "") -> Text:
    """A rich Text of ``value``: control characters removed and markup shown literally, never run."""
    from rich.text import Text

    return Text(plain(value), style=style)


def say(message: Any, *, err: bool = False) -> None:
    """One line of text for the user (stdout, or stderr with ``err``), made safe for a terminal."""
    typer.echo(for_terminal(message), err=err)


# json.dumps escapes C0 controls but writes DEL and the C1 range raw, and 0x9b alone starts a CSI.
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def print_json(value: Any) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(_RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n")


def print_listing(
    json_output: bool,
    records: Any,
    title: str | None,
    columns: Sequence[str],
    rows: Callable[[], Sequence[Sequence[Any]]],
) -> None:
    """What a listing command prints: ``records`` as JSON with ``--json``, else the table whose
    rows ``rows()`` makes (only when it is shown)."""
    if json_output:
        print_json(records)
    else:
        print_table(title, columns, rows())


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A rich table on stdout; numbers right-aligned, None shown as blank, every cell made safe
    for the terminal."""
    from rich.table import Table

    numeric = [
        bool(rows) and all(isinstance(row[i], (int, float)) or row[i] is None for row in rows)
        for i in range(len(columns))
    ]
    table = Table(title=title, title_justify="left")
    for column, is_number in zip(columns, numeric):
        table.add_column(column, justify="right" if is_number else "left")
    for row in rows:
        table.add_row(*(safe_text(cell) for cell in row))
    stdout().print(table)


def warn(message: str) -> None:
    stderr().print(f"warning: {message}", style="yellow", markup=False, highlight=False)


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Progress]:
    """A progress bar on stderr (hidden when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = stderr()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        bar.add_task(description, total=total)
        yield bar


class CartsleGroup(TyperGroup):
    """Turns a CartsleError anywhere below into one line on stderr and exit status 1 (so too a
    fault of the review file or the disk: busy, full, read-only, damaged: ``store.faults``), and a
    usage error (an unknown option, a missing argument) into one line and exit status 2."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except UsageError as error:
            command = error.ctx.command_path if error.ctx is not None else prog_name or "cartsle"
            _one_line(f"error: {error.format_message()} (see `{command} --help`)")
            sys.exit(error.exit_code)
        except ClickException as error:
            _one_line(f"error: {error.format_message()}")
            sys.exit(error.exit_code)
        except typer.Abort:
            _one_line("aborted")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CartsleError as error:
            _fail(error)
        except (sqlite3.Error, OSError) as error:
            fault = explain(error, last_review_path())
            if fault is None:
                raise
            _fail(fault)


def _fail(error: CartsleError) -> None:
    _one_line(f"error: {error}")
    raise typer.Exit(1) from None


def _one_line(message: str) -> None:
    stderr().print(" ".join(message.split()), style="red", markup=False, highlight=False, soft_wrap=True)


def pass_down(ctx: typer.Context, names: tuple[str, ...] = ("db",)) -> None:
    """Options given before a group's subcommand (`cartsle screen --db r.db conflicts`) become the
    subcommand's defaults, through click's default_map, instead of being silently dropped.

    Call it from a group's callback when ``ctx.invoked_subcommand`` is set.
    """
    # Compared by name: typer runs its own copy of click, whose enum is not click's. A value a
    # parent passed down (DEFAULT_MAP) goes on down too.
    given = {
        name: ctx.params[name]
        for name in names
        if getattr(ctx.get_parameter_source(name), "name", None) in ("COMMANDLINE", "DEFAULT_MAP")
    }
    if given and ctx.invoked_subcommand is not None:
        command = ctx.command.get_command(ctx, ctx.invoked_subcommand)  # type: ignore[attr-defined]
        # merged into what a parent passed down (`cartsle --db r.db screen --reviewer k conflicts`)
        ctx.default_map = _merged(
            dict(ctx.default_map or {}), {ctx.invoked_subcommand: _defaults_for(command, given)}
        )


def _defaults_for(command: Any, given: dict) -> dict:
    # A group's default_map holds its options' defaults and its subcommands' maps under their
    # names: a subcommand whose name is also one of the group's options is left out.
    own = {p.name for p in command.params}
    defaults = {name: value for name, value in given.items() if name in own}
    for name, sub in getattr(command, "commands", {}).items():  # a group: its subcommands too
        if name in own:  # click looks a parameter's default up by its name: never shadow one
            continue  # (the group's own pass_down hands the value on to that subcommand)
        if sub_defaults := _defaults_for(sub, given):
            defaults[name] = sub_defaults
    return defaults


def _merged(base: dict, more: dict) -> dict:
    merged = dict(base)
    for key, value in more.items():
        merged[key] = (
            _merged(merged[key], value)
            if isinstance(value, dict) and isinstance(merged.get(key), dict)
            else value
        )
    return merged


def group(
    help_text: str, *, lazy: dict[str, tuple[str, str, str]] | None = None, **kwargs: Any
) -> typer.Typer:
    """A command group that reports errors the cartsle way.

    ``lazy`` names subcommands by (module in cartsle_cli.cli, function, one-line help): their
    module is imported only when that subcommand runs or shows its own help (`screen simulate`
    loads scikit-learn; `screen decide` should not).
    """
    kwargs.setdefault("no_args_is_help", False)
    cls = type("LazyCartsleGroup", (_LazySubcommands,), {"lazy": dict(lazy or {})}) if lazy else CartsleGroup
    # plain click help: paragraphs reflow to the terminal and flags show no "<bool>" placeholder
    return typer.Typer(cls=cls, help=help_text, add_completion=False, rich_markup_mode=None, **kwargs)


class _LazySubcommands(CartsleGroup):
    lazy: dict[str, tuple[str, str, str]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module_name, attribute, short_help = self.lazy[cmd_name]
        import importlib

        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(cmd_name)(
            getattr(importlib.import_module(f"cartsle_cli.cli.{module_name}"), attribute)
        )
        command = typer.main.get_command(single)
        command.short_help = short_help
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The list of subcommands, with the lazy ones' help from the table (nothing imported)."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                rows.append((name, self.lazy[name][2]))
            elif (command := super().get_command(ctx, name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
