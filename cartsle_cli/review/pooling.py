"""`cartsle pool` as a library call: every analysis the protocol declares, on the agreed extraction.

:func:`pool_review` reads the review's protocol and its agreed extraction (``extraction.agreement``)
and hands each declared analysis its numbers, as arrays, to the statistics
(``stats.proportion_outcomes``, ``stats.scores``, ``stats.meta``); it computes no statistic
itself. It sits above extraction and stats (as ``importing.py`` sits above formats and store), so
that extraction never imports stats and the CLI and the report share one entry point. An analysis
whose outcome no study reports is left out (and named in ``not_reported``).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.agreement import AgreedExtraction, agreed_extraction
from cartsle_cli.extraction.layout import STUDIES_FILE, count_columns, events_column, layout
from cartsle_cli.extraction.numbers import count_of, percent_half_up
from cartsle_cli.protocol.model import Analysis, Characteristic, Protocol
from cartsle_cli.protocol.store import stored_protocol
from cartsle_cli.review.pool_options import PoolOptions
from cartsle_cli.review.pooling_comparative import comparative_result
from cartsle_cli.review.pooling_extras import Extras, proportion_extras
from cartsle_cli.screening import included_studies
from cartsle_cli.stats.proportion_outcomes import (
    NumberSummary,
    ProportionSummary,
    summarise_numbers,
    summarise_proportion,
)
from cartsle_cli.stats.scores import ScoreSummary, summarise_scores

SCALE_OF = {"PLO": "logit", "PFT": "ft", "PR": "raw"}


@dataclass(frozen=True)
class Share:
    """A number of studies out of a total, e.g. the studies of one subgroup."""

    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return percent_half_up(self.count, self.total)

    @property
    def text(self) -> str:
        return count_of(self.count, self.total)

    def to_dict(self) -> dict:
        return {**asdict(self), "percent": self.percent, "text": self.text}


@dataclass(frozen=True)
class Finding:
    study: str
    finding: str


@dataclass(frozen=True)
class CharacteristicSummary:
    """One declared characteristic over the included studies, as its ``summary`` asks."""

    name: str
    label: str
    summary: str  # counts, median-range or list
    unit: str
    shares: list[Share] | None = None
    numbers: NumberSummary | None = None
    findings: list[Finding] | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.shares is not None:
            data["shares"] = [share.to_dict() for share in self.shares]
        return data


@dataclass(frozen=True)
class Overview:
    load_ids: list[int]
    loaded_at: str
    extractors: list[str]
    studies: int
    participants: int | None
    characteristics: list[CharacteristicSummary]
    sources: list[Share]  # PRISMA column of each study: databases or other methods
    declared: list[dict]  # every declared characteristic: name, label, type, unit
    study_rows: list[dict]  # one per study: study_id, label and every characteristic's value
    # Extraction rows of studies screening no longer includes (e.g. after `searches remove`): left
    # out of every pooled figure, so PRISMA and the pooled results name the same studies.
    left_out: list[str] = field(default_factory=list)

    def characteristic(self, name: str) -> CharacteristicSummary | None:
        return next((c for c in self.characteristics if c.name == name), None)

    def to_dict(self) -> dict:
        return {
            **asdict(self),
            "characteristics": [c.to_dict() for c in self.characteristics],
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class AnalysisResult:
    """One declared analysis and what it gave: one of ``proportion``, ``scores``, ``effect``."""

    id: str
    outcome: str
    label: str
    type: str
    measure: str
    model: str
    method: str
    ci: str
    pi: str
    unit: str = ""
    time_unit: str = ""
    subgroups: tuple[str, ...] = ()
    covariates: tuple[str, ...] = ()
    sensitivity: tuple[str, ...] = ()
    proportion: ProportionSummary | None = None
    scores: ScoreSummary | None = None
    effect: Any = None  # the comparative or generic result (``pooling_comparative``)
    notes: list[str] = field(default_factory=list)
    extras: Extras | None = None  # a proportion's declared subgroups, meta-regression, leave-one-out

    @property
    def studies(self) -> int:
        if self.proportion is not None:
            return self.proportion.studies
        if self.scores is not None:
            return self.scores.studies
        return getattr(self.effect, "k", 0) if self.effect is not None else 0


@dataclass(frozen=True)
class PoolResult:
    options: PoolOptions
    protocol_version: int
    title: str
    question: dict
    design: str
    overview: Overview
    analyses: list[AnalysisResult]
    not_reported: list[str]  # analyses whose outcome no study reports

    def analysis(self, analysis_id: str) -> AnalysisResult | None:
        return next((a for a in self.analyses if a.id == analysis_id), None)

    def to_dict(self) -> dict:
        return {
            "options": asdict(self.options),
            "protocol_version": self.protocol_version,
            "title": self.title,
            "question": self.question,
            "design": self.design,
            "overview": self.overview.to_dict(),
            "analyses": [_analysis_dict(a) for a in self.analyses],
            "not_reported": self.not_reported,
        }


def _analysis_dict(result: AnalysisResult) -> dict:
    data = {
        key: value for key, value in vars(result).items() if key not in ("proportion", "scores", "effect")
    }
    data["studies"] = result.studies
    data["proportion"] = _plain(result.proportion)
    data["scores"] = result.scores.to_dict() if result.scores else None
    data["effect"] = result.effect.to_dict() if hasattr(result.effect, "to_dict") else None
    data["extras"] = result.extras.to_dict() if result.extras else None
    return data


def _plain(summary: ProportionSummary | None) -> dict | None:
    if summary is None:
        return None
    data = asdict(summary)
    data["meta"] = summary.meta.to_dict() if summary.meta else None
    return data


def study_labels(studies: pd.DataFrame) -> list[str]:
    """'Author year' where the protocol declares first_author and year and both are given, else the id."""
    ids = studies["study_id"].astype(str)
    if {"first_author", "year"} <= set(studies.columns):
        years = pd.to_numeric(studies["year"], errors="coerce")
        named = studies["first_author"].astype(str) + " " + years.astype("Int64").astype(str)
        ids = named.where(studies["first_author"].notna() & years.notna(), ids)
    return list(ids)


def _numbers(studies: pd.DataFrame, column: str) -> np.ndarray:
    if column not in studies.columns:
        return np.full(len(studies), np.nan)
    return pd.to_numeric(studies[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _characteristic(studies: pd.DataFrame, labels: list[str], c: Characteristic) -> CharacteristicSummary:
    values = studies[c.name]
    if c.summary == "counts":
        counts = Counter(str(value).strip() for value in values.dropna())
        total = sum(counts.values())
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return CharacteristicSummary(
            c.name, c.label, c.summary, c.unit, shares=[Share(v, n, total) for v, n in ordered]
        )
    if c.summary == "median-range":
        return CharacteristicSummary(
            c.name, c.label, c.summary, c.unit, numbers=summarise_numbers(_numbers(studies, c.name))
        )
    found = [
        Finding(labels[i], str(text).strip())
        for i, text in enumerate(values)
        if pd.notna(text) and str(text).strip()
    ]
    return CharacteristicSummary(c.name, c.label, c.summary, c.unit, findings=found)


def included_only(conn: sqlite3.Connection, agreed: AgreedExtraction) -> tuple[AgreedExtraction, list[str]]:
    """The extraction's rows of studies screening includes, in every file, and the ids left out.

    Once full-text screening has begun, a study it does not include (its reports were excluded,
    or the search that found them was removed) is not pooled, whatever the extraction files say.
    """
    if conn.execute("SELECT 1 FROM screening_decisions WHERE stage = 'ft' LIMIT 1").fetchone() is None:
        return agreed, []
    included = {study.study_id for study in included_studies(conn)}
    left_out = sorted(
        {str(s) for frame in agreed.frames.values() for s in frame["study_id"] if str(s) not in included}
    )
    if not left_out:
        return agreed, []
    frames, lines = {}, {}
    for name, frame in agreed.frames.items():
        keep = frame["study_id"].isin(included).to_numpy()
        frames[name] = frame[keep].reset_index(drop=True)
        lines[name] = tuple(line for line, kept in zip(agreed.lines[name], keep) if kept)
    return replace(agreed, frames=frames, lines=lines), left_out


def overview(
    conn: sqlite3.Connection, protocol: Protocol, agreed: AgreedExtraction, left_out: list[str] | None = None
) -> Overview:
    studies = agreed.frames[STUDIES_FILE]
    labels = study_labels(studies)
    source_of = {study.study_id: study.source for study in included_studies(conn)}
    sources = Counter(source_of.get(study_id, "not an included study") for study_id in studies["study_id"])
    participants = protocol.design.participants
    return Overview(
        [load.id for load in agreed.loads],
        max(load.loaded_at for load in agreed.loads),
        [load.extractor for load in agreed.loads],
        len(studies),
        int(np.nansum(_numbers(studies, participants))) if participants else None,
        [_characteristic(studies, labels, c) for c in protocol.characteristics if c.summary != "none"],
        [Share(s, n, len(studies)) for s, n in sorted(sources.items(), key=lambda item: (-item[1], item[0]))],
        [
            {"name": c.name, "label": c.label, "type": c.type, "unit": c.unit}
            for c in protocol.characteristics
        ],
        _study_rows(studies, labels, protocol),
        left_out or [],
    )


def _study_rows(studies: pd.DataFrame, labels: list[str], protocol: Protocol) -> list[dict]:
    rows = []
    for position, (_, row) in enumerate(studies.iterrows()):
        values: dict[str, Any] = {"study_id": str(row["study_id"]), "label": labels[position]}
        for c in protocol.characteristics:
            value = row[c.name]
            values[c.name] = None if pd.isna(value) else (value.item() if hasattr(value, "item") else value)
        rows.append(values)
    return rows


def _proportion(
    protocol: Protocol, analysis: Analysis, studies: pd.DataFrame, options: PoolOptions
) -> tuple[ProportionSummary, Extras]:
    outcome = protocol.outcome_of(analysis)
    columns = count_columns(outcome)
    grades = None
    if outcome.type == "graded":
        grades = {grade: _numbers(studies, column) for grade, column in zip(outcome.grades, columns[1:])}
    method = options.method or analysis.method
    scale = options.scale or SCALE_OF[analysis.measure]
    if method == "glmm" and scale != "logit":
        raise CartsleError(
            f"the GLMM works on the logit scale; for --scale {scale} use --method dl or reml", field="scale"
        )
    events = _numbers(studies, columns[0])
    totals = _numbers(studies, events_column(protocol, analysis.denominator))
    labels = study_labels(studies)
    summary = summarise_proportion(events, totals, labels, grades=grades, method=method, scale=scale)
    reporting = ~np.isnan(events) & ~np.isnan(totals) & (totals > 0)
    rows = np.flatnonzero(reporting)
    extras = proportion_extras(
        events[reporting],
        totals[reporting],
        [labels[i] for i in rows],
        groups={n: [_text(studies[n].iloc[i]) for i in rows] for n in analysis.subgroups},
        covariates={n: [studies[n].iloc[i] for i in rows] for n in analysis.covariates},
        leave_one_out="leave-one-out" in analysis.sensitivity,
        method=method,
        scale=scale,
        ci=analysis.ci,
        pi="z" if analysis.pi == "none" else analysis.pi,
    )
    return summary, extras


def _text(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()


def _scores(
    protocol: Protocol, analysis: Analysis, agreed: AgreedExtraction, options: PoolOptions
) -> ScoreSummary:
    outcome = protocol.outcome_of(analysis)
    patients = agreed.frames[outcome.file]
    scores = pd.DataFrame(
        {
            "study_id": patients["study_id"].astype(str),
            "patient": patients[outcome.patient].astype(str),
            "time": pd.to_numeric(patients[outcome.time], errors="coerce"),
            "score": pd.to_numeric(patients[outcome.id], errors="coerce"),
        }
    )
    studies = agreed.frames[STUDIES_FILE]
    groups = {
        name: {
            str(study): str(value).strip()
            for study, value in zip(studies["study_id"], studies[name])
            if pd.notna(value)
        }
        for name in analysis.subgroups
    }
    return summarise_scores(
        scores,
        baseline=outcome.baseline,
        change_at=outcome.change_at,
        mean_at=outcome.mean_at,
        thresholds=outcome.thresholds,
        lower_is_better=outcome.lower_is_better,
        groups=groups,
        quantile_method=options.quantile_method,
        label=outcome.label,
    )


def run_analysis(
    protocol: Protocol, analysis: Analysis, agreed: AgreedExtraction, options: PoolOptions
) -> AnalysisResult | None:
    """One analysis on the agreed extraction; None when no study reports its outcome."""
    outcome = protocol.outcome_of(analysis)
    studies = agreed.frames[STUDIES_FILE]
    method = analysis.method
    measure = analysis.measure
    found: dict[str, Any] = {}
    if outcome.type in ("proportion", "graded"):
        method = options.method or analysis.method
        measure = {v: k for k, v in SCALE_OF.items()}[options.scale] if options.scale else measure
        found["proportion"], found["extras"] = _proportion(protocol, analysis, studies, options)
        if found["proportion"].studies == 0:
            return None
    elif outcome.type == "score-over-time":
        found["scores"] = _scores(protocol, analysis, agreed, options)
        if found["scores"].patients == 0:
            return None
    else:
        effect, notes = comparative_result(protocol, analysis, agreed, study_labels)
        if effect is None and not notes:
            return None
        found["effect"], found["notes"] = effect, notes
    return AnalysisResult(
        analysis.id,
        analysis.outcome,
        analysis.label,
        outcome.type,
        measure,
        analysis.model,
        method,
        analysis.ci,
        analysis.pi,
        outcome.unit,
        outcome.time_unit,
        analysis.subgroups,
        analysis.covariates,
        analysis.sensitivity,
        **found,
    )


def pool_review(conn: sqlite3.Connection, options: PoolOptions = PoolOptions()) -> PoolResult:
    """Every declared analysis of the current protocol on the agreed extraction."""
    options.check()
    current = stored_protocol(conn)
    protocol = current.protocol
    agreed, left_out = included_only(conn, agreed_extraction(conn, layout(protocol)))
    results, not_reported = [], []
    for analysis in protocol.analyses:
        result = run_analysis(protocol, analysis, agreed, options)
        if result is None:
            not_reported.append(analysis.id)
        else:
            results.append(result)
    return PoolResult(
        options,
        current.version.version,
        protocol.title,
        asdict(protocol.question),
        protocol.design.type,
        overview(conn, protocol, agreed, left_out),
        results,
        not_reported,
    )
