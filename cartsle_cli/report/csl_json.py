"""References as CSL-JSON, the input format of citeproc (Zotero, Mendeley, Pandoc, Quarto).

Field names are the CSL 1.0.2 input schema's (citation-style-language/schema,
``schemas/input/csl-data.json``): ``type``, ``id``, ``author`` ({family, given}), ``issued``
(``date-parts``), ``title``, ``container-title``, ``volume``, ``issue``, ``page``, ``DOI``,
``PMID``, ``abstract``, ``language``, ``keyword``, ``source``, ``URL``, ``note``; what has no CSL
field (the cartsle record id, the screening outcome, a retraction flag) goes in ``custom``.
"""

from __future__ import annotations

from cartsle_cli.dedup.kinds import Kind, kind_of
from cartsle_cli.report.references import ReferenceRecord, describe_outcome
from cartsle_cli.safe_output import for_terminal
from cartsle_cli.screening.fulltext import URL

_TYPES = {Kind.CONFERENCE: "paper-conference", Kind.PREPRINT: "article"}


def csl_name(name: str) -> dict:
    """ "Family, Given" -> {"family", "given"}; a name without a comma (a group) is a literal."""
    family, comma, given = name.partition(",")
    if not comma:
        return {"literal": name.strip()}
    return {"family": family.strip(), "given": given.strip()} if given.strip() else {"family": family.strip()}


def csl_item(reference: ReferenceRecord) -> dict:
    record = reference.record
    kind = kind_of(record.title, record.publication_type, record.journal, record.doi)
    first, last = reference.pages
    item: dict = {
        "type": _TYPES.get(kind, "article-journal"),
        "id": f"cartsle-{record.cluster_id}",
        "author": [csl_name(name) for name in record.authors],
        "title": record.title,
        "container-title": record.journal,
        "volume": record.volume,
        "issue": record.issue,
        "page": f"{first}-{last}" if first and last else first,
        "DOI": record.doi,
        "PMID": record.pmid,
        "abstract": record.abstract,
        "language": record.language,
        "keyword": ", ".join(reference.keywords) or None,
        "source": "; ".join(reference.databases) or None,
        "URL": reference.fulltext.location
        if reference.fulltext and reference.fulltext.status == URL
        else None,
        "note": "\n".join(reference.notes()) or None,
    }
    if record.year:
        item["issued"] = {"date-parts": [[record.year]]}
    custom = {
        "cartsle_record_id": record.cluster_id,
        **{f"cartsle_{stage}": describe_outcome(outcome) for stage, outcome in reference.outcomes.items()},
    }
    if reference.retracted:
        custom["retracted"] = reference.retracted
    item["custom"] = custom
    return {key: _clean(value) for key, value in item.items() if value not in (None, "", [])}


def _clean(value):
    # Control characters and escape sequences have no place in a citation (the terminal's rule).
    if isinstance(value, str):
        return for_terminal(value)
    if isinstance(value, list):
        return [_clean(part) for part in value]
    if isinstance(value, dict):
        return {key: _clean(part) for key, part in value.items()}
    return value


def csl_items(references: list[ReferenceRecord]) -> list[dict]:
    return [csl_item(reference) for reference in references]
