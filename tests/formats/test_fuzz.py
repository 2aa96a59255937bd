"""Any bytes given to cartsle's readers give records or one clear CartsleError, never a traceback.

Two kinds of input: arbitrary byte strings, and real exports from ../shared cut, spliced and
garbled, which reach deep into each reader instead of failing at detection.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartsle_cli.errors import CartsleError
from cartsle_cli.formats import read_file

REAL_EXPORTS = Path(__file__).resolve().parents[2].parent / "shared" / "real-exports"
SMALL_EXPORTS = (
    sorted(
        path
        for path in REAL_EXPORTS.rglob("*")
        if path.is_file() and path.suffix != ".md" and path.stat().st_size < 60_000
    )
    if REAL_EXPORTS.is_dir()
    else []
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read_or_clear_error(path: Path) -> None:
    try:
        parsed = read_file(path)
    except CartsleError as error:
        message = str(error)
        assert "\n" not in message and message.startswith(str(path)), message
        return
    assert parsed.records, "a successful read always has records"
    for record in parsed.records:
        assert record.line >= 1 and isinstance(record.raw, str)


@FUZZ
@given(data=st.binary(max_size=4000))
def test_arbitrary_bytes_give_records_or_one_line_error(tmp_path, data):
    path = tmp_path / "export.ris"
    path.write_bytes(data)
    _read_or_clear_error(path)


@FUZZ
@given(
    data=st.lists(
        st.sampled_from(
            list('TYERAUTIDOPMIDAB -\n\r\t12345.:;,"')
            + ["  - ", "ER  - \n", "TY  - JOUR\n", "PMID- ", "\ufeff", "PT J\n", "FN ", "<1. >\n"]
        ),
        max_size=600,
    ).map("".join)
)
def test_tag_shaped_text_gives_records_or_one_line_error(tmp_path, data):
    path = tmp_path / "export.txt"
    path.write_text(data, encoding="utf-8")
    _read_or_clear_error(path)


@pytest.mark.skipif(not SMALL_EXPORTS, reason="../shared/real-exports is not beside the repository")
@FUZZ
@given(
    index=st.integers(min_value=0, max_value=max(len(SMALL_EXPORTS) - 1, 0)),
    cut=st.floats(min_value=0, max_value=1),
    garbage=st.binary(max_size=40),
    where=st.floats(min_value=0, max_value=1),
)
def test_cut_and_garbled_real_exports_give_records_or_one_line_error(tmp_path, index, cut, garbage, where):
    data = SMALL_EXPORTS[index].read_bytes()
    data = data[: int(len(data) * cut)]
    at = int(len(data) * where)
    path = tmp_path / SMALL_EXPORTS[index].name
    path.write_bytes(data[:at] + garbage + data[at:])
    _read_or_clear_error(path)
