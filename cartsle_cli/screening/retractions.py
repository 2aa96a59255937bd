"""Retracted records: flagged in screening and in the report, never silently dropped.

A unique record is flagged when any record of its duplicate cluster
- has a title that marks it retracted ("Retracted: ...", "RETRACTED ARTICLE: ...", "[Retracted]
  ..."), or a publication type that does (PubMed's "Retracted Publication"); or
- is named by a retraction notice in the review (a record of kind "retraction notice", as
  ``dedup.kinds`` tells them: publication type "Retraction of Publication", or a title starting
  "Retraction:", "Notice of retraction" ...): by a DOI or PMID the notice carries that is not its
  own (MEDLINE's ``ROF - Retraction of: ... PMID: 123``, a DOI in the notice's text), or else by the
  title the notice repeats after "Retraction:" (compared on letters and digits, as decision files
  are matched).

Only records that mention retraction are read closely, so the check costs one filtered scan.
"""

from __future__ import annotations

import json
import re
import sqlite3

from cartsle_cli.dedup.kinds import Kind, kind_of
from cartsle_cli.formats.normalise import clean_doi, clean_pmid
from cartsle_cli.screening.bulk import title_key

_RETRACTED_TITLE = re.compile(r"^\W*(retracted( article| publication)?|withdrawn article)\b\W", re.IGNORECASE)
_NOTICE_PREFIX = re.compile(
    r"^\W*(notice of retraction|retraction notice( to)?|retraction( of)?|expression of concern)\b\s*[:.\-]?\s*",
    re.IGNORECASE,
)
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)


_CACHE: dict[tuple[int, str], tuple[tuple[int, int], dict[int, str]]] = {}


def retracted_units(conn: sqlite3.Connection) -> dict[int, str]:
    """Kept record id -> why it is flagged ("title marks it retracted", "named by retraction
    notice 123" ...), for every flagged unique record.

    The screen asks for it with every batch of records it loads; the scan is kept until the
    review changes (SQLite's ``data_version`` for other connections' commits, ``total_changes``
    for this one's).
    """
    # A closed connection's id can be reused by the next one: the file is part of the key.
    key = (id(conn), conn.execute("PRAGMA database_list").fetchone()[2])
    version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    cached = _CACHE.get(key)
    if cached and cached[0] == version:
        return dict(cached[1])
    flagged = _scan(conn)
    _CACHE.clear()  # one connection's scan is enough to keep
    _CACHE[key] = (version, flagged)
    return dict(flagged)


def _scan(conn: sqlite3.Connection) -> dict[int, str]:
    rows = conn.execute(
        "SELECT r.id, COALESCE(c.cluster_id, r.id) AS unit, r.title, r.publication_type, r.doi, r.pmid, r.fields,"
        " r.abstract FROM active_records r LEFT JOIN record_clusters c ON c.record_id = r.id"
        " WHERE r.title LIKE '%retract%' OR r.publication_type LIKE '%retract%' OR r.fields LIKE '%retract%'"
        " OR r.title LIKE '%withdrawn%' OR r.title LIKE '%expression of concern%'"
    ).fetchall()
    flagged: dict[int, str] = {}
    notices = []
    for row in rows:
        types = (row["publication_type"] or "").lower()
        if "retracted publication" in types:
            flagged.setdefault(row["unit"], "publication type: retracted publication")
        elif _RETRACTED_TITLE.search(row["title"] or ""):
            flagged.setdefault(row["unit"], "title marks it retracted")
        elif kind_of(row["title"], row["publication_type"], None, row["doi"]) is Kind.RETRACTION:
            notices.append(row)
    if notices:
        _named_by_notices(conn, notices, flagged)
    return flagged


def _named_by_notices(conn: sqlite3.Connection, notices: list[sqlite3.Row], flagged: dict[int, str]) -> None:
    by_doi: dict[str, int] = {}
    by_pmid: dict[str, int] = {}
    by_title: dict[str, int] = {}
    for unit, doi, pmid, title in conn.execute(
        "SELECT COALESCE(c.cluster_id, r.id), r.doi, r.pmid, r.title FROM active_records r"
        " LEFT JOIN record_clusters c ON c.record_id = r.id"
    ):
        if doi:
            by_doi.setdefault(doi, unit)
        if pmid:
            by_pmid.setdefault(pmid, unit)
        if title:
            by_title.setdefault(title_key(title), unit)
    for notice in notices:
        text = " ".join(
            value
            for values in json.loads(notice["fields"] or "{}").values()
            for value in (values if isinstance(values, list) else [values])
            if isinstance(value, str)
        )
        text += f" {notice['abstract'] or ''}"
        named = {
            by_doi.get(clean_doi(doi) or "") for doi in _DOI.findall(text) if clean_doi(doi) != notice["doi"]
        }
        named |= {
            by_pmid.get(clean_pmid(pmid) or "") for pmid in _PMID.findall(text) if pmid != notice["pmid"]
        }
        retracted_title = _NOTICE_PREFIX.sub("", notice["title"] or "").strip(" \"'")
        if retracted_title and retracted_title != notice["title"]:
            named.add(by_title.get(title_key(retracted_title)))
        notice_unit = notice["unit"]
        for unit in named - {None, notice_unit}:
            assert unit is not None  # None is taken out just above
            flagged.setdefault(unit, f"named by retraction notice {notice_unit}")


def retracted_report_rows(conn: sqlite3.Connection) -> list[dict]:
    """The flagged records with where they stand, for the report: an included retracted report
    is the one a reader must not miss."""
    from cartsle_cli.screening.outcomes import FINAL, stage_outcomes

    flagged = retracted_units(conn)
    if not flagged:
        return []
    outcomes = {stage: stage_outcomes(conn, stage) for stage in ("ta", "ft")}
    titles = dict(conn.execute("SELECT id, title FROM unique_records").fetchall())

    def where(stage: str, unit: int) -> str:
        outcome = outcomes[stage].get(unit)
        if outcome is None:
            return ""
        if outcome.status != FINAL:
            return outcome.status
        assert outcome.decision is not None  # a final outcome carries its decision
        return outcome.decision

    return [
        {
            "record_id": unit,
            "title": titles.get(unit),
            "reason": reason,
            "ta": where("ta", unit),
            "ft": where("ft", unit),
        }
        for unit, reason in sorted(flagged.items())
    ]
