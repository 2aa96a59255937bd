"""Reading protocols: the presets and the README's example are valid, and every bad protocol
gets one error naming the file, the line of the key and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.protocol import parse_protocol, read_protocol
from cartsle_cli.protocol.presets import preset_path, preset_text
from tests.protocol.conftest import MINIMAL

ROOT = Path(__file__).resolve().parents[2]


def test_readme_example_is_the_two_arm_preset() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Protocol format") :]
    block = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    assert block == preset_text("two-arm")
    protocol = parse_protocol(block)
    assert [a.id for a in protocol.analyses] == ["tb", "tb_mh", "induration", "tb_death"]
    tb = protocol.analyses[0]
    assert (tb.measure, tb.method, tb.ci, tb.pi, tb.subgroups, tb.covariates, tb.sensitivity) == (
        "RR",
        "reml",
        "hksj",
        "t",
        ("allocation",),
        ("latitude",),
        ("leave-one-out",),
    )
    assert protocol.outcome("induration").conversion.method == "wan2014"


def test_the_seed_preset_declares_the_seed_review() -> None:
    protocol = read_protocol(preset_path("car-t-sle"))
    assert protocol.design.participants == "n_treated"
    assert protocol.characteristic("origin").values == ("autologous", "allogeneic")
    severe = [a for a in protocol.analyses if a.outcome == "infections_severe"]
    assert [(a.id, a.denominator) for a in severe] == [
        ("infections_severe", "n_treated"),
        ("infections_severe_of_infected", "infections"),
    ]


def test_minimal_protocol_fills_defaults() -> None:
    protocol = parse_protocol(MINIMAL)
    analysis = protocol.analyses[0]
    assert (analysis.model, analysis.method, analysis.ci, analysis.pi) == ("random", "reml", "z", "z")
    assert protocol.characteristic("region").summary == "counts"


def error_of(text: str) -> CartsleError:
    with pytest.raises(CartsleError) as caught:
        parse_protocol(text, "protocol.toml")
    return caught.value


def line_of(text: str, fragment: str, after: str = "") -> int:
    start = text.rindex(after) if after else 0
    return text[: text.index(fragment, start)].count("\n") + 1


@pytest.mark.parametrize(
    "old, new, field, words",
    [
        ('id = "death"', 'id = "death"\nlabels = "Death"', "outcomes[1].labels", "unknown key 'labels'"),
        ('type = "binary"', 'type = "binomial"', "outcomes[1].type", "unknown type 'binomial'"),
        ('subgroups = ["region"]', 'subgroups = ["country"]', "outcomes[1].analyses[1].subgroups",
         "'country' is not a declared characteristic"),
        ('measure = "OR"', 'measure = "SMD"', "outcomes[1].analyses[1].measure",
         "does not fit a binary outcome"),
        ('measure = "OR"', 'measure = "OR"\nmethod = "peto"\nmodel = "random"', "outcomes[1].analyses[1].method",
         "unknown method 'peto'"),
        ('id = "control"', 'id = "treated"', "design.arms[2].id", "duplicate arm 'treated'"),
    ],
)  # fmt: skip
def test_bad_protocol_names_file_line_and_key(old: str, new: str, field: str, words: str) -> None:
    text = MINIMAL.replace(old, new, 1)
    error = error_of(text)
    key = field.rsplit(".", 1)[1]
    expected_line = line_of(text, f"{key} =", after=new.splitlines()[0])
    assert (error.file, error.line, error.field) == ("protocol.toml", expected_line, field)
    assert words in error.message
    assert str(error).startswith(f"protocol.toml, line {expected_line}, field {field}: ")
    assert "\n" not in str(error)


def test_duplicate_outcome_id_is_named_at_the_second() -> None:
    text = MINIMAL + '\n[[outcomes]]\nid = "death"\ntype = "binary"\n'
    error = error_of(text)
    assert (error.line, error.field) == (text.count("\n") - 1, "outcomes[2].id")
    assert "duplicate outcome id 'death'" in error.message


def test_toml_syntax_error_carries_tomllib_line() -> None:
    text = MINIMAL.replace('title = "Two-arm trials"', "title = Two-arm trials")
    error = error_of(text)
    assert (error.file, error.line) == ("protocol.toml", 2)
    assert error.message.startswith("not valid TOML")


def test_unknown_key_suggests_the_known_one() -> None:
    error = error_of(MINIMAL.replace("[design]", "[desing]"))
    assert (error.line, error.field) == (4, "desing")
    assert "did you mean 'design'?" in error.message


def test_graded_keys_on_a_binary_outcome_are_unknown() -> None:
    error = error_of(MINIMAL.replace('type = "binary"', 'type = "binary"\ngrades = [1, 2]'))
    assert error.field == "outcomes[1].grades"


def test_single_arm_needs_a_participants_count() -> None:
    text = """\
[design]
type = "single-arm"
participants = "patients"

[[characteristics]]
name = "patients"
type = "text"
"""
    error = error_of(text)
    assert (error.line, error.field) == (3, "design.participants")


def test_egger_is_declared_for_comparative_outcomes_only() -> None:
    protocol = parse_protocol(MINIMAL.replace('measure = "OR"', 'measure = "OR"\nbias = "egger"'))
    assert protocol.analyses[0].bias == "egger"
    error = error_of(MINIMAL.replace('measure = "OR"', 'measure = "OR"\nbias = "funnel"'))
    assert error.field == "outcomes[1].analyses[1].bias" and "unknown bias 'funnel'" in error.message
