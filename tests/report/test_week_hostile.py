"""Record text that tries to run in a spreadsheet, a terminal or a figure, through the new writers."""

from __future__ import annotations

import csv
import io

import rispy

from cartsle_cli.dedup.merge import MergedRecord
from cartsle_cli.report.figures import prisma_flow
from cartsle_cli.report.prisma_csv import prisma_csv
from cartsle_cli.report.prisma_diagram import save_diagram
from cartsle_cli.report.references import ReferenceRecord, write_references_csv, write_references_ris

HOSTILE = '=HYPERLINK("http://x.example","click") \x1b[31mred\x1b[0m $x^2$'


def reference() -> ReferenceRecord:
    record = MergedRecord(cluster_id=1, title=HOSTILE, authors=["@Evil, A"], journal="+cmd")
    return ReferenceRecord(record, ["-keyword"], ["=Database"], {}, None, None)


def test_csv_cells_cannot_start_a_formula_and_carry_no_escape_sequences():
    handle = io.StringIO()
    write_references_csv([reference()], handle)
    row = next(csv.DictReader(io.StringIO(handle.getvalue())))
    assert row["title"].startswith("'=HYPERLINK") and "\x1b" not in row["title"]
    assert (row["authors"], row["journal"], row["keywords"], row["databases"]) == (
        "'@Evil, A",
        "'+cmd",
        "'-keyword",
        "'=Database",
    )


def test_ris_lines_carry_no_escape_sequences():
    handle = io.StringIO()
    write_references_ris([reference()], handle)
    assert "\x1b" not in handle.getvalue()
    assert rispy.loads(handle.getvalue())[0]["title"] == '=HYPERLINK("http://x.example","click") red $x^2$'


def test_r_csv_and_diagram_draw_source_names_as_written(tmp_path):
    counts = {
        "databases": {
            "identified": [{"source": "=cmd $x^2$", "records": 3}],
            "identified_total": 3,
            "duplicates_removed": 0,
            "screened": 3,
            "screened_excluded": 3,
            "sought": 0,
            "not_retrieved": 0,
            "assessed": 0,
            "excluded_reasons": [],
        },
        "other_methods": {
            "identified": [],
            "sought": 0,
            "not_retrieved": 0,
            "assessed": 0,
            "excluded_reasons": [],
        },
        "studies_included": 0,
        "reports_included": 0,
    }
    rows = {row["data"]: row["n"] for row in csv.DictReader(io.StringIO(prisma_csv(counts)))}
    assert rows["database_specific_results"] == "'=cmd $x^2$, 3"
    svg = save_diagram(prisma_flow(counts), tmp_path / "p.svg").read_text()
    assert "=cmd $x^2$ (n" in svg.replace("\u00a0", " ")  # drawn as written, not as mathtext
