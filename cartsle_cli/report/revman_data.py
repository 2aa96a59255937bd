"""RevMan Web's study import, from the agreed extraction: study characteristics and study results.

RevMan Web (study-centric data management) imports an included study's data from CSV files, one
per kind: "Study information (one row per study, includes general study information, study
characteristics and covariates)", "Study arms" and "Study results (one row per arm for each study,
includes contrast and arm level result data)" (Cochrane RevMan knowledge base, "Data extraction
templates" and "Populate study data"; Covidence's "How to upload your data to RevMan Web", whose
study information file names each characteristic ``Char: <field>``). Its "Step 2: entering study
results" page shows arm-level data under the headings ``Study ID``, ``Intervention``, ``Arm``,
``Events`` and ``Total``; the continuous arm level adds ``Mean`` and ``SD``, and the contrast level
(generic inverse variance, Cochrane Handbook 5.1 section 9.4.3.2) is an ``Estimate`` with its
``SE``, ratios entered as natural logarithms, one row per study.

Two files are written from what the protocol declares and the extractors agreed (the numbers
pooling reads, ``extraction.agreement``):

- ``study_characteristics.csv``: one row per included study, a ``Char: <label>`` column for each
  characteristic of the protocol, in its order;
- ``study_results.csv``: binary outcomes as events and total per arm, continuous ones as mean, SD
  and total per arm (from arms.csv), generic ones as estimate and SE per study (from studies.csv).

The study is named as cartsle labels it (``screen studies``), as in ``study_information.csv``, so
the three files and the included reports' RIS meet in RevMan on the same study.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

import pandas as pd

from cartsle_cli.extraction.agreement import AgreedExtraction, agreed_extraction
from cartsle_cli.extraction.layout import ARMS_FILE, STUDIES_FILE, layout
from cartsle_cli.protocol.model import Outcome, Protocol
from cartsle_cli.protocol.store import protocol_versions, stored_protocol
from cartsle_cli.screening.studies import included_studies

RESULT_COLUMNS = (
    "Study ID",
    "Outcome",
    "Intervention",
    "Arm",
    "Events",
    "Total",
    "Mean",
    "SD",
    "Estimate",
    "SE",
)
# which columns of RESULT_COLUMNS each outcome type fills, and from which extraction column suffix
_ARM_FIELDS = {
    "binary": (("Events", "events"), ("Total", "n")),
    "continuous": (("Mean", "mean"), ("SD", "sd"), ("Total", "n")),
}
_STUDY_FIELDS = {"generic": (("Estimate", "estimate"), ("SE", "se"))}


@dataclass(frozen=True)
class RevManTable:
    """One import file: its column headings and rows (cells not yet made safe for a spreadsheet)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def extraction_tables(conn: sqlite3.Connection) -> list[RevManTable]:
    """The characteristics and results files, or none when the review has no protocol yet."""
    if not protocol_versions(conn):
        return []
    protocol = stored_protocol(conn).protocol
    agreed = agreed_extraction(conn, layout(protocol))
    studies = [study.study_id for study in included_studies(conn)]
    return [characteristics_table(protocol, agreed, studies), results_table(protocol, agreed, studies)]


def characteristics_table(protocol: Protocol, agreed: AgreedExtraction, studies: list[str]) -> RevManTable:
    """One row per included study (blank where nothing was extracted), one column a characteristic."""
    frame = _by_study(agreed.frames.get(STUDIES_FILE))
    names = [c.name for c in protocol.characteristics]
    rows = tuple((study, *(_cell(frame, study, name) for name in names)) for study in studies)
    columns = ("Study", *(f"Char: {c.label or c.name}" for c in protocol.characteristics))
    return RevManTable("study_characteristics.csv", columns, rows)


def results_table(protocol: Protocol, agreed: AgreedExtraction, studies: list[str]) -> RevManTable:
    """Arm-level rows of binary and continuous outcomes, contrast-level rows of generic ones, for
    the included studies that reported them (a row with none of its numbers is left out)."""
    rows: list[tuple[object, ...]] = []
    study_frame = _by_study(agreed.frames.get(STUDIES_FILE))
    arm_frame = agreed.frames.get(ARMS_FILE)
    comparison = " vs ".join(
        next((a.label or a.id for a in protocol.design.arms if a.role == role), role)
        for role in ("intervention", "control")
    )
    for outcome in protocol.outcomes:
        for study in studies:
            if outcome.type in _ARM_FIELDS and arm_frame is not None:
                rows += _arm_rows(protocol, outcome, arm_frame, study)
            elif outcome.type in _STUDY_FIELDS:
                values = _values(study_frame, study, outcome, _STUDY_FIELDS[outcome.type])
                if values:
                    rows.append(_row(study, outcome, comparison, "", values))
    return RevManTable("study_results.csv", RESULT_COLUMNS, tuple(rows))


def _arm_rows(protocol: Protocol, outcome: Outcome, arms: pd.DataFrame, study: str) -> list[tuple]:
    rows = []
    of_study = arms[arms["study_id"].astype(str) == study]
    for arm in protocol.design.arms:
        frame = _by_study(of_study[of_study["arm"].astype(str) == arm.id])
        values = _values(frame, study, outcome, _ARM_FIELDS[outcome.type])
        if values:
            label = arm.label or arm.id
            rows.append(_row(study, outcome, label, label, values))
    return rows


def _values(frame: pd.DataFrame | None, study: str, outcome: Outcome, fields) -> dict[str, object]:
    found = {heading: _cell(frame, study, f"{outcome.id}_{suffix}") for heading, suffix in fields}
    return found if any(value is not None for value in found.values()) else {}


def _row(study: str, outcome: Outcome, intervention: str, arm: str, values: dict[str, object]) -> tuple:
    cells = {
        "Study ID": study,
        "Outcome": outcome.label or outcome.id,
        "Intervention": intervention,
        "Arm": arm,
    }
    return tuple(values.get(column, cells.get(column)) for column in RESULT_COLUMNS)


def _by_study(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    if frame is None or "study_id" not in frame.columns:
        return None
    return frame.set_index(frame["study_id"].astype(str))


def _cell(frame: pd.DataFrame | None, study: str, column: str) -> object:
    """The value as a plain Python value (an int stays an int: 12, not 12.0); missing is None."""
    if frame is None or column not in frame.columns or study not in frame.index:
        return None
    value = frame.at[study, column]
    if isinstance(value, pd.Series):  # a study given twice cannot pass validation; take the first
        value = value.iloc[0]
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value
