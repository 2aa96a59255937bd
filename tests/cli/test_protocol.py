"""`cartsle protocol init / check / load / show`: presets written, versions kept, bad protocols
refused in one line naming file, line and key, with nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cartsle_cli.protocol.presets import preset_text
from cartsle_cli.store import open_review
from tests.protocol.conftest import MINIMAL

BAD = [
    # (text, replaced by, the key's line counted in MINIMAL, key, words)
    ('id = "death"', 'id = "death"\ncolour = "red"', 23, "outcomes[1].colour", "unknown key 'colour'"),
    ('type = "binary"', 'type = "survival"', 23, "outcomes[1].type", "unknown type 'survival'"),
    ('subgroups = ["region"]', 'subgroups = ["country"]', 27, "outcomes[1].analyses[1].subgroups",
     "subgroup 'country' is not a declared characteristic"),
    ('id = "control"', 'id = "treated"', 12, "design.arms[2].id", "duplicate arm 'treated'"),
]  # fmt: skip


def test_init_writes_the_preset_and_refuses_to_overwrite(cli, tmp_path):
    out = tmp_path / "protocol.toml"
    cli("protocol", "init", "--preset", "car-t-sle", "--out", out)
    assert out.read_text() == preset_text("car-t-sle")
    again = cli("protocol", "init", "--out", out, ok=False)
    assert again.exit_code == 1 and "already exists" in again.stderr
    unknown = cli("protocol", "init", "--preset", "nope", "--out", tmp_path / "x.toml", ok=False)
    assert unknown.exit_code == 1 and "no preset 'nope'; presets: car-t-sle, two-arm" in unknown.stderr


def test_each_load_is_a_new_version_and_show_prints_the_current(cli, db, tmp_path):
    protocol = tmp_path / "protocol.toml"
    protocol.write_text(MINIMAL)
    assert (
        "valid; 1 characteristics, 1 outcomes, 1 analyses (comparative)"
        in cli("protocol", "check", protocol).stderr
    )
    cli("protocol", "load", protocol)
    protocol.write_text(MINIMAL.replace('title = "Two-arm trials"', 'title = "Two-arm trials, amended"'))
    assert "protocol version 2 loaded" in cli("protocol", "load", protocol).stderr
    shown = json.loads(cli("protocol", "show", "--json").stdout)
    assert shown["version"]["version"] == 2 and shown["protocol"]["title"] == "Two-arm trials, amended"
    assert [v["version"] for v in shown["versions"]] == [2, 1]
    assert "Two-arm trials, amended" in cli("protocol", "show").stdout


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), BAD)
def test_bad_protocol_is_one_line_with_file_line_and_key_and_nothing_is_stored(
    cli, db: Path, tmp_path, old, new, line, field, words
):
    protocol = tmp_path / "protocol.toml"
    text = MINIMAL.replace(old, new, 1)
    protocol.write_text(text)
    for command in ("check", "load"):
        result = cli("protocol", command, protocol, ok=False)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: {protocol}, line {line}, field {field}: ")
        assert words in result.stderr and result.stderr.count("\n") == 1
    assert not db.exists()  # a bad first protocol creates no review
    cli("protocol", "load", _good(tmp_path))
    cli("protocol", "load", protocol, ok=False)
    conn = open_review(db)
    assert conn.execute("SELECT count(*) FROM protocol_versions").fetchone()[0] == 1
    conn.close()


def _good(folder: Path) -> Path:
    path = folder / "good.toml"
    path.write_text(MINIMAL)
    return path
