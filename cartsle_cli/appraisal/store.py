"""Appraisals in the review: loads kept with their history, conflicts, resolutions, the consensus.

As in screening: each appraiser's judgements are their own (their latest row for a study and
outcome, across all their loads of the tool); two appraisers who reach different judgements of a
domain (or overall) are in conflict until a resolution is recorded; the consensus judgement is
the resolution, else the judgement both reached, else the one appraiser's.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.appraisal.engine import Answers, DomainJudgement, Judged, judge, overall_algorithm
from cartsle_cli.appraisal.files import AppraisalFile, read_appraisals
from cartsle_cli.appraisal.tool import Tool
from cartsle_cli.errors import CartsleError
from cartsle_cli.screening import included_studies
from cartsle_cli.store import transaction
from cartsle_cli.store.searches import now_utc

Key = tuple[str, str]  # (study_id, outcome); outcome "" for tools appraised per study


@dataclass(frozen=True)
class AppraisalLoad:
    id: int
    tool: str
    reviewer: str
    file_name: str
    row_count: int
    loaded_at: str


def included_labels(conn: sqlite3.Connection) -> list[str]:
    return [study.study_id for study in included_studies(conn)]


def protocol_outcomes(conn: sqlite3.Connection) -> list[str]:
    """The outcomes a per-outcome tool appraises by default: the protocol's outcomes that have a
    declared analysis (the results a summary of findings reports), else all its outcomes; none
    when the review has no protocol."""
    from cartsle_cli.protocol.store import stored_protocol

    try:
        protocol = stored_protocol(conn).protocol
    except CartsleError:
        return []
    analysed = [o.id for o in protocol.outcomes if o.analyses]
    return analysed or [o.id for o in protocol.outcomes]


def load_appraisals(
    conn: sqlite3.Connection,
    tool: Tool,
    path: str | Path,
    reviewer: str | None,
    outcomes: set[str] | None = None,
) -> AppraisalLoad:
    """Check the whole file, then store it as one load in one transaction (or nothing)."""
    if not reviewer or not reviewer.strip():
        raise CartsleError("who appraised? give --reviewer NAME or set CARTSLE_REVIEWER", field="--reviewer")
    checked = read_appraisals(tool, path, set(included_labels(conn)), outcomes)
    with transaction(conn):
        load_id = _insert(conn, tool, reviewer.strip(), checked)
    return next(load for load in appraisal_loads(conn) if load.id == load_id)


def _insert(conn: sqlite3.Connection, tool: Tool, reviewer: str, checked: AppraisalFile) -> int:
    table = checked.table
    load_id = conn.execute(
        "INSERT INTO appraisal_loads (tool, reviewer, file_name, sha256, file_text, row_count, loaded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            tool.id,
            reviewer,
            table.path.name,
            hashlib.sha256(table.text.encode("utf-8")).hexdigest(),
            table.text,
            len(checked.rows),
            now_utc(),
        ),
    ).lastrowid
    assert load_id is not None  # an INSERT always sets lastrowid
    conn.executemany(
        "INSERT INTO appraisal_rows (load_id, line, study_id, outcome, answers, calls, support)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                load_id,
                row.line,
                row.study_id,
                row.outcome,
                json.dumps(row.appraisal.answers),
                json.dumps(row.appraisal.calls),
                json.dumps(row.appraisal.support),
            )
            for row in checked.rows
        ],
    )
    return load_id


def appraisal_loads(conn: sqlite3.Connection, tool: str | None = None) -> list[AppraisalLoad]:
    """Every load, oldest first."""
    clause, params = (" WHERE tool = ?", [tool]) if tool else ("", [])
    rows = conn.execute(
        f"SELECT id, tool, reviewer, file_name, row_count, loaded_at FROM appraisal_loads{clause} ORDER BY loaded_at, id",
        params,
    ).fetchall()
    return [AppraisalLoad(*row) for row in rows]


def current_appraisals(conn: sqlite3.Connection, tool: Tool) -> dict[Key, dict[str, Judged]]:
    """Each appraiser's current appraisal of each study (and outcome), judged by the tool."""
    rows = conn.execute(
        "SELECT l.reviewer, r.study_id, r.outcome, r.answers, r.calls, r.support FROM appraisal_rows r"
        " JOIN appraisal_loads l ON l.id = r.load_id WHERE l.tool = ? ORDER BY l.loaded_at, r.load_id",
        (tool.id,),
    ).fetchall()
    current: dict[Key, dict[str, Judged]] = {}
    for reviewer, study_id, outcome, answers, calls, support in rows:  # later loads replace earlier rows
        appraisal = Answers(json.loads(answers), json.loads(calls), json.loads(support))
        current.setdefault((study_id, outcome), {})[reviewer] = judge(tool, appraisal)
    return current


