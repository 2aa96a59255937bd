"""Write a trial sample into a folder, and the commands that run it (`cartsle demo --sample NAME`).

Files, relative to the folder: ``searches/`` (three exports), ``truth/clusters.csv`` (which
records are copies of one work), ``screening/`` (two reviewers and the resolutions),
``extraction/`` (the protocol, studies.csv and arms.csv with the published numbers) and
``appraisal/`` (two appraisers' RoB 2 sheets and the resolutions, illustrative).
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from pathlib import Path

from cartsle_cli.sample.appraisals import comparative_rob2
from cartsle_cli.sample.generate import write_texts
from cartsle_cli.sample.steps import SCREENING_STEPS, Step
from cartsle_cli.sample.trials.exports import FILES, SOURCES, export_texts
from cartsle_cli.sample.trials.model import TrialSample
from cartsle_cli.sample.trials.records import Copy, copies, works
from cartsle_cli.sample.trials.screening import decisions, decisions_csv

CENTRAL_FIRST_ID = 9_500_000  # CN-09500000 on: outside the range the Cochrane Library has issued


def protocol_text(sample: TrialSample) -> str:
    return files("cartsle_cli.sample.trials").joinpath(sample.protocol_file).read_text(encoding="utf-8")


def _table(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def extraction_texts(sample: TrialSample) -> dict[str, str]:
    trials = sample.trials
    characteristics = list(trials[0].characteristics)
    columns = list(trials[0].arms[sample.arm_ids[0]])
    studies = _table(
        ["study_id", *characteristics], [[t.study_id, *t.characteristics.values()] for t in trials]
    )
    arms = _table(
        ["study_id", "arm", *columns],
        [[t.study_id, arm, *(t.arms[arm][c] for c in columns)] for t in trials for arm in sample.arm_ids],
    )
    return {"extraction/studies.csv": studies, "extraction/arms.csv": arms}


def truth_text(by_database: dict[str, list[Copy]]) -> str:
    """One row per record: its file, position, true work (cluster), kind, the included study it
    reports and, for a report excluded at full text, the reason."""
    rows = [
        [FILES[database], str(position), copy.work.key, copy.work.kind, copy.work.study, copy.work.reason]
        for database, records in by_database.items()
        for position, copy in enumerate(records, start=1)
    ]
    return _table(["source_file", "position", "cluster", "kind", "study", "full_text_reason"], rows)


def write_trial_sample(sample: TrialSample, folder: Path) -> list[Path]:
    """Generate the sample into ``folder`` and list the files written (relative to it)."""
    found = works(sample)
    by_database = copies(sample, found)
    texts = {
        f"searches/{name}": text
        for name, text in export_texts(by_database, sample.keywords, CENTRAL_FIRST_ID).items()
    }
    texts["truth/clusters.csv"] = truth_text(by_database)
    screened = decisions(found, sample.seed + 2)
    texts["screening/title_abstract.csv"] = decisions_csv(screened.title_abstract)
    texts["screening/title_abstract_resolutions.csv"] = decisions_csv(screened.title_abstract_resolutions)
    texts["screening/full_text.csv"] = decisions_csv(screened.full_text)
    texts["screening/full_text_resolutions.csv"] = decisions_csv(screened.full_text_resolutions)
    texts["extraction/protocol.toml"] = protocol_text(sample)
    texts |= extraction_texts(sample)
    keys = [(t.study_id, outcome) for t in sample.trials for outcome in t.outcomes]
    rob2 = comparative_rob2([t.study_id for t in sample.trials], [], seed=sample.seed + 3, keys=keys)
    texts["appraisal/rob2_ana.csv"] = rob2.reviewer_a
    texts["appraisal/rob2_ben.csv"] = rob2.reviewer_b
    texts["appraisal/rob2_resolutions.csv"] = rob2.resolutions
    return write_texts(folder, texts)


def trial_steps(sample: TrialSample) -> tuple[Step, ...]:
    """The commands, in order, as a reviewer types them inside the sample's folder."""
    imports = tuple(
        Step(
            f"Import the {SOURCES[database]} search",
            (
                "import",
                f"searches/{name}",
                *(("--source", SOURCES[database]) if name.endswith(".ris") else ()),
                "--searched",
                sample.searched,
            ),
        )
        for database, name in FILES.items()
    )
    return (
        *imports,
        *SCREENING_STEPS,
        Step("Load the review protocol", ("protocol", "load", "extraction/protocol.toml")),
        Step(
            "Load the extraction files", ("extract", "load", "extraction/studies.csv", "extraction/arms.csv")
        ),
        Step(
            "Risk of bias: ana's RoB 2 appraisals (illustrative)",
            ("appraise", "load", "appraisal/rob2_ana.csv", "--tool", "rob2", "--reviewer", "ana"),
        ),
        Step(
            "Risk of bias: ben's RoB 2 appraisals (illustrative)",
            ("appraise", "load", "appraisal/rob2_ben.csv", "--tool", "rob2", "--reviewer", "ben"),
        ),
        Step("Appraisal conflicts", ("appraise", "conflicts")),
        Step("Appraisal agreement per item", ("appraise", "agreement")),
        Step(
            "Resolve the appraisal conflicts",
            ("appraise", "resolve", "--file", "appraisal/rob2_resolutions.csv", "--reviewer", "lead"),
        ),
        Step("Risk of bias per trial and outcome", ("appraise", "show")),
        Step(
            "Traffic-light and summary plots (robvis layout)",
            ("appraise", "plot", "--out", "figures/traffic_light.png"),
        ),
        Step("Write the report", ("report", "--format", "md", "--out", "report")),
        Step("PRISMA 2020 flow counts", ("prisma",)),
        Step("Pooled results as the protocol declares them", ("pool",)),
        Step(
            "Summary of findings (GRADE suggestions, not yet confirmed by the reviewers)", ("grade", "show")
        ),
    )
