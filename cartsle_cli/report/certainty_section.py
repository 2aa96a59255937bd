"""The report's certainty section: the summary-of-findings table, its footnotes and each domain's
decision, from the document's ``certainty`` part (``certainty.evidence.OutcomeCertainty.to_dict``)."""

from __future__ import annotations


def sensitivity_table(document: dict) -> list[tuple[str, str, list[str], list[list]]]:
    results = document.get("sensitivity_without_high_risk") or []
    if not results:
        return []
    columns = [
        "outcome",
        "analysis",
        "k",
        "participants",
        "estimate",
        "lower",
        "upper",
        "i2",
        "left_out",
        "note",
    ]
    rows = []
    for r in results:
        for name, figures in (("main", r["main"]), ("without high risk of bias", r["without"])):
            cells = (
                [figures[c] for c in ("k", "participants", "estimate", "lower", "upper", "i2")]
                if figures
                else [None] * 6
            )
            rows.append([r["label"], name, *cells, "; ".join(r["left_out"]), r["note"] or ""])
    return [
        ("sensitivity_without_high_risk", "Sensitivity: without studies at high risk of bias", columns, rows)
    ]


def certainty_tables(document: dict) -> list[tuple[str, str, list[str], list[list]]]:
    graded = document.get("certainty") or []
    if not graded:
        return sensitivity_table(document)
    # the findings' effect wording comes with SciPy (certainty.comparative): only for graded outcomes
    from cartsle_cli.certainty.findings import SOF_COLUMNS, summary_of_findings

    rows, notes = summary_of_findings(graded)
    domains = [
        [
            item["evidence"]["outcome"],
            d["label"],
            d["levels"],
            d["status"],
            d["reason"],
            d["suggested_levels"],
            d["decided_by"],
        ]
        for item in graded
        for d in item["domains"]
    ]
    return [
        ("summary_of_findings", "Summary of findings (GRADE)", SOF_COLUMNS, rows),
        (
            "summary_of_findings_footnotes",
            "Summary of findings: footnotes",
            ["footnote"],
            [[n] for n in notes],
        ),
        (
            "grade_domains",
            "GRADE domains per outcome",
            ["outcome", "domain", "levels_down", "status", "reason", "suggested_levels", "decided_by"],
            domains,
        ),
        *sensitivity_table(document),
    ]
