"""Whatever a reviewer's spreadsheet writes, loading stores it or gives one CartsleError, never a crash."""

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.store import load_extraction
from cartsle_cli.store import open_review
from tests.extraction.conftest import INCLUDED, PATIENTS, STUDIES, load_seed_protocol, write_pair

CELLS = st.one_of(
    st.text(max_size=8), st.sampled_from(["", "-1", "1e308", "nan", "inf", "3.0", "106", '"', "#", "0x10"])
)


def _mutated(text: str, cells: list[str]) -> str:
    """The file with its data cells replaced, in order, by ``cells`` (commas and newlines kept)."""
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    out, queue = lines[: header + 1], iter(cells)
    for line in lines[header + 1 :]:
        out.append(",".join(next(queue, cell) for cell in line.split(",")))
    return "\n".join(out) + "\n"


@settings(max_examples=60, deadline=None)
@given(
    studies_cells=st.lists(CELLS, max_size=40),
    patients_cells=st.lists(CELLS, max_size=30),
    raw=st.binary(max_size=200),
)
def test_any_cell_values_or_bytes_are_stored_or_give_one_cartsle_error(studies_cells, patients_cells, raw):
    with tempfile.TemporaryDirectory() as folder:
        studies, patients = write_pair(
            Path(folder), _mutated(STUDIES, studies_cells), _mutated(PATIENTS, patients_cells)
        )
        conn = open_review(Path(folder) / "review.db")
        load_seed_protocol(conn)
        try:
            for replace_patients in (None, raw):
                if replace_patients is not None:
                    patients.write_bytes(replace_patients)
                try:
                    load_extraction(conn, [studies, patients], known_study_ids=INCLUDED)
                except CartsleError as error:
                    assert "\n" not in str(error)
        finally:
            conn.close()
