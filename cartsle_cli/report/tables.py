"""The report document as tidy tables: one row per observation, one column per variable.

Each table is a name (its CSV file name without .csv), a title, columns and rows. The CSV, Markdown
and HTML writers render these same tables, so every format shows the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cartsle_cli.report.certainty_section import certainty_tables
from cartsle_cli.report.rob_section import rob_tables


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


def report_tables(document: dict) -> list[Table]:
    tables = [
        _prisma(document["prisma"]),
        _searches(document["searches"]),
        _studies(document["included_studies"]),
        _reasons(document["prisma"]),
        _agreement(document["agreement"]),
    ]
    if document.get("update"):
        update = document["update"]
        tables.append(
            Table(
                "update_changes",
                f"What search update {update['round']} changed in the pooled results"
                f" (previous version of {update['previous_taken_at']})",
                ["result", "previous", "current", "change"],
                [[r["result"], r["previous"], r["current"], r["change"]] for r in update["pool_changes"]],
            )
        )
    if document.get("retracted"):
        tables.append(
            Table(
                "retracted",
                "Records flagged as retracted",
                ["record_id", "title", "why", "title_abstract", "full_text"],
                [[r["record_id"], r["title"], r["reason"], r["ta"], r["ft"]] for r in document["retracted"]],
            )
        )
    pool = document["pool"]
    if pool is not None:
        tables += [
            _overview(pool["overview"]),
            _reductions(pool["efficacy"]),
            _means(pool["efficacy"]),
            _last_followup(pool["efficacy"]),
            _subgroups(pool["efficacy"]),
            _safety(pool["safety"]),
            _grades(pool["safety"]),
            _meta(pool["safety"]),
            _meta_studies(pool["safety"]),
            _bcells(pool["safety"]),
        ]
    tables += [Table(*parts) for parts in rob_tables(document) + certainty_tables(document)]
    return tables


def _prisma(prisma: dict) -> Table:
    rows = []
    for column in ("databases", "other_methods"):
        counts = prisma[column]
        for source in counts["identified"]:
            rows.append([column, "identified", source["source"], source["records"]])
        for box in (
            "duplicates_removed",
            "screened",
            "screened_excluded",
            "awaiting_screening",
            "sought",
            "not_retrieved",
            "assessed",
            "awaiting_assessment",
            "reports_included",
            "studies_included",
        ):
            rows.append([column, box, "", counts[box]])
        for reason in counts["excluded_reasons"]:
            rows.append([column, "excluded_full_text", reason["reason"], reason["reports"]])
    rows += [
        ["review", "studies_included", "", prisma["studies_included"]],
        ["review", "reports_included", "", prisma["reports_included"]],
    ]
    return Table("prisma", "PRISMA 2020 flow", ["column", "box", "detail", "n"], rows)


def _searches(searches: list[dict]) -> Table:
    columns = [
        "id",
        "database",
        "other_methods",
        "format",
        "file_name",
        "record_count",
        "searched_on",
        "query",
        "imported_at",
    ]
    return Table("searches", "Searches", columns, [[s[c] for c in columns] for s in searches])


def _studies(studies: list[dict]) -> Table:
    rows = [
        [
            s["study_id"],
            s["first_author"],
            s["year"],
            s["source"],
            r["record_id"],
            r["database"],
            r["doi"],
            r["citation"],
        ]
        for s in studies
        for r in s["reports"]
    ]
    return Table(
        "included_studies",
        "Included studies and their reports",
        ["study_id", "first_author", "year", "source", "record_id", "database", "doi", "citation"],
        rows,
    )


def _reasons(prisma: dict) -> Table:
    rows = [
        [column, r["reason"], r["reports"]]
        for column in ("databases", "other_methods")
        for r in prisma[column]["excluded_reasons"]
    ]
    return Table("exclusion_reasons", "Full-text exclusion reasons", ["column", "reason", "reports"], rows)


def _agreement(agreements: list[dict]) -> Table:
    columns = [
        "stage",
        "reviewer_a",
        "reviewer_b",
        "n",
        "percent_agreement",
        "kappa",
        "ci_low",
        "ci_high",
        "method",
    ]
    return Table("agreement", "Screening agreement", columns, [[a[c] for c in columns] for a in agreements])


def _overview(overview: dict) -> Table:
    rows = [["studies", "", overview["studies"], None], ["participants", "", overview["participants"], None]]
    rows += [["target", s["label"], s["count"], s["total"]] for s in overview["targets"]]
    rows += [["origin", s["label"], s["count"], s["total"]] for s in overview["origins"]]
    return Table("overview", "Included studies", ["variable", "value", "count", "of"], rows)


def _reductions(efficacy: dict) -> Table:
    rows = [
        [
            r["month"],
            r["summary"]["n"],
            r["summary"]["median"],
            r["summary"]["q1"],
            r["summary"]["q3"],
            r["summary"]["quantile_method"],
        ]
        for r in efficacy["reductions"]
    ]
    return Table(
        "efficacy_sledai_reduction",
        "SLEDAI-2K reduction from baseline",
        ["month", "n", "median", "q1", "q3", "quantile_method"],
        rows,
    )


def _means(efficacy: dict) -> Table:
    rows = [
        [
            m["month"],
            m["summary"]["n"],
            m["summary"]["mean"],
            m["summary"]["sd"],
            m["summary"]["lower"],
            m["summary"]["upper"],
            m["summary"]["method"],
        ]
        for m in efficacy["means"]
    ]
    return Table(
        "efficacy_sledai_mean",
        "Mean SLEDAI-2K",
        ["month", "n", "mean", "sd", "ci_lower", "ci_upper", "method"],
        rows,
    )


def _last_followup(efficacy: dict) -> Table:
    rows = []
    for name, label in (("sledai_zero", "SLEDAI-2K = 0"), ("sledai_low", "SLEDAI-2K <= 4")):
        share = efficacy.get(name)
        if share:
            rows.append([label, *_crude_cells(share)])
    return Table("efficacy_last_followup", "At last follow-up", ["outcome", *_CRUDE_COLUMNS], rows)


def _subgroups(efficacy: dict) -> Table:
    rows = []
    for s in efficacy["subgroups"]:
        test = s.get("test") or {}
        rows.append(
            [
                s["by"],
                s["group1"],
                s["group2"],
                s["outcome"],
                s["group1_summary"]["n"],
                s["group1_summary"]["median"],
                s["group2_summary"]["n"],
                s["group2_summary"]["median"],
                test.get("w"),
                test.get("p_value"),
                test.get("rank_biserial"),
                test.get("method") or s.get("not_tested"),
            ]
        )
    return Table(
        "subgroups",
        "Subgroup comparisons",
        [
            "by",
            "group1",
            "group2",
            "outcome",
            "n1",
            "median1",
            "n2",
            "median2",
            "w",
            "p_value",
            "rank_biserial",
            "method",
        ],
        rows,
    )


_CRUDE_COLUMNS = ["events", "total", "proportion", "cp_lower", "cp_upper", "wilson_lower", "wilson_upper"]


def _crude_cells(crude: dict) -> list[Any]:
    return [
        crude["events"],
        crude["total"],
        crude["proportion"],
        crude["clopper_pearson"]["lower"],
        crude["clopper_pearson"]["upper"],
        crude["wilson"]["lower"],
        crude["wilson"]["upper"],
    ]


def _safety(safety: dict) -> Table:
    rows = [
        [o["name"], o["label"], o["studies"], *(_crude_cells(o["crude"]) if o["crude"] else [None] * 7)]
        for o in safety["outcomes"]
    ]
    return Table(
        "safety",
        "Safety and biomarkers (crude pooled proportions)",
        ["outcome", "label", "studies", *_CRUDE_COLUMNS],
        rows,
    )


def _grades(safety: dict) -> Table:
    rows = [
        [o["name"], g["grade"], g["patients"], g["share_of_events"]]
        for o in safety["outcomes"]
        for g in (o["grades"] or [])
    ]
    return Table(
        "safety_grades",
        "CRS and ICANS by ASTCT grade",
        ["outcome", "grade", "patients", "share_of_events"],
        rows,
    )


def method_line(meta: dict) -> str:
    """The meta-analysis method in one line (``to_dict`` of a nested result may lack ``method_line``)."""
    if "method_line" in meta:
        return meta["method_line"]
    method = meta["method"]
    parts = [
        method["estimator"],
        f"transformation: {method['transformation']}",
        f"back-transformation: {method['back_transformation']}",
        f"CI: {method['ci']}",
        f"prediction interval: {method['prediction_interval']}",
    ]
    return "; ".join(
        parts + ([method["continuity_correction"]] if method.get("continuity_correction") else [])
    )


def _meta(safety: dict) -> Table:
    rows = []
    for o in safety["outcomes"]:
        m = o.get("meta")
        if m:
            rows.append(
                [
                    o["name"],
                    m["k"],
                    m["events"],
                    m["total"],
                    m["estimate"],
                    m["lower"],
                    m["upper"],
                    m["pi_lower"],
                    m["pi_upper"],
                    m["tau2"],
                    m["i2"],
                    m["q"],
                    m["q_p"],
                    method_line(m),
                    " | ".join(m["warnings"]),
                ]
            )
        else:
            rows.append(
                [
                    o["name"],
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    o.get("meta_unavailable"),
                    "",
                ]
            )
    return Table(
        "meta_analyses",
        "Random-effects meta-analyses of proportions",
        [
            "outcome",
            "k",
            "events",
            "total",
            "estimate",
            "ci_lower",
            "ci_upper",
            "pi_lower",
            "pi_upper",
            "tau2",
            "i2",
            "q",
            "q_p",
            "method",
            "warnings",
        ],
        rows,
    )


def _meta_studies(safety: dict) -> Table:
    rows = [
        [o["name"], s["label"], s["events"], s["total"], s["proportion"], s["lower"], s["upper"], s["weight"]]
        for o in safety["outcomes"]
        if o.get("meta")
        for s in o["meta"]["studies"]
    ]
    return Table(
        "meta_analysis_studies",
        "Studies in each meta-analysis",
        ["outcome", "study", "events", "total", "proportion", "ci_lower", "ci_upper", "weight_percent"],
        rows,
    )


def _bcells(safety: dict) -> Table:
    rows = []
    for key in ("bcell_depletion", "bcell_reconstitution"):
        t = safety[key]
        rows.append([t["label"], t["unit"], t["studies"], t["median"], t["minimum"], t["maximum"], ""])
    rows += [
        ["B-cell phenotype", "", None, None, None, None, f"{p['study']}: {p['finding']}"]
        for p in safety["bcell_phenotype"]
    ]
    return Table(
        "bcells",
        "B-cell depletion, reconstitution and phenotype",
        ["measure", "unit", "studies", "median", "minimum", "maximum", "finding"],
        rows,
    )
