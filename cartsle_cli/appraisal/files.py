"""The appraisal spreadsheet: the template a reviewer fills in, and checking it completely.

One row per included study (and per outcome where the tool appraises each result), one column per
signalling question or item, a ``<domain>_judgement`` column where the appraisers give (or
override) a domain's judgement, and a ``<domain>_support`` column per domain for the text that
justifies it. The template's ``#`` lines document every column; the reader skips them but still
counts them, so an error names the line the reviewer sees.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.appraisal.engine import Answers, Problem, call_column, check_answers, support_column
from cartsle_cli.appraisal.tool import Tool
from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.csvfile import CsvTable, check_header, read_csv
from cartsle_cli.safe_output import for_spreadsheet


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    doc: str


def template_columns(tool: Tool) -> list[Column]:
    columns = [Column("study_id", True, "the study's label, as `cartsle screen studies` lists it")]
    if tool.per_outcome:
        columns.append(Column("outcome", True, "the outcome (result) this row appraises"))
    domain_names = ", ".join(j.name for j in tool.judgements)
    for domain in tool.domains:
        for question in domain.questions:
            asked = ""
            if question.ask_if:
                asked = (
                    " Asked only when "
                    + " or ".join(
                        " and ".join(f"{q} is {'/'.join(sorted(a))}" for q, a in c.items())
                        for c in question.ask_if
                    )
                    + "; otherwise blank or NA."
                )
            columns.append(
                Column(question.id, True, f"{question.text} ({', '.join(question.answers)}).{asked}")
            )
        if domain.method != "answer":
            how = "required" if domain.method == "direct" else "optional: overrides the tool's algorithm"
            columns.append(
                Column(
                    call_column(domain.id),
                    domain.method == "direct",
                    f"{domain.label}: judgement ({domain_names}), {how}",
                )
            )
        columns.append(
            Column(
                support_column(domain.id),
                domain.support == "required",
                f"{domain.label}: support for the judgement ({domain.support})",
            )
        )
    overall_names = ", ".join(j.name for j in tool.overall.judgements)
    columns.append(
        Column(
            call_column("overall"),
            False,
            f"overall judgement ({overall_names}); optional, shown beside the tool's",
        )
    )
    columns.append(Column(support_column("overall"), False, "support for the overall judgement (optional)"))
    return columns


def template_text(tool: Tool, study_ids: list[str], outcomes: list[str]) -> str:
    """The template: documented columns, then a row per study (per outcome when the tool asks)."""
    columns = template_columns(tool)
    lines = [f"# cartsle appraisal template: {tool.name} ({tool.reference})"]
    lines += [f"# {c.name}: {c.doc}" for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([for_spreadsheet(c.name) for c in columns])
    keys = (
        [(s, o) for s in study_ids for o in outcomes] if tool.per_outcome else [(s, None) for s in study_ids]
    )
    for study_id, outcome in keys:
        row = [study_id] + ([outcome] if tool.per_outcome else [])
        writer.writerow([for_spreadsheet(cell) for cell in row] + [""] * (len(columns) - len(row)))
    return "\n".join(" ".join(line.split()) for line in lines) + "\n" + buffer.getvalue()


def write_template(
    tool: Tool, study_ids: list[str], outcomes: list[str], out: Path, *, overwrite: bool
) -> Path:
    if tool.per_outcome and not outcomes:
        raise CartsleError(
            f"{tool.name} appraises each outcome: name them with --outcome (one per outcome)",
            field="--outcome",
        )
    if out.exists() and not overwrite:
        raise CartsleError("the file is already there: give --force to overwrite it", file=out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(template_text(tool, study_ids, outcomes), encoding="utf-8")
    return out


@dataclass(frozen=True)
class AppraisalRow:
    line: int
    study_id: str
    outcome: str  # "" for a tool appraised per study
    appraisal: Answers


@dataclass(frozen=True)
class AppraisalFile:
    table: CsvTable
    rows: tuple[AppraisalRow, ...]


def read_appraisals(
    tool: Tool,
    path: str | Path,
    included: Collection[str],
    outcomes: Collection[str] | None = None,
) -> AppraisalFile:
    """Read and check the whole file; raise CartsleError (file, line, column) at the first fault.

    ``included``: the study labels screening included; ``outcomes``: the declared outcomes when the
    review declares them (None accepts any outcome name).
    """
    table = read_csv(path)
    check_header(table, template_columns(tool), _unknown_column(tool))
    if not table.rows:
        raise CartsleError("no appraisal rows: fill in one row per included study", file=table.path)
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for row in table.rows:
        study_id = " ".join(row.cells.get("study_id", "").split())
        outcome = " ".join(row.cells.get("outcome", "").split()) if tool.per_outcome else ""

        def fail(column: str, message: str, line: int = row.line) -> CartsleError:
            return CartsleError(message, file=table.path, line=line, field=column)

        if study_id not in included:
            raise fail(
                "study_id", f"{study_id!r} is not an included study (`cartsle screen studies` lists them)"
            )
        if tool.per_outcome and not outcome:
            raise fail("outcome", f"{tool.name} appraises each outcome: name this row's outcome")
        if outcomes is not None and tool.per_outcome and outcome not in outcomes:
            raise fail(
                "outcome", f"{outcome!r} is not a declared outcome: one of {', '.join(sorted(outcomes))}"
            )
        key = (study_id, outcome)
        if key in seen:
            what = f"{study_id!r}" + (f" for {outcome!r}" if outcome else "")
            raise fail("study_id", f"{what} already has a row on line {seen[key]}")
        seen[key] = row.line
        try:
            appraisal = check_answers(tool, row.cells)
        except Problem as problem:
            raise fail(problem.column, problem.message) from None
        rows.append(AppraisalRow(row.line, study_id, outcome, appraisal))
    return AppraisalFile(table, tuple(rows))


def _unknown_column(tool: Tool) -> Callable[[str, list[str]], str]:
    def message(name: str, known: list[str]) -> str:
        from rapidfuzz import process  # only to word an error: the report reads appraisals without it

        match = process.extractOne(name, known, score_cutoff=75)
        hint = f" (did you mean {match[0]!r}?)" if match else ""
        return f"unknown column {name!r} for {tool.name}{hint}"

    return message
