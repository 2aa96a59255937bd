"""A methods paragraph written from what was actually run, ready to edit into a paper."""

from __future__ import annotations

from collections import defaultdict

from cartsle_cli.report.tables import method_line

STAGE_NAMES = {"ta": "title and abstract", "ft": "full text"}


def methods_paragraph(document: dict) -> str:
    sentences = [
        _question(document["pool"]),
        _searches(document["searches"]),
        _removals(document),
        _deduplication(document["prisma"]),
        _screening(document["agreement"], document.get("reviewers_required")),
        _prioritised(document.get("ranking_model")),
        _extraction(document["pool"]),
        *_statistics(document["pool"]),
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


def _question(pool: dict | None) -> str:
    if pool is None:
        return ""
    q = pool["question"]
    parts = [
        f"{name} {q[key]}"
        for name, key in (
            ("population:", "population"),
            ("intervention:", "intervention"),
            ("comparator:", "comparator"),
            ("outcomes:", "outcomes"),
            ("study designs:", "study_design"),
        )
        if q.get(key)
    ]
    return f"Review question (PICOS) - {'; '.join(parts)}." if parts else ""


def _screening(agreements: list[dict], required: int | None = None) -> str:
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
    reviewers = sorted({name for item in agreements for name in (item["reviewer_a"], item["reviewer_b"])})
    needed = f" ({required} required per record)" if required else ""
    return (
        f"{_count_word(len(reviewers))} reviewers screened independently{needed} and resolved disagreements; "
        + "; ".join(parts)
        + ". "
        "Agreement is Cohen's kappa with a Wald 95% CI (SE after Cohen 1960), counting maybe as include at title and abstract."
    )


def _prioritised(model: str | None) -> str:
    """The ranking model, named only when some title/abstract decision was taken in its order."""
    if not model:
        return ""
    return (
        "Title and abstract screening was prioritised: each reviewer saw the records most likely "
        f"relevant first, ranked by the model {model}, retrained on that reviewer's own decisions."
    )


def _count_word(n: int) -> str:
    return {1: "One", 2: "Two", 3: "Three", 4: "Four"}.get(n, str(n))


def _extraction(pool: dict | None) -> str:
    if pool is None:
        return ""
    extractors = [name for name in pool["overview"]["extractors"] if name]
    if len(extractors) > 1:
        return (
            f"{_count_word(len(extractors))} extractors ({_join(extractors)}) extracted the data independently;"
            " cells where they differed were resolved and the agreed values pooled."
        )
    return ""


def _statistics(pool: dict | None) -> list[str]:
    """One sentence per kind of analysis that ran, naming its outcomes, measure and methods."""
    if pool is None:
        return []
    sentences = []
    analyses = pool["analyses"]
    for a in (a for a in analyses if a["scores"]):
        s = a["scores"]
        times = ", ".join(_num(c["time"]) for c in s["changes"])
        text = (
            f"{a['label']} {s['direction']} from baseline is given as median with interquartile range"
            f" (quantiles: {s['quantile_method']}) at {a['time_unit'] or 'time'} {times}"
        )
        if s["means"]:
            text += f"; the mean {a['label']} with a Student t 95% CI at {', '.join(_num(m['time']) for m in s['means'])}"
        if s["at_or_below"]:
            limits = " and ".join(_num(x["threshold"]) for x in s["at_or_below"])
            text += f"; shares of patients at or below {limits} at last follow-up with Clopper-Pearson and Wilson 95% CIs"
        sentences.append(text + ".")
        if s["comparisons"]:
            names = _join([c["by"] for c in s["comparisons"]])
            sentences.append(
                f"Subgroups ({names}) were compared descriptively on the change at last follow-up by the two-sided"
                " Mann-Whitney U test; as patients of different studies are not independent, these p-values are"
                " not study-level tests."
            )
    pooled: dict[str, list[str]] = defaultdict(list)
    for a in analyses:
        meta = (a["proportion"] or {}).get("meta")
        if meta:
            pooled[method_line(meta)].append(a["label"])
    for line, labels in sorted(pooled.items()):
        sentences.append(f"Single-arm proportions ({_join(labels)}) were pooled by meta-analysis: {line}.")
    for a in analyses:
        effect = a["effect"] or a["extras"]
        if not effect:
            continue
        if a["effect"]:
            sentences.append(f"{a['label']} was pooled as {a['measure']}: {effect['method_line']}.")
        extras = [f"subgroups by {s['variable']} ({s['test']})" for s in effect["subgroups"]]
        if effect["meta_regression"]:
            names = _join([c["name"] for c in effect["meta_regression"]["coefficients"][1:]])
            extras.append(f"a meta-regression on {names} ({effect['meta_regression']['method_line']})")
        if effect["leave_one_out"]:
            extras.append("leave-one-out sensitivity analysis")
        if effect.get("egger"):
            extras.append(f"Egger's regression test with a funnel plot ({effect['egger']['method_line']})")
        if extras:
            sentences.append(f"For {a['label']}: {_join(extras)}.")
    return sentences


def _num(value: float) -> str:
    return f"{value:g}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