@dataclass(frozen=True)
class Resolution:
    study_id: str
    outcome: str
    domain: str
    judgement: str
    reviewer: str
    note: str | None
    resolved_at: str


def resolutions(conn: sqlite3.Connection, tool: Tool) -> dict[tuple[str, str, str], Resolution]:
    """The latest resolution of each (study, outcome, domain)."""
    rows = conn.execute(
        "SELECT study_id, outcome, domain, judgement, reviewer, note, resolved_at FROM appraisal_resolutions"
        " WHERE tool = ? ORDER BY resolved_at, id",
        (tool.id,),
    ).fetchall()
    return {(r[0], r[1], r[2]): Resolution(*r) for r in rows}


@dataclass(frozen=True)
class Cell:
    """One domain (or overall) of one study: each appraiser's judgement and the consensus.

    ``judgement`` is None while the appraisers disagree; ``algorithm`` is the tool's result (on the
    answers, or for overall on the consensus domain judgements), None where it cannot be known.
    """

    domain: str
    by_reviewer: dict[str, DomainJudgement]
    resolution: Resolution | None
    judgement: str | None
    algorithm: str | None
    status: str  # single, agreed, resolved or conflict


def _domain_cell(domain: str, by_reviewer: dict[str, DomainJudgement], resolution: Resolution | None) -> Cell:
    finals = {j.final for j in by_reviewer.values()}
    results = {j.algorithm for j in by_reviewer.values()}
    algorithm = results.pop() if len(results) == 1 else None
    if resolution is not None:
        return Cell(domain, by_reviewer, resolution, resolution.judgement, algorithm, "resolved")
    if len(finals) > 1:
        return Cell(domain, by_reviewer, None, None, algorithm, "conflict")
    status = "agreed" if len(by_reviewer) > 1 else "single"
    return Cell(domain, by_reviewer, None, finals.pop(), algorithm, status)


def _overall_cell(
    tool: Tool, domains: list[Cell], by_reviewer: dict[str, DomainJudgement], resolution: Resolution | None
) -> Cell:
    """Overall: the resolution; else the appraisers' shared own call; else the tool's rule on the
    consensus domain judgements (so resolving domains settles the overall judgement)."""
    consensus = {cell.domain: cell.judgement for cell in domains}
    judged = {domain: judgement for domain, judgement in consensus.items() if judgement is not None}
    algorithm = overall_algorithm(tool, judged) if len(judged) == len(consensus) else None
    calls = {j.call for j in by_reviewer.values()}
    status = "agreed" if len(by_reviewer) > 1 else "single"
    if resolution is not None:
        return Cell("overall", by_reviewer, resolution, resolution.judgement, algorithm, "resolved")
    if None not in calls and len(calls) == 1:
        return Cell("overall", by_reviewer, None, calls.pop(), algorithm, status)
    if algorithm is not None:
        return Cell("overall", by_reviewer, None, algorithm, algorithm, status)
    finals = {j.final for j in by_reviewer.values()}
    if len(finals) == 1:
        return Cell("overall", by_reviewer, None, finals.pop(), None, status)
    return Cell("overall", by_reviewer, None, None, None, "conflict")


