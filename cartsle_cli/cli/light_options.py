"""Option values of plain types converted without pydantic, so a light command starts light.

Typer (0.2x) converts every option and argument value through a pydantic ``TypeAdapter``; the
first one built imports pydantic and pydantic-core (with asyncio, email, ...): about 0.1 s of CPU,
a quarter of what `cartsle status` costs to start. Nearly all of cartsle's options are ``bool``,
``str``, ``int``, ``float`` or ``Path`` with no constraints, and for those the conversion is one call:
``int("12")``, ``Path("review.db")``. :func:`install` hands typer a converter that does exactly
that for values it can convert the way pydantic would (the test compares the two), and passes
everything else, and every value that does not convert, to typer's own conversion, so choices,
lists, ranges and every error message stay typer's.

Typer versions without this conversion layer (before 0.2x, click types) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_UNCONVERTED = object()


def _no_checks(parameter_info: Any) -> bool:
    """No range, parser or path check declared: the value's type is all there is to convert."""
    return (
        getattr(parameter_info, "parser", None) is None
        and getattr(parameter_info, "min", None) is None
        and getattr(parameter_info, "max", None) is None
        and not getattr(parameter_info, "path_type", None)
        and not getattr(parameter_info, "resolve_path", False)
        and not getattr(parameter_info, "allow_dash", False)
    )


def plain_value(annotation: Any, value: Any) -> Any:
    """``value`` as pydantic's lax mode makes it of ``annotation`` (bool, str, int, float, a path), or
    ``_UNCONVERTED`` when this function does not know (typer then converts it itself)."""
    kind = type(value)
    if annotation is bool:
        return value if kind is bool else _UNCONVERTED
    if annotation is str:
        return value if kind is str else _UNCONVERTED
    if annotation is int:
        if kind is int:
            return value
        return int(value) if kind is str and _INTEGER.fullmatch(value) else _UNCONVERTED
    if annotation is float:
        if kind is float:
            return value
        return float(value) if kind is str and _DECIMAL.fullmatch(value) else _UNCONVERTED
    if _is_path(annotation):
        if isinstance(value, annotation):
            return value
        # pydantic makes a path of a str as the path class does; a NUL byte it leaves to typer
        return annotation(value) if kind is str and "\0" not in value else _UNCONVERTED
    return _UNCONVERTED


def _is_path(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Path)


def install() -> None:
    """Make typer build :class:`PlainRuntimeParam` for plain parameters (idempotent)."""
    from typer import core

    found = getattr(core, "build_runtime_param", None)
    if found is None or getattr(found, "cartsle_plain", False):
        return  # a typer that converts through click types; or installed already
    original: Callable[[Any], Any] = found
    from typer import _coercion

    @dataclass(frozen=True)
    class PlainRuntimeParam(_coercion.RuntimeParam):
        descriptor: Any

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            converted = plain_value(self.annotation, value)
            if converted is _UNCONVERTED:
                return original(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
            if _is_path(self.annotation):
                from typer._param_types import coerce_cli_path

                # typer's own checks on the path, as its pydantic converter runs them
                return coerce_cli_path(
                    converted, self.parameter_info, path_type=self.annotation, param=param, ctx=ctx
                )
            return converted

    def build_runtime_param(descriptor: Any) -> Any:
        annotation = descriptor.annotation
        plain = annotation in (bool, str, int, float) or _is_path(annotation)
        if plain and descriptor.file_annotation is None and _no_checks(descriptor.parameter_info):
            return PlainRuntimeParam(
                parameter_info=descriptor.parameter_info, annotation=annotation, descriptor=descriptor
            )
        return original(descriptor)

    build_runtime_param.cartsle_plain = True  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param
