"""A methods paragraph written from what was actually run, ready to edit into a paper."""

from __future__ import annotations

from collections import defaultdict

from cartsle_cli.report.tables import method_line

STAGE_NAMES = {"ta": "title and abstract", "ft": "full text"}


def methods_paragraph(document: dict) -> str:
    sentences = [
        _searches(document["searches"]),
        _removals(document),
        _deduplication(document["prisma"]),
        _screening(document["agreement"]),
        _statistics(document["pool"]),
    ]
    return " ".join(sentence for sentence in sentences if sentence)


def _searches(searches: list[dict]) -> str:
    if not searches:
        return ""
    by_column: dict[bool, list[str]] = defaultdict(list)
    for search in searches:
        when = f" (searched {search['searched_on']})" if search.get("searched_on") else ""
        by_column[search["other_methods"]].append(f"{search['database']}{when}")
    text = ""
    if by_column[False]:
        text = f"We searched {_join(by_column[False])}."
    if by_column[True]:
        text += f" We also searched {_join(by_column[True])} (other methods)."
    return text.strip()


def _removals(document: dict) -> str:
    """Searches taken out after import, and extraction rows of studies that left with them."""
    removed = document.get("removed_searches") or []
    left_out = ((document.get("pool") or {}).get("overview") or {}).get("left_out") or []
    text = ""
    if removed:
        names = _join(
            [f"{s['database']} ({s['file_name']}, removed {s['removed_at'][:10]})" for s in removed]
        )
        text = (
            f"Removed after import and not counted: {names}; screening decisions on duplicate clusters "
            "they shared with other searches were kept."
        )
    if left_out:
        text += (
            f" Extraction rows of {len(left_out)} studies no longer included ({', '.join(left_out)}) were "
            "left out of the pooled results."
        )
    return text.strip()


def _deduplication(prisma: dict) -> str:
    removed = prisma["databases"]["duplicates_removed"] + prisma["other_methods"]["duplicates_removed"]
    identified = prisma["databases"]["identified_total"] + prisma["other_methods"]["identified_total"]
    return (
        f"Of {identified} records identified, {removed} duplicates were removed with cartsle's staged "
        "deduplication (shared identifiers, a normalised title key, then fuzzy comparison within blocks; "
        "uncertain pairs decided by a reviewer)."
    )


def _screening(agreements: list[dict]) -> str:
    if not agreements:
        return ""
    parts = []
    for item in agreements:
        kappa = item.get("kappa")
        figure = (
            f"kappa {kappa:.2f} (95% CI {item['ci_low']:.2f} to {item['ci_high']:.2f})"
            if kappa is not None
            else "kappa not defined"
        )
        parts.append(
            f"at {STAGE_NAMES.get(item['stage'], item['stage'])} {item['reviewer_a']} and {item['reviewer_b']} "
            f"agreed on {item['percent_agreement']:.1f}% of {item['n']} records, {figure}"
        )
    return (
        "Two reviewers screened independently and resolved disagreements; " + "; ".join(parts) + ". "
        "Agreement is Cohen's kappa with a Wald 95% CI (SE after Cohen 1960), counting maybe as include at title and abstract."
    )


def _statistics(pool: dict | None) -> str:
    if pool is None:
        return ""
    efficacy, safety = pool["efficacy"], pool["safety"]
    text = (
        f"SLEDAI-2K reductions from baseline are medians with interquartile ranges (quantiles: "
        f"{efficacy['quantile_method']}); mean SLEDAI-2K is given with a Student t 95% CI; shares of patients with "
        "SLEDAI-2K 0 and 4 or less at last follow-up with Clopper-Pearson and Wilson 95% CIs; subgroups were compared "
        "with the two-sided Mann-Whitney U test (exact without ties, normal approximation with continuity correction "
        "with ties)."
    )
    methods = {method_line(o["meta"]) for o in safety["outcomes"] if o.get("meta")}
    if methods:
        text += (
            " Safety proportions were pooled across studies by random-effects meta-analysis: "
            + "; ".join(sorted(methods))
            + "."
        )
    return text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
