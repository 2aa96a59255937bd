"""The protocols cartsle ships (``cartsle_cli/presets/*.toml``, data files, not code)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from cartsle_cli.errors import CartsleError

DEFAULT_PRESET = "two-arm"


def preset_names() -> list[str]:
    folder = resources.files("cartsle_cli").joinpath("presets")
    return sorted(item.name.removesuffix(".toml") for item in folder.iterdir() if item.name.endswith(".toml"))


def preset_path(name: str) -> Path:
    """The preset's file; an unknown name is refused with the known ones."""
    if name not in preset_names():
        raise CartsleError(f"no preset {name!r}; presets: {', '.join(preset_names())}", field="--preset")
    return Path(str(resources.files("cartsle_cli").joinpath("presets").joinpath(f"{name}.toml")))


def preset_text(name: str) -> str:
    return preset_path(name).read_text(encoding="utf-8")
