"""The summary-of-findings table and the GRADE evidence profile, from the graded outcomes.

Both read the plain form of :class:`OutcomeCertainty` (``to_dict``), the form the report document
keeps, so every report format and the export show the same cells.

GRADEpro GDT documents no public CSV import (it imports RevMan 5 files and its own projects), so
the export is a documented CSV with the columns of GRADEpro's evidence profile, in its words
("not serious", "serious", "very serious"), which a reviewer can paste into GRADEpro or any
spreadsheet.
"""

from __future__ import annotations

import string

from cartsle_cli.certainty.comparative import absolute_text, relative_text

SOF_COLUMNS = [
    "Outcome",
    "Participants (studies)",
    "Relative effect (95% CI)",
    "Absolute effect (95% CI)",
    "Certainty of the evidence (GRADE)",
    "Comments",
]
SERIOUSNESS = {0: "not serious", 1: "serious", 2: "very serious"}
PROFILE_COLUMNS = [
    "Outcome",
    "No of studies",
    "Study design",
    "Risk of bias",
    "Inconsistency",
    "Indirectness",
    "Imprecision",
    "Other considerations",
    "No of participants",
    "Events",
    "Effect, relative (95% CI)",
    "Effect, absolute (95% CI)",
    "Certainty",
    "Footnotes",
]


def _per_1000(value: float) -> int:
    return int(round(1000 * value))


def effects(evidence: dict) -> tuple[str, str]:
    """(relative, absolute) effect text."""
    if evidence["measure"] == "proportion":
        absolute = (
            f"{_per_1000(evidence['estimate'])} per 1000 "
            f"({_per_1000(evidence['lower'])} to {_per_1000(evidence['upper'])})"
        )
        return "not applicable (single-arm studies)", absolute
    return relative_text(evidence), absolute_text(evidence)


def _participants(evidence: dict) -> str:
    count = "not reported" if evidence["participants"] is None else str(evidence["participants"])
    return f"{count} ({evidence['k']} studies)"


def _footnotes(graded: list[dict]) -> dict[tuple[str, str], str]:
    """A letter for every downgrade, in table order: (outcome, domain) -> letter."""
    letters = iter(string.ascii_lowercase)
    marks = {}
    for item in graded:
        for domain in item["domains"]:
            if domain["levels"] > 0:
                marks[(item["evidence"]["outcome"], domain["domain"])] = next(letters, "*")
    return marks


def summary_of_findings(graded: list[dict]) -> tuple[list[list[str]], list[str]]:
    """The table's rows and its footnotes ("a. Risk of bias, one level down: ...")."""
    marks = _footnotes(graded)
    rows, notes = [], []
    for item in graded:
        evidence = item["evidence"]
        relative, absolute = effects(evidence)
        down = [d for d in item["domains"] if d["levels"] > 0]
        letters = "".join(marks[(evidence["outcome"], d["domain"])] for d in down)
        reasons = ", ".join(d["label"].lower() for d in down)
        grade = f"{item['symbols']} {item['certainty'].upper()}" + (
            f" (rated down for {reasons})" if reasons else ""
        )
        rows.append(
            [
                evidence["label"],
                _participants(evidence),
                relative,
                absolute,
                grade + (f" {letters}" if letters else ""),
                item["comment"] or "",
            ]
        )
        for d in down:
            steps = "one level" if d["levels"] == 1 else "two levels"
            notes.append(
                f"{marks[(evidence['outcome'], d['domain'])]}. {d['label']}, {steps} down: {d['reason']}"
            )
    return rows, notes


def evidence_profile(graded: list[dict]) -> list[list[str]]:
    """GRADEpro's evidence-profile columns, one row per outcome."""
    marks = _footnotes(graded)
    rows = []
    for item in graded:
        evidence = item["evidence"]
        by_domain = {d["domain"]: d for d in item["domains"]}
        relative, absolute = effects(evidence)
        publication = by_domain["publication_bias"]
        notes = "; ".join(
            f"{marks[(evidence['outcome'], d['domain'])]}. {d['reason']}"
            for d in item["domains"]
            if d["levels"] > 0
        )
        rows.append(
            [
                evidence["label"],
                str(evidence["k"]),
                item["design"],
                *(
                    SERIOUSNESS[by_domain[name]["levels"]]
                    for name in ("risk_of_bias", "inconsistency", "indirectness", "imprecision")
                ),
                "publication bias strongly suspected" if publication["levels"] else "none",
                "" if evidence["participants"] is None else str(evidence["participants"]),
                "" if evidence["events"] is None else str(evidence["events"]),
                relative,
                absolute,
                f"{item['symbols']} {item['certainty'].upper()}",
                notes,
            ]
        )
    return rows
