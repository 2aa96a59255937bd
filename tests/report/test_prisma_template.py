"""The PRISMA 2020 diagram and the PRISMA2020 R package's CSV, box by box against the template.

The template compared with is the official PRISMA 2020 flow diagram for new systematic reviews
which included searches of databases, registers and other sources (Page et al. 2021, BMJ
372:n71, figure 1; prisma-statement.org), and for updated reviews its "updated systematic
reviews" version. The R package is PRISMA2020 (Haddaway et al. 2022, Campbell Systematic Reviews
18:e1230), whose template CSV (inst/extdata/PRISMA.csv) names each box by its ``data`` column.

One set of counts, written out by hand below; each row of BOXES is one box of the template: its
text in the template, the column it sits in, the R package's data name for it and the count it
must show.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ElementTree

from cartsle_cli.report.figures import prisma_flow
from cartsle_cli.report.prisma_csv import prisma_csv
from cartsle_cli.report.prisma_diagram import CITATION, save_diagram

COUNTS = {
    "databases": {
        "identified": [{"source": "PubMed", "records": 1200}, {"source": "Embase", "records": 2100}],
        "identified_total": 3300,
        "duplicates_removed": 880,
        "excluded_automatic": 0,
        "excluded_other": 0,
        "awaiting_screening": 20,
        "screened": 2400,
        "screened_excluded": 2350,
        "sought": 50,
        "not_retrieved": 2,
        "assessed": 48,
        "excluded_reasons": [
            {"reason": "wrong population", "reports": 30},
            {"reason": "wrong study design", "reports": 10},
        ],
        "awaiting_assessment": 0,
        "reports_included": 8,
    },
    "other_methods": {
        "identified": [{"source": "ACR Convergence 2024", "records": 120}],
        "identified_total": 120,
        "duplicates_removed": 0,
        "excluded_automatic": 0,
        "excluded_other": 0,
        "awaiting_screening": 0,
        "screened": 120,
        "screened_excluded": 110,
        "sought": 10,
        "not_retrieved": 0,
        "assessed": 10,
        "excluded_reasons": [{"reason": "wrong outcomes", "reports": 4}],
        "awaiting_assessment": 0,
        "reports_included": 6,
    },
    "studies_included": 13,
    "reports_included": 14,
}

# (template box text, column, PRISMA2020 data name, n)
BOXES = [
    ("Databases: PubMed", "databases", "database_specific_results", "PubMed (n = 1200)"),
    ("Databases: Embase", "databases", "database_specific_results", "Embase (n = 2100)"),
    ("Duplicate records removed", "databases", "duplicates", 880),
    ("Records marked as ineligible by automation tools", "databases", "excluded_automatic", 0),
    ("Records removed for other reasons", "databases", "excluded_other", 0),
    ("Records screened", "databases", "records_screened", 2400),
    ("Records excluded", "databases", "records_excluded", 2350),
    ("Reports sought for retrieval", "databases", "dbr_sought_reports", 50),
    ("Reports not retrieved", "databases", "dbr_notretrieved_reports", 2),
    ("Reports assessed for eligibility", "databases", "dbr_assessed", 48),
    ("Reports excluded: wrong population", "databases", "dbr_excluded", "wrong population (n = 30)"),
    ("Reports excluded: wrong study design", "databases", "dbr_excluded", "wrong study design (n = 10)"),
    (
        "Records identified from: organisations",
        "other",
        "organisation_results",
        "ACR Convergence 2024 (n = 120)",
    ),
    ("Reports sought for retrieval", "other", "other_sought_reports", 10),
    ("Reports not retrieved", "other", "other_notretrieved_reports", 0),
    ("Reports assessed for eligibility", "other", "other_assessed", 10),
    ("Reports excluded: wrong outcomes", "other", "other_excluded", "wrong outcomes (n = 4)"),
    ("Studies included in review", "included", "new_studies", 13),
    ("Reports of included studies", "included", "new_reports", 14),
]


def svg_texts(path) -> list[tuple[float, str]]:
    """Each text of the SVG (matplotlib writes one <g> per text, one <text> per line): its left x
    and its words, whitespace collapsed."""
    root = ElementTree.parse(path).getroot()
    found = []
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        lines = [child for child in group if child.tag == "{http://www.w3.org/2000/svg}text"]
        if not lines:
            continue
        words = " ".join(" ".join("".join(line.itertext()).split()) for line in lines)
        xs = [_x(line) for line in lines]
        found.append((min(xs), words))
    return found


def _x(line) -> float:
    if line.get("x") is not None:  # centred text: its centre
        return float(line.get("x"))
    return float(re.search(r"translate\(([-\d.]+)", line.get("transform")).group(1))


def test_every_template_box_shows_its_count_in_its_column(tmp_path):
    path = save_diagram(prisma_flow(COUNTS), tmp_path / "prisma.svg")
    texts = svg_texts(path)
    width = float(ElementTree.parse(path).getroot().get("width").removesuffix("pt"))
    everything = " ".join(words for _, words in texts)
    header_x = {
        name: next(x for x, words in texts if words.startswith(f"Identification of studies via {name}"))
        for name in ("databases and registers", "other methods")
    }
    for label, column, _, n in BOXES:
        box_text = n if isinstance(n, str) else f"{label.split(': ')[-1]} (n = {n})"
        holders = [x for x, words in texts if box_text in words]
        assert holders, (label, box_text, everything)
        if column == "other":  # right of the middle: the other-methods column
            assert all(x > header_x["databases and registers"] for x in holders) and max(holders) > width / 2
        elif column == "databases":
            assert min(holders) < header_x["other methods"] - 0.1 * width
    # The template's headers, phases, the removed-before-screening box and the citation line.
    for expected in ("Identification", "Screening", "Included", "Records removed before screening:"):
        assert expected in everything
    assert " ".join(CITATION.split()) in everything and "BMJ 2021;372:n71" in everything
    # The other-methods column has no screening boxes: "Records screened" appears once.
    assert everything.count("Records screened") == 1
    assert "20 records still awaiting screening" in everything
    # What the other-methods column lost before retrieval is said beside it (no template box).
    assert "110 duplicates or records excluded on title/abstract before retrieval" in everything


def test_header_and_phase_boxes_have_the_template_colours(tmp_path):
    svg = save_diagram(prisma_flow(COUNTS), tmp_path / "prisma.svg").read_text()
    for colour in ("#9dc3e6", "#ffc000", "#d9d9d9"):  # blue phases, yellow and grey headers
        assert f"fill: {colour}" in svg


def test_r_package_csv_carries_each_box_under_the_package_names():
    rows = {row["data"]: row for row in csv.DictReader(io.StringIO(prisma_csv(COUNTS)))}
    # The package's template columns, in its order.
    assert list(next(csv.reader(io.StringIO(prisma_csv(COUNTS))))) == [
        "data",
        "node",
        "box",
        "description",
        "boxtext",
        "tooltips",
        "url",
        "n",
    ]
    for _, _, data, n in BOXES:
        cell = rows[data]["n"]
        if isinstance(n, int):
            assert cell == str(n), data
        elif data == "organisation_results":  # a count: the package has no per-source list here
            assert cell == re.search(r"n = (\d+)", n).group(1)
        else:  # "Name, n" pairs joined by "; " as PRISMA_parse_reasons_ reads them
            name, count = re.match(r"(.*) \(n = (\d+)\)", n).groups()
            assert f"{name}, {count}" in cell.split("; "), (data, cell)
    assert rows["database_results"]["n"] == "3300"
    assert rows["total_studies"]["n"] == "13" and rows["previous_studies"]["n"] == "0"


def test_text_stays_legible_when_the_report_page_shows_the_diagram(tmp_path):
    """The HTML report shows figures at most 72rem (1152 px) wide: every text at 11 px or more."""
    for counts in (COUNTS, {**COUNTS, "previous": {"studies": 5, "reports": 6}}):
        svg = save_diagram(prisma_flow(counts), tmp_path / "prisma.svg").read_text()
        width_pt = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
        # The SVG's user unit is its width's unit, the point: 96/72 CSS px at full size, shrunk
        # to fit 1152 px when wider.
        px_per_unit = min(96 / 72, 1152 / width_pt)
        sizes = [float(size) for size in re.findall(r"font-size: ?([\d.]+)px", svg)]
        assert sizes and min(size * px_per_unit for size in sizes) >= 10.5, (width_pt, min(sizes))


def test_updated_review_diagram_has_previous_and_total_boxes(tmp_path):
    counts = {**COUNTS, "previous": {"studies": 5, "reports": 6}}
    texts = " ".join(w for _, w in svg_texts(save_diagram(prisma_flow(counts), tmp_path / "u.svg")))
    for expected in (
        "Previous studies",
        "Studies included in previous version of review (n = 5)",
        "Identification of new studies via databases and registers",
        "New studies included in review (n = 13)",
        "Total studies included in review (n = 18)",
        "Reports of total included studies (n = 20)",
    ):
        assert expected in texts, expected
    rows = {row["data"]: row["n"] for row in csv.DictReader(io.StringIO(prisma_csv(counts)))}
    assert (rows["previous_studies"], rows["total_studies"], rows["total_reports"]) == ("5", "18", "20")
