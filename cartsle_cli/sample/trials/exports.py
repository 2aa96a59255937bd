"""The three search exports of a trial sample: MEDLINE and Embase as RIS (as reference managers
write them, each with its own author style), CENTRAL as the Cochrane Library's CSV."""

from __future__ import annotations

import csv
import io

from cartsle_cli.sample.trials.records import REAL_NOTE, SYNTHETIC_NOTE, Copy, title_of

FILES = {"medline": "medline.ris", "embase": "embase.ris", "central": "central.csv"}
SOURCES = {"medline": "MEDLINE", "embase": "Embase", "central": "CENTRAL"}
CENTRAL_COLUMNS = (
    "CENTRAL ID",
    "Title",
    "Author(s)",
    "Year",
    "Source",
    "DOI",
    "Abstract",
    "Keywords",
    "Publication Type",
    "Note",
)


def _author(name: str, database: str) -> str:
    family, _, initials = name.rpartition(" ")
    if database == "medline":
        return f"{family}, {'.'.join(initials)}."
    return f"{family} {initials}"


def _note(copy: Copy) -> str:
    return REAL_NOTE if copy.work.kind == "trial" else SYNTHETIC_NOTE


def ris_file(copies: list[Copy], keywords: tuple[str, ...]) -> str:
    records = []
    for number, copy in enumerate(copies, start=1):
        work = copy.work
        lines = ["TY  - JOUR", f"ID  - {number}"]
        lines += [f"AU  - {_author(name, copy.database)}" for name in work.authors]
        lines += [f"TI  - {title_of(copy)}", f"T2  - {work.journal}", f"PY  - {work.year}"]
        if work.doi:
            lines.append(f"DO  - {work.doi}")
        if work.abstract:
            lines.append(f"AB  - {work.abstract}")
        lines += [f"KW  - {keyword}" for keyword in keywords]
        lines += [f"N1  - {_note(copy)}", "ER  - "]
        records.append("\n".join(lines) + "\n")
    return "\n".join(records)


def central_file(copies: list[Copy], keywords: tuple[str, ...], first_id: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CENTRAL_COLUMNS)
    for number, copy in enumerate(copies):
        work = copy.work
        writer.writerow(
            [
                f"CN-{first_id + number:08d}",
                title_of(copy),
                "; ".join(work.authors),
                work.year,
                work.journal,
                work.doi,
                work.abstract,
                "; ".join(keywords),
                "Journal article",
                _note(copy),
            ]
        )
    return buffer.getvalue()


def export_texts(copies: dict[str, list[Copy]], keywords: tuple[str, ...], first_id: int) -> dict[str, str]:
    """File name under searches/ -> its text."""
    return {
        FILES["medline"]: ris_file(copies["medline"], keywords),
        FILES["embase"]: ris_file(copies["embase"], keywords),
        FILES["central"]: central_file(copies["central"], keywords, first_id),
    }
