"""Scopus's CSV export layout and the plain CSV of the ACR Convergence 2024 archive abstracts.

CSV has no comment line, so these two files cannot say they are synthetic in a header: the ACR
file carries a ``note`` column saying so, and ``sample_data/README.md`` covers the Scopus file.
"""

from __future__ import annotations

import csv
import io

from cartsle_cli.sample.variants import SYNTHETIC_NOTE, document_type, doi_of, initials, title_case, title_of
from cartsle_cli.sample.works import Copy

SCOPUS_COLUMNS = (
    "Authors",
    "Author full names",
    "Author(s) ID",
    "Title",
    "Year",
    "Source title",
    "Volume",
    "Issue",
    "Art. No.",
    "Page start",
    "Page end",
    "Page count",
    "Cited by",
    "DOI",
    "Link",
    "Affiliations",
    "Authors with affiliations",
    "Abstract",
    "Author Keywords",
    "Index Keywords",
    "Molecular Sequence Numbers",
    "Chemicals/CAS",
    "Tradenames",
    "Manufacturers",
    "Funding Details",
    "Funding Texts",
    "References",
    "Correspondence Address",
    "Editors",
    "Publisher",
    "Sponsors",
    "Conference name",
    "Conference date",
    "Conference location",
    "Conference code",
    "ISSN",
    "ISBN",
    "CODEN",
    "PubMed ID",
    "Language of Original Document",
    "Abbreviated Source Title",
    "Document Type",
    "Publication Stage",
    "Open Access",
    "Source",
    "EID",
)
ACR_COLUMNS = ("ID", "title", "abstract", "authors", "year", "doi", "journal", "note")


def _csv_text(header: tuple[str, ...], rows: list[dict[str, str]], *, bom: bool) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + buffer.getvalue()


def scopus_file(copies: list[Copy]) -> str:
    """Scopus's current CSV layout: BOM, 46 quoted columns, semicolon-separated author lists."""
    return _csv_text(SCOPUS_COLUMNS, [scopus_row(copy) for copy in copies], bom=True)


def scopus_row(copy: Copy) -> dict[str, str]:
    work = copy.work
    journal = work.journal
    assert journal is not None
    eid = work.ids["scopus#2" if copy.repeat else "scopus"]
    author_ids = [
        str(57_000_000_000 + 7919 * (sum(map(ord, family + given)) * 101 + i))
        for i, (family, given) in enumerate(work.authors)
    ]
    in_press = copy.repeat == 1 and work.kind == "article"  # a second record: in press, then final
    doi = doi_of(copy) or ""
    row = {column: "" for column in SCOPUS_COLUMNS}
    row.update(
        {
            "Authors": "; ".join(f"{family} {initials(given, dots=True)}" for family, given in work.authors),
            "Author full names": "; ".join(
                f"{family}, {given} ({aid})" for (family, given), aid in zip(work.authors, author_ids)
            ),
            "Author(s) ID": "; ".join(author_ids),
            "Title": title_of(copy),
            "Year": str(work.year),
            "Source title": title_case(journal.full),
            "Volume": "" if in_press else str(work.volume),
            "Issue": "" if in_press else str(work.issue),
            "Page start": "" if in_press or not work.first_page else str(work.first_page),
            "Page end": "" if in_press or not work.last_page else str(work.last_page),
            "Cited by": str((len(work.title) * 7) % 41),
            "DOI": doi,
            "Link": f"https://www.scopus.com/inward/record.uri?eid={eid}&doi={doi.replace('/', '%2f')}&partnerID=40",
            "Abstract": f"{work.abstract} © {work.year} The Author(s)"
            if work.abstract
            else "[No abstract available]",
            "Author Keywords": "; ".join(work.keywords),
            "Correspondence Address": SYNTHETIC_NOTE,
            "ISSN": journal.issn.replace("-", ""),
            "PubMed ID": work.pmid or "",
            "Language of Original Document": work.language,
            "Abbreviated Source Title": journal.dotted,
            "Document Type": document_type(work, scopus=True),
            "Publication Stage": "Article in press" if in_press else "Final",
            "Source": "Scopus",
            "EID": eid,
        }
    )
    return row


def acr_file(copies: list[Copy]) -> str:
    """The archive abstracts as a reviewer would collect them: one row per abstract."""
    rows = []
    for copy in copies:
        work = copy.work
        rows.append(
            {
                "ID": work.ids["acr"],
                "title": work.title,
                "abstract": work.abstract or "",
                "authors": "; ".join(
                    f"{family} {initials(given, dots=False)}" for family, given in work.authors
                ),
                "year": str(work.year),
                "doi": work.doi or "",
                "journal": "Arthritis Rheumatol",
                "note": SYNTHETIC_NOTE,
            }
        )
    return _csv_text(ACR_COLUMNS, rows, bom=False)