@dataclass(frozen=True)
class StudyAppraisal:
    study_id: str
    outcome: str
    cells: tuple[Cell, ...]  # the tool's domains in order, then "overall"
    notes: tuple[str, ...]

    def cell(self, domain: str) -> Cell:
        return next(c for c in self.cells if c.domain == domain)

    @property
    def overall(self) -> str | None:
        return self.cell("overall").judgement


def study_appraisals(conn: sqlite3.Connection, tool: Tool) -> list[StudyAppraisal]:
    """Every appraised study (and outcome), in the order of the included studies."""
    current = current_appraisals(conn, tool)
    resolved = resolutions(conn, tool)
    order = {label: index for index, label in enumerate(included_labels(conn))}
    results = []
    for (study_id, outcome), by_reviewer in sorted(
        current.items(), key=lambda item: (order.get(item[0][0], len(order)), item[0][0], item[0][1])
    ):
        reviewers = sorted(by_reviewer)
        cells = [
            _domain_cell(
                domain.id,
                {r: next(d for d in by_reviewer[r].domains if d.domain == domain.id) for r in reviewers},
                resolved.get((study_id, outcome, domain.id)),
            )
            for domain in tool.domains
        ]
        overall = {r: by_reviewer[r].overall for r in reviewers}
        cells.append(_overall_cell(tool, cells, overall, resolved.get((study_id, outcome, "overall"))))
        notes = sorted({note for judged in by_reviewer.values() for note in judged.notes})
        results.append(StudyAppraisal(study_id, outcome, tuple(cells), tuple(notes)))
    return results


def conflicts(conn: sqlite3.Connection, tool: Tool) -> list[tuple[StudyAppraisal, Cell]]:
    return [
        (study, cell)
        for study in study_appraisals(conn, tool)
        for cell in study.cells
        if cell.status == "conflict"
    ]


def resolve(
    conn: sqlite3.Connection,
    tool: Tool,
    *,
    study_id: str,
    outcome: str,
    domain: str,
    judgement: str,
    reviewer: str | None,
    note: str | None = None,
    where: int | str | None = None,
    file: str | None = None,
) -> Resolution:
    """Check and record the agreed judgement of one domain (or overall); the caller holds the transaction."""

    def fail(field: str, message: str) -> CartsleError:
        return CartsleError(message, file=file, line=where, field=field)

    if not reviewer or not reviewer.strip():
        raise fail("reviewer", "who is resolving? give --reviewer NAME or set CARTSLE_REVIEWER")
    domains = [d.id for d in tool.domains]
    if domain not in [*domains, "overall"]:
        raise fail(
            "domain", f"{domain!r} is not a domain of {tool.name}: one of {', '.join(domains)} or overall"
        )
    names = [j.name for j in (tool.overall.judgements if domain == "overall" else tool.judgements)]
    canonical = next((n for n in names if n.casefold() == " ".join(judgement.split()).casefold()), None)
    if canonical is None:
        raise fail("judgement", f"{judgement!r} is not a judgement here: one of {', '.join(names)}")
    exists = conn.execute(
        "SELECT 1 FROM appraisal_rows r JOIN appraisal_loads l ON l.id = r.load_id"
        " WHERE l.tool = ? AND r.study_id = ? AND r.outcome = ?",
        (tool.id, study_id, outcome),
    ).fetchone()
    if exists is None:
        what = f"{study_id!r}" + (f" for outcome {outcome!r}" if outcome else "")
        raise fail("study_id", f"no {tool.name} appraisal of {what} to resolve")
    text = " ".join((note or "").split()) or None
    now = now_utc()
    conn.execute(
        "INSERT INTO appraisal_resolutions (tool, study_id, outcome, domain, judgement, reviewer, note, resolved_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (tool.id, study_id, outcome, domain, canonical, reviewer.strip(), text, now),
    )
    return Resolution(study_id, outcome, domain, canonical, reviewer.strip(), text, now)


def appraised_tools(conn: sqlite3.Connection) -> list[str]:
    """The tools this review has appraisals for, in the order first loaded."""
    return [row[0] for row in conn.execute("SELECT tool FROM appraisal_loads GROUP BY tool ORDER BY MIN(id)")]
