"""The review as one document: every result a report shows, gathered from the library.

The document is a plain dict (it *is* the JSON report, schema :data:`SCHEMA`), so the CSV,
Markdown and HTML writers all render the same figures. Only ``generated_at`` changes between two
reports of the same review.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from cartsle_cli import __version__
from cartsle_cli.appraisal.summary import appraisal_document
from cartsle_cli.errors import CartsleError
from cartsle_cli.protocol.store import stored_protocol
from cartsle_cli.report.appraisal_methods import appraisal_methods
from cartsle_cli.report.methods_text import methods_paragraph
from cartsle_cli.report.update_changes import update_section
from cartsle_cli.review.pool_options import PoolOptions
from cartsle_cli.screening import included_studies, prisma_counts
from cartsle_cli.screening.agreement import agreement
from cartsle_cli.screening.retractions import retracted_report_rows, retracted_units
from cartsle_cli.screening.settings import ranking_model, reviewers_required
from cartsle_cli.store.searches import list_searches

if TYPE_CHECKING:
    from cartsle_cli.review.pooling import PoolResult

SCHEMA = "cartsle-report/2"


@dataclass(frozen=True)
class ReviewReport:
    document: dict  # the JSON report
    pool: PoolResult | None  # the pooled results as objects, for the forest plots
    rob_domains: bool = False  # forest plots: a risk-of-bias column per domain, not only overall


def build_report(conn: sqlite3.Connection, options: PoolOptions = PoolOptions()) -> ReviewReport:
    """Everything the report shows; ``pool`` is None (with ``pool_note``) before extraction."""
    searches = [asdict(search) for search in list_searches(conn)]
    removed = [asdict(s) for s in list_searches(conn, include_removed=True) if s.removed_at]
    prisma = prisma_counts(conn).to_dict()
    studies = [_with_citations(conn, study.to_dict()) for study in included_studies(conn)]
    flagged = retracted_units(conn)
    for study in studies:  # a retracted report is flagged where the reader sees it cited
        for report in study["reports"]:
            report["retracted"] = flagged.get(report["record_id"])
    agreements = [item.to_dict() for stage in ("ta", "ft") for item in agreement(conn, stage)]
    try:
        pooled, pool_note = _pooled(conn, options), None
    except CartsleError as error:
        pooled, pool_note = None, str(error)
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "cartsle_version": __version__,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "searches": searches,
        "removed_searches": removed,
        "prisma": prisma,
        "agreement": agreements,
        "reviewers_required": reviewers_required(conn),
        "ranking_model": ranking_model(conn),
        "included_studies": studies,
        "retracted": retracted_report_rows(conn),
        "pool": pooled.to_dict() if pooled else None,
        "pool_note": pool_note,
        "risk_of_bias": appraisal_document(conn),
        **_certainty(conn, pooled),
    }
    document["update"] = update_section(conn, document["pool"])
    if document["update"]:  # an updated review: also the template for updated reviews
        document["prisma_update"] = prisma_counts(conn, update=True).to_dict()
    document["methods"] = " ".join(
        part for part in (methods_paragraph(document), appraisal_methods(document)) if part
    )
    return ReviewReport(document, pooled)


def _pooled(conn: sqlite3.Connection, options: PoolOptions) -> PoolResult:
    """The pooled results. Pooling loads pandas and SciPy (about a second), so a review without a
    protocol fails here first, with the error :func:`pool_review` would give, before they load."""
    options.check()
    stored_protocol(conn)
    from cartsle_cli.review.pooling import pool_review

    return pool_review(conn, options)


def _certainty(conn: sqlite3.Connection, pooled: PoolResult | None) -> dict[str, list]:
    """GRADE per pooled outcome and the pooled results without the studies at high risk of bias."""
    if pooled is None:
        return {"certainty": [], "sensitivity_without_high_risk": []}
    from cartsle_cli.certainty.evidence import grade_outcomes, pooled_evidence
    from cartsle_cli.certainty.sensitivity import sensitivity

    return {
        "certainty": [c.to_dict() for c in grade_outcomes(conn, pooled_evidence(pooled))],
        "sensitivity_without_high_risk": [r.to_dict() for r in sensitivity(conn, pooled)],
    }


def _with_citations(conn: sqlite3.Connection, study: dict) -> dict:
    study["reports"] = [_citation(conn, record_id) for record_id in study.pop("report_ids")]
    return study


def _citation(conn: sqlite3.Connection, record_id: int) -> dict:
    """A report's citation in Vancouver style, from its cluster's merged fields when dedup made them."""
    row = conn.execute(
        "SELECT r.id, r.title, r.authors, r.year, r.journal, r.volume, r.issue, r.pages, r.doi, s.database"
        " FROM records r JOIN searches s ON s.id = r.search_id WHERE r.id = ?",
        (record_id,),
    ).fetchone()
    authors = json.loads(row["authors"] or "[]")
    names = ", ".join(authors[:6]) + (", et al" if len(authors) > 6 else "")
    parts = [names + "." if names else "", (row["title"] or "").rstrip(".") + "."]
    source = " ".join(str(v) for v in (row["journal"], row["year"]) if v)
    if row["volume"]:
        source += f";{row['volume']}" + (f"({row['issue']})" if row["issue"] else "")
    if row["pages"]:
        source += f":{row['pages']}"
    parts.append(source + "." if source else "")
    if row["doi"]:
        parts.append(f"doi:{row['doi']}")
    return {
        "record_id": record_id,
        "database": row["database"],
        "doi": row["doi"],
        "citation": " ".join(part for part in parts if part),
    }
