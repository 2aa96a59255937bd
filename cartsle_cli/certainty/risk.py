"""Each study's consensus risk of bias for one analysed outcome, read by GRADE, the sensitivity
analysis and the forest plots.

Tools appraised per study (JBI, NOS) give one judgement for every outcome. Tools appraised per
result (RoB 2, ROBINS-I) give one per study and outcome: a row counts for an analysis when its
outcome is the analysis's outcome, by id or by label (case and spacing aside), so a sheet that
names outcomes as the protocol labels them reads as well as one that uses the ids. A study with
no row for the outcome is not appraised for it (never judged by another outcome's appraisal).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cartsle_cli.appraisal.store import appraised_tools, study_appraisals
from cartsle_cli.appraisal.tool import get_tool

HIGH_LEVEL = 2  # RoB 2 high, ROBINS-I serious or critical, JBI's declared rule high, NOS poor


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class StudyRisk:
    """One study's consensus overall judgement for one outcome ("" for a per-study tool)."""

    study: str
    outcome: str
    tool: str
    judgement: str | None  # None while the appraisers' conflict is unresolved
    level: int | None
    style: str | None  # the plots' colour and symbol
    domains: tuple[tuple[str, str | None, str | None], ...]  # (domain id, judgement, style)


@dataclass(frozen=True)
class RiskOfBias:
    """Every appraised study's consensus, per outcome where the tool appraises each result."""

    risks: tuple[StudyRisk, ...]

    def for_outcome(self, *names: str) -> dict[str, StudyRisk]:
        """Study -> its risk for an outcome named by any of ``names`` (id, label); per-study tools
        count for every outcome. Where two tools judged a study, the worse judgement counts."""
        wanted = {_key(n) for n in names if n}
        found: dict[str, StudyRisk] = {}
        for risk in self.risks:
            if risk.outcome and _key(risk.outcome) not in wanted:
                continue
            held = found.get(risk.study)
            if held is None or (risk.level or 0) > (held.level or 0):
                found[risk.study] = risk
        return found

    def levels(self, *names: str) -> dict[str, int | None]:
        return {study: risk.level for study, risk in self.for_outcome(*names).items()}

    def high(self, *names: str) -> set[str]:
        return {study for study, level in self.levels(*names).items() if (level or 0) >= HIGH_LEVEL}


def risk_of_bias(conn: sqlite3.Connection) -> RiskOfBias | None:
    """The review's consensus risk of bias; None when nothing is appraised."""
    used = appraised_tools(conn)
    if not used:
        return None
    risks = []
    for name in used:
        tool = get_tool(name)
        overall = {j.name: j for j in tool.overall.judgements}
        by_name = {j.name: j for j in tool.judgements}
        for appraisal in study_appraisals(conn, tool):
            judged = overall.get(appraisal.overall or "")
            domains = tuple(
                (
                    cell.domain,
                    cell.judgement,
                    by_name[cell.judgement].style if cell.judgement in by_name else None,
                )
                for cell in appraisal.cells
                if cell.domain != "overall"
            )
            risks.append(
                StudyRisk(
                    appraisal.study_id,
                    appraisal.outcome,
                    tool.id,
                    appraisal.overall,
                    judged.level if judged else None,
                    judged.style if judged else None,
                    domains,
                )
            )
    return RiskOfBias(tuple(risks))
