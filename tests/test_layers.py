"""Data flows one way: formats -> store -> dedup -> screening -> extraction -> stats -> the review
as a whole -> report -> cli. No module of a stage imports a later stage (at the top of the module
or inside a function), so a reader can trust the folder names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cartsle_cli"
# Each entry is a top-level package or module of cartsle_cli; later entries may import earlier ones.
ORDER = (
    "errors",
    "formats",
    "store",
    "dedup",
    "screening",
    "extraction",
    "stats",
    "review",
    "report",
    "sample",
    "cli",
)


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "cartsle_cli" and parts[1] in ORDER else None


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno


MODULES = sorted(
    path
    for path in PACKAGE.rglob("*.py")
    if stage_of(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_stage_imports_a_later_one(path):
    mine = stage_of(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
    for module, line in imports(path):
        theirs = stage_of(module)
        assert theirs is None or ORDER.index(theirs) <= ORDER.index(mine), (
            f"line {line}: {mine} imports {module}"
        )


def test_every_stage_of_the_order_exists():
    for name in ORDER:
        assert (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file(), name
