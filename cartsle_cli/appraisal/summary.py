"""The review's appraisals as plain data: what `appraise show --json` prints and the report shows."""

from __future__ import annotations

import sqlite3

from cartsle_cli.appraisal.store import StudyAppraisal, appraised_tools, study_appraisals
from cartsle_cli.appraisal.tool import Tool, get_tool


def tool_document(tool: Tool, studies: list[StudyAppraisal]) -> dict:
    """One tool's appraisals: the tool, its domains and judgements, and every study's cells."""
    legend = [(j.name, j.style) for j in tool.judgements]
    legend += [(j.name, j.style) for j in tool.overall.judgements if j.name not in dict(legend)]
    return {
        "tool": tool.id,
        "name": tool.name,
        "reference": tool.reference,
        "per_outcome": tool.per_outcome,
        "domains": [{"domain": d.id, "label": d.label} for d in tool.domains],
        "judgements": [{"judgement": name, "style": style} for name, style in legend],
        "levels": {j.name: j.level for j in (*tool.judgements, *tool.overall.judgements)},
        "studies": [
            {
                "study_id": s.study_id,
                "outcome": s.outcome,
                "notes": list(s.notes),
                "domains": [
                    {
                        "domain": c.domain,
                        "judgement": c.judgement,
                        "algorithm": c.algorithm,
                        "status": c.status,
                        "appraisers": {
                            r: {"algorithm": j.algorithm, "call": j.call, "final": j.final, "stars": j.stars}
                            for r, j in c.by_reviewer.items()
                        },
                        "resolution": vars(c.resolution) if c.resolution else None,
                    }
                    for c in s.cells
                ],
            }
            for s in studies
        ],
    }


def appraisal_document(conn: sqlite3.Connection) -> list[dict]:
    """Every tool the review used, in the order first loaded."""
    documents = []
    for name in appraised_tools(conn):
        tool = get_tool(name)
        documents.append(tool_document(tool, study_appraisals(conn, tool)))
    return documents


def overall_by_study(document: dict) -> dict[tuple[str, str], str | None]:
    """(study, outcome) -> consensus overall judgement, from a tool document."""
    return {(s["study_id"], s["outcome"]): s["domains"][-1]["judgement"] for s in document["studies"]}
