"""Shared test helpers: paths to ../shared, a CLI runner and the list of every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartsle_cli.cli.main import COMMANDS, app, load_command

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def _simulation_cache(tmp_path_factory: pytest.TempPathFactory):
    """`screen simulate` keeps prepared labelled sets in a temporary folder, not the user's cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("CARTSLE_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the repository")
    return SHARED


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "review.db"


class Cli:
    """Runs `cartsle ...` in-process, against one review file."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True, input: str | None = None):
        result = self.runner.invoke(app, [*map(str, args), "--db", str(self.db)], input=input)
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"cartsle {' '.join(map(str, args))} failed ({result.exit_code}):\n{result.output}\n{result.exception!r}"
            )
        return result


@pytest.fixture
def cli(db: Path) -> Cli:
    return Cli(db)


def leaf_commands():
    """(path, click command) of every command and group, `cartsle screen decide` as
    ``["screen", "decide"]``, each group before its subcommands."""

    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for name in COMMANDS:
        yield from walk(load_command(name), [name])
