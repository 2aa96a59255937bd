"""Option values converted without pydantic (cli/light_options.py) come out as typer's own
conversion makes them: same value, or the same error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("typer._coercion")  # a typer with the pydantic conversion layer

from typer import _coercion, core  # noqa: E402
from typer._click.exceptions import BadParameter  # noqa: E402
from typer.models import OptionInfo  # noqa: E402

import cartsle_cli.cli.main  # noqa: E402, F401  (installs the plain conversion)


def _both(annotation, value):
    descriptor = _coercion.resolve_type_descriptor(annotation, OptionInfo())
    results = []
    for build in (_coercion.build_runtime_param, core.build_runtime_param):  # typer's, then ours
        try:
            results.append(("value", build(descriptor)._coerce_value(value, param=None, ctx=None)))
        except BadParameter as error:
            results.append(("error", error.format_message()))
    return results


def test_the_plain_conversion_is_installed_for_plain_types_only():
    plain = core.build_runtime_param(_coercion.resolve_type_descriptor(int, OptionInfo()))
    assert type(plain).__name__ == "PlainRuntimeParam"
    ranged = core.build_runtime_param(_coercion.resolve_type_descriptor(int, OptionInfo(min=1)))
    assert type(ranged).__name__ != "PlainRuntimeParam"


NUMBERS = ["12", "012", "+5", "-0", " 7", "7 ", "1_000", "1.0", "1.5", ".5", "5.", "1e3", "-2E-2", "inf",
           "nan", "", "x", "١٢", "0x10", "9" * 30]  # fmt: skip


@pytest.mark.parametrize("annotation", [int, float])
@pytest.mark.parametrize("value", NUMBERS)
def test_numbers_convert_as_typer_converts_them(annotation, value):
    theirs, ours = _both(annotation, value)
    if theirs[0] == "value" and theirs[1] != theirs[1]:  # nan
        assert ours[1] != ours[1]
    else:
        assert ours == theirs


@settings(max_examples=200, deadline=None)
@given(value=st.text(), annotation=st.sampled_from([str, int, float, Path]))
def test_any_text_converts_as_typer_converts_it(value, annotation):
    theirs, ours = _both(annotation, value)
    if theirs[0] == "value" and annotation is float and theirs[1] != theirs[1]:
        assert ours[0] == "value" and ours[1] != ours[1]
    else:
        assert ours == theirs


@pytest.mark.parametrize(
    "annotation, value", [(bool, True), (bool, False), (int, 3), (float, 0.5), (Path, Path("a.db"))]
)
def test_defaults_of_the_option_type_pass_through(annotation, value):
    theirs, ours = _both(annotation, value)
    assert ours == theirs == ("value", value)


def test_a_path_that_is_a_folder_where_a_file_is_wanted_gets_typers_message(tmp_path):
    descriptor = _coercion.resolve_type_descriptor(Path, OptionInfo(dir_okay=False))
    messages = []
    for build in (_coercion.build_runtime_param, core.build_runtime_param):
        with pytest.raises(BadParameter) as raised:
            build(descriptor)._coerce_value(str(tmp_path), param=None, ctx=None)
        messages.append(raised.value.format_message())
    assert messages[0] == messages[1] and "is a directory" in messages[0]
