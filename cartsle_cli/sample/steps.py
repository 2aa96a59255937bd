"""The sample review's pipeline as the commands a reviewer types, in order.

`cartsle demo` runs exactly these (inside the sample's folder) and the README lists them, so the
demo can be repeated by hand. Every figure they print is computed by cartsle from the files.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    title: str
    args: tuple[str, ...]  # after `cartsle`

    @property
    def command(self) -> str:
        return "cartsle " + " ".join(f'"{a}"' if " " in a else a for a in self.args)


# From deduplication to the included studies: every sample writes the same screening files
# (screening/title_abstract.csv ...), so every sample screens with these same commands.
SCREENING_STEPS: tuple[Step, ...] = (
    Step("Find duplicates", ("dedup",)),
    Step(
        "Title and abstract decisions of both reviewers", ("screen", "import", "screening/title_abstract.csv")
    ),
    Step(
        "Resolve title and abstract conflicts",
        ("screen", "resolve", "--file", "screening/title_abstract_resolutions.csv"),
    ),
    Step("Full-text decisions of both reviewers", ("screen", "import", "screening/full_text.csv")),
    Step(
        "Resolve full-text conflicts", ("screen", "resolve", "--file", "screening/full_text_resolutions.csv")
    ),
    Step("Agreement between the reviewers", ("screen", "agreement")),
    Step("Included studies", ("screen", "studies")),
)

STEPS: tuple[Step, ...] = (
    Step(
        "Import the four database searches",
        (
            "import",
            "searches/pubmed.nbib",
            "searches/embase.ris",
            "searches/scopus.csv",
            "searches/central.ris",
            "--searched",
            "2024-11-01",
        ),
    ),
    Step(
        "Import the ACR Convergence 2024 archive (other methods)",
        (
            "import",
            "searches/acr_convergence_2024.csv",
            "--other",
            "--source",
            "ACR Convergence 2024",
            "--searched",
            "2024-11-01",
        ),
    ),
    *SCREENING_STEPS,
    Step("Load the review protocol (the car-t-sle preset)", ("protocol", "load", "extraction/protocol.toml")),
    Step(
        "Load the extraction files", ("extract", "load", "extraction/studies.csv", "extraction/patients.csv")
    ),
    Step(
        "Risk of bias: ana's JBI appraisals of the case series",
        ("appraise", "load", "appraisal/jbi_ana.csv", "--tool", "jbi-case-series", "--reviewer", "ana"),
    ),
    Step(
        "Risk of bias: ben's JBI appraisals",
        ("appraise", "load", "appraisal/jbi_ben.csv", "--tool", "jbi-case-series", "--reviewer", "ben"),
    ),
    Step("Appraisal conflicts", ("appraise", "conflicts")),
    Step("Appraisal agreement per item", ("appraise", "agreement")),
    Step(
        "Resolve the appraisal conflicts",
        ("appraise", "resolve", "--file", "appraisal/jbi_resolutions.csv", "--reviewer", "lead"),
    ),
    Step("Risk of bias per study", ("appraise", "show")),
    Step(
        "Traffic-light and summary plots (robvis layout)",
        ("appraise", "plot", "--out", "figures/traffic_light.png"),
    ),
    Step("Write the report", ("report", "--format", "md", "--out", "report")),
    Step("PRISMA 2020 flow counts", ("prisma",)),
    Step("Efficacy and safety", ("pool",)),
    Step("Summary of findings (GRADE suggestions, not yet confirmed by the reviewers)", ("grade", "show")),
)
