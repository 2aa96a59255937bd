"""Write the whole sample review into a folder: searches, ground truth, decisions, extraction.

Everything is drawn from fixed seeds with :class:`cartsle_cli.sample.draw.Draw`, so the files are
the same byte for byte on every run; ``sample_data/`` in the repository holds one such run.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.sample.appraisals import seed_review_jbi
from cartsle_cli.sample.catalogue import Catalogue, build
from cartsle_cli.sample.csv_writers import acr_file, scopus_file
from cartsle_cli.sample.decisions import decisions_csv, identifiers, screening
from cartsle_cli.sample.extraction_files import load_courses, patients_csv, protocol_toml, studies_csv
from cartsle_cli.sample.medline_writer import medline_file
from cartsle_cli.sample.ris_writers import central_file, embase_file
from cartsle_cli.sample.works import Copy

SEARCH_FILES = {
    "pubmed": "pubmed.nbib",
    "embase": "embase.ris",
    "scopus": "scopus.csv",
    "central": "central.ris",
    "acr": "acr_convergence_2024.csv",
}
WRITERS = {
    "pubmed": medline_file,
    "embase": embase_file,
    "scopus": scopus_file,
    "central": central_file,
    "acr": acr_file,
}


@dataclass(frozen=True)
class SampleFiles:
    folder: Path
    files: list[Path]  # every file written, relative to folder


def write_sample(folder: Path) -> SampleFiles:
    """Generate the sample review into ``folder`` (created if needed) and list what was written."""
    catalogue = build()
    texts: dict[str, str] = {}
    for database, name in SEARCH_FILES.items():
        texts[f"searches/{name}"] = WRITERS[database](catalogue.copies[database])
    texts["truth/clusters.csv"], texts["truth/merged_ids.csv"] = truth_files(catalogue)
    ids = identifiers(catalogue.works)
    files = screening(catalogue.works)
    texts["screening/title_abstract.csv"] = decisions_csv(files.title_abstract, ids)
    texts["screening/title_abstract_resolutions.csv"] = decisions_csv(files.title_abstract_resolutions, ids)
    texts["screening/full_text.csv"] = decisions_csv(files.full_text, ids)
    texts["screening/full_text_resolutions.csv"] = decisions_csv(files.full_text_resolutions, ids)
    texts["extraction/protocol.toml"] = protocol_toml()
    texts["extraction/studies.csv"] = studies_csv()
    texts["extraction/patients.csv"] = patients_csv(load_courses())
    jbi = seed_review_jbi()
    texts["appraisal/jbi_ana.csv"] = jbi.reviewer_a
    texts["appraisal/jbi_ben.csv"] = jbi.reviewer_b
    texts["appraisal/jbi_resolutions.csv"] = jbi.resolutions
    written = write_texts(folder, texts)
    return SampleFiles(folder, written)


def write_texts(folder: Path, texts: dict[str, str]) -> list[Path]:
    """Write each text as UTF-8 at its path relative to ``folder`` (folders made as needed), in
    order; the relative paths written."""
    written = []
    for relative, text in texts.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written.append(Path(relative))
    return written


def source_id(copy: Copy, database: str) -> str:
    """The file's own id for the record: PMID, Embase id, Scopus EID, CENTRAL CN, ACR id."""
    work = copy.work
    if database == "pubmed":
        return work.pmid or ""
    suffix = "#2" if copy.repeat else ""
    return work.ids.get(database + suffix, "")


def truth_files(catalogue: Catalogue) -> tuple[str, str]:
    """``clusters.csv``: one row per record: ``id`` (the file's own id: PMID, Embase id, Scopus
    EID, CENTRAL CN, ACR id), ``source_file``, ``position``, true ``cluster``, the work's kind, and
    why a look-alike is not a duplicate. ``merged_ids.csv``: one line per duplicate cluster, ids
    written ``source_file:id`` and joined by ";" (the layout of the shared labelled sets and of
    ``score_dedup.py``); ``cartsle dedup clusters`` names records the same way."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "source_file", "position", "cluster", "kind", "not_a_duplicate_of"])
    members: dict[str, list[str]] = {}
    for database, copies in catalogue.copies.items():
        for position, copy in enumerate(copies, start=1):
            own_id = source_id(copy, database)
            members.setdefault(copy.work.key, []).append(f"{SEARCH_FILES[database]}:{own_id}")
            writer.writerow(
                [
                    own_id,
                    SEARCH_FILES[database],
                    position,
                    copy.work.key,
                    copy.work.kind,
                    copy.work.trap or "",
                ]
            )
    merged = io.StringIO()
    merged_writer = csv.writer(merged, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    merged.write("merged_ids\n")
    for ids in members.values():
        if len(ids) > 1:
            merged_writer.writerow([";".join(ids)])
    return buffer.getvalue(), merged.getvalue()
