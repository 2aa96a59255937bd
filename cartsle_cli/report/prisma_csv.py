"""The PRISMA 2020 counts as the PRISMA2020 R package's data CSV (Haddaway et al. 2022).

Haddaway NR, Page MJ, Pritchard CC, McGuinness LA. PRISMA2020: An R package and Shiny app for
producing PRISMA 2020-compliant flow diagrams. Campbell Systematic Reviews 2022;18:e1230. The file
has the columns of the package's template (``inst/extdata/PRISMA.csv``: data, node, box,
description, boxtext, tooltips, url, n) and one row per box, so
``PRISMA_flowdiagram(PRISMA_data(read.csv(FILE)))`` draws the same flow as `cartsle prisma`.

The template splits other methods into websites, organisations and citation searching; cartsle
knows only each source's name, so a source named like a citation search counts as citation
searching, one named like a website (or Google) as websites, and any other (a conference
archive, a trial register's organisation) as organisations.
"""

from __future__ import annotations

import csv
import io

from cartsle_cli.safe_output import for_spreadsheet

COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

# data | node | box | description | boxtext, as in the package's template, in its order.
_TEMPLATE = """\
NA | node4 | prevstud | Grey title box; Previous studies | Previous studies
previous_studies | node5 | box1 | Studies included in previous version of review | Studies included in previous version of review
previous_reports | NA | box1 | Reports of studies included in previous version of review | Reports of studies included in previous version of review
NA | node6 | newstud | Yellow title box; Identification of new studies via databases and registers | Identification of new studies via databases and registers
database_results | node7 | box2 | Records identified from: Databases | Databases
database_specific_results | NA | box2 | Records identified from each database | Databases
register_results | NA | box2 | Records identified from: Registers | Registers
NA | node16 | othstud | Grey title box; Identification of new studies via other methods | Identification of new studies via other methods
website_results | node17 | box11 | Records identified from: Websites | Websites
organisation_results | NA | box11 | Records identified from: Organisations | Organisations
citations_results | NA | box11 | Records identified from: Citation searching | Citation searching
duplicates | node8 | box3 | Duplicate records | Duplicate records
excluded_automatic | NA | box3 | Records marked as ineligible by automation tools | Records marked as ineligible by automation tools
excluded_other | NA | box3 | Records removed for other reasons | Records removed for other reasons
records_screened | node9 | box4 | Records screened (databases and registers) | Records screened
records_excluded | node10 | box5 | Records excluded (databases and registers) | Records excluded
dbr_sought_reports | node11 | box6 | Reports sought for retrieval (databases and registers) | Reports sought for retrieval
dbr_notretrieved_reports | node12 | box7 | Reports not retrieved (databases and registers) | Reports not retrieved
other_sought_reports | node18 | box12 | Reports sought for retrieval (other) | Reports sought for retrieval
other_notretrieved_reports | node19 | box13 | Reports not retrieved (other) | Reports not retrieved
dbr_assessed | node13 | box8 | Reports assessed for eligibility (databases and registers) | Reports assessed for eligibility
dbr_excluded | node14 | box9 | Reports excluded (databases and registers) | Reports excluded
other_assessed | node20 | box14 | Reports assessed for eligibility (other) | Reports assessed for eligibility
other_excluded | node21 | box15 | Reports excluded (other) | Reports excluded
new_studies | node15 | box10 | New studies included in review | New studies included in review
new_reports | NA | box10 | Reports of new included studies | Reports of new included studies
total_studies | node22 | box16 | Total studies included in review | Total studies included in review
total_reports | NA | box16 | Reports of total included studies | Reports of total included studies
identification | node1 | identification | Blue identification box | Identification
screening | node2 | screening | Blue screening box | Screening
included | node3 | included | Blue included box | Included
"""
TEMPLATE_ROWS = tuple(tuple(line.split(" | ")) for line in _TEMPLATE.splitlines())


def other_methods_kind(source: str) -> str:
    """Which of the template's other-methods lines a source counts under (see the module doc)."""
    name = source.casefold()
    if "citation" in name or "reference list" in name or "snowball" in name:
        return "citations_results"
    if "website" in name or "google" in name or "web" in name.split():
        return "website_results"
    return "organisation_results"


def _listed(pairs: list[tuple[str, int]]) -> str:
    """Named counts as the package reads them, "Name1, n; Name2, n": a comma or semicolon inside
    a name would split it, so those become spaces."""
    return "; ".join(
        f"{' '.join(name.replace(',', ' ').replace(';', ' ').split())}, {n}" for name, n in pairs
    )


def _reasons(reasons: list[dict]) -> str:
    return _listed([(r["reason"], r["reports"]) for r in reasons])


def prisma_values(prisma: dict) -> dict[str, int | str]:
    """The ``n`` of each data row, from ``PrismaCounts.to_dict()``."""
    databases, other = prisma["databases"], prisma["other_methods"]
    previous = prisma.get("previous") or {"studies": 0, "reports": 0}
    values: dict[str, int | str] = {
        "previous_studies": previous["studies"],
        "previous_reports": previous["reports"],
        "database_results": databases["identified_total"],
        "database_specific_results": _listed(
            [(item["source"], item["records"]) for item in databases["identified"]]
        ),
        "register_results": 0,
        "website_results": 0,
        "organisation_results": 0,
        "citations_results": 0,
        "duplicates": databases["duplicates_removed"],
        "excluded_automatic": databases.get("excluded_automatic", 0),
        "excluded_other": databases.get("excluded_other", 0),
        "records_screened": databases["screened"],
        "records_excluded": databases["screened_excluded"],
        "dbr_sought_reports": databases["sought"],
        "dbr_notretrieved_reports": databases["not_retrieved"],
        "other_sought_reports": other["sought"],
        "other_notretrieved_reports": other["not_retrieved"],
        "dbr_assessed": databases["assessed"],
        "dbr_excluded": _reasons(databases["excluded_reasons"]),
        "other_assessed": other["assessed"],
        "other_excluded": _reasons(other["excluded_reasons"]),
        "new_studies": prisma["studies_included"],
        "new_reports": prisma["reports_included"],
        "total_studies": prisma["studies_included"] + previous["studies"],
        "total_reports": prisma["reports_included"] + previous["reports"],
    }
    for item in other["identified"]:
        kind = other_methods_kind(item["source"])
        values[kind] = int(values[kind]) + item["records"]
    return values


def prisma_csv(prisma: dict) -> str:
    """The R package's CSV as text (UTF-8, LF line ends)."""
    values = prisma_values(prisma)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for data, node, box, description, boxtext in TEMPLATE_ROWS:
        cells = [data, node, box, description, boxtext, description, f"{box}.html", values.get(data, "")]
        writer.writerow([for_spreadsheet(cell) for cell in cells])
    return buffer.getvalue()
