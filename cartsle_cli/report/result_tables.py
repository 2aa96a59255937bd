"""The results of the protocol's analyses as a person reads them: one section per outcome.

Every cell is text a reader can quote ("56/98 (57%)", "3.1% (95% CI 1.0-9.1%)"), labelled with the
protocol's words, never a raw field name or True/False; the JSON report keeps the raw numbers. The
characteristics of included studies come first, one row per study with every declared
characteristic.
"""

from __future__ import annotations

from typing import Any

from cartsle_cli.extraction.numbers import count_of, interval, number, percent_range, round_half_up, span
from cartsle_cli.report.tables import Table, method_line


def result_tables(pool: dict) -> list[Table]:
    overview = pool["overview"]
    tables = [_characteristics_of_studies(overview), _overview(pool)]
    for analysis in pool["analyses"]:
        section = analysis["label"]
        if analysis["scores"]:
            tables += _score_tables(analysis, section)
        elif analysis["proportion"]:
            tables += _proportion_tables(analysis, section)
        else:
            tables += _effect_tables(analysis, section)
    tables += _summaries(overview)
    return [table for table in tables if table.rows]


def _cell(value: Any, unit: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = number(value, 2)
    else:
        text = str(value)
    return f"{text} {unit}".strip() if unit and text else text


def _characteristics_of_studies(overview: dict) -> Table:
    declared = overview["declared"]
    rows = [
        [row["label"], *(_cell(row[c["name"]], c["unit"]) for c in declared)]
        for row in overview["study_rows"]
    ]
    return Table(
        "characteristics_of_included_studies",
        "Characteristics of included studies",
        ["Study", *(c["label"] for c in declared)],
        rows,
    )


def _overview(pool: dict) -> Table:
    overview = pool["overview"]
    rows = [["Included studies", str(overview["studies"])]]
    if overview["participants"] is not None:
        rows.append(["Participants", str(overview["participants"])])
    rows += [[f"Source: {s['label']}", f"{s['text']} studies"] for s in overview["sources"]]
    for c in overview["characteristics"]:
        rows += [[f"{c['label']}: {s['label']}", f"{s['text']} studies"] for s in c["shares"] or []]
    return Table("overview", "Included studies", ["", "Studies"], rows)


def _crude(crude: dict) -> list[str]:
    return [
        count_of(crude["events"], crude["total"]),
        percent_range(crude["clopper_pearson"]["lower"], crude["clopper_pearson"]["upper"]),
        percent_range(crude["wilson"]["lower"], crude["wilson"]["upper"]),
    ]


def _score_tables(analysis: dict, section: str) -> list[Table]:
    s, label, key = analysis["scores"], analysis["label"], analysis["id"]
    time = (analysis["time_unit"] or "time").capitalize()
    tables = [
        Table(
            f"{key}_change",
            f"{label}: {s['direction']} from baseline (median and IQR)",
            [time, "Patients", "Median (IQR)"],
            [[number(c["time"]), str(c["summary"]["n"]), _median(c["summary"])] for c in s["changes"]],
            section,
        ),
        Table(
            f"{key}_mean",
            f"{label}: mean (Student t 95% CI)",
            [time, "Patients", "Mean (95% CI)", "SD"],
            [
                [
                    number(m["time"]),
                    str(m["summary"]["n"]),
                    f"{round_half_up(m['summary']['mean'])} ({interval(m['summary']['lower'], m['summary']['upper'])})",
                    round_half_up(m["summary"]["sd"]),
                ]  # fmt: skip
                for m in s["means"]
                if m["summary"]["n"]
            ],
            section,
        ),
        Table(
            f"{key}_last_followup",
            f"{label} at last follow-up ({s['last_followup_patients']} patients)",
            [label, "Patients", "Clopper-Pearson 95% CI", "Wilson 95% CI"],
            [[f"<= {number(a['threshold'])}", *_crude(a["share"])] for a in s["at_or_below"]],
            section,
        ),
    ]
    rows = []
    for c in s["comparisons"]:
        test = c["test"]
        result = (
            f"W = {number(test['w'])}, p = {_p(test['p_value'])}"
            if test
            else f"not tested: {c['not_tested']}"
        )
        rows.append(
            [
                c["by"],
                f"{c['group1']}: {_median_n(c['group1_summary'])}",
                f"{c['group2']}: {_median_n(c['group2_summary'])}",
                result,
            ]
        )
    tables.append(
        Table(
            f"{key}_subgroups",
            f"{label}: change at last follow-up by subgroup (descriptive: {s['comparisons'][0]['label'] if rows else ''})",
            ["By", "Group 1", "Group 2", "Mann-Whitney U"],
            rows,
            section,
        )
    )
    return tables


def _median(summary: dict) -> str:
    if not summary["n"]:
        return ""
    return f"{number(summary['median'])} ({span(number(summary['q1']), number(summary['q3']))})"


def _median_n(summary: dict) -> str:
    return f"n = {summary['n']}, median {_median(summary)}" if summary["n"] else "n = 0"


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else round_half_up(p, 3)


def _proportion_tables(analysis: dict, section: str) -> list[Table]:
    p, key, label = analysis["proportion"], analysis["id"], analysis["label"]
    tables = [
        Table(
            f"{key}_crude",
            f"{label}: crude proportion",
            ["Studies", "Patients with the event", "Clopper-Pearson 95% CI", "Wilson 95% CI"],
            [[str(p["studies"]), *_crude(p["crude"])]],
            section,
        )
    ]
    if p["grades"]:
        with_event = sum(g["patients"] for g in p["grades"])
        tables.append(
            Table(
                f"{key}_grades",
                f"{label}: patients by grade (of those with the event, in studies reporting grades)",
                ["Grade", "Patients"],
                [
                    [str(g["grade"]), count_of(g["patients"], with_event) if with_event else "0"]
                    for g in p["grades"]
                ],
                section,
            )
        )
    meta = p["meta"]
    if meta:
        tables.append(
            Table(
                f"{key}_meta",
                f"{label}: meta-analysis",
                [
                    "Studies",
                    "Pooled (95% CI)",
                    "95% prediction interval",
                    "tau^2",
                    "I^2",
                    "Heterogeneity",
                    "Method",
                ],
                [
                    [
                        str(meta["k"]),
                        f"{round_half_up(100 * meta['estimate'])}% ({percent_range(meta['lower'], meta['upper'])})",
                        percent_range(meta["pi_lower"], meta["pi_upper"]),
                        f"{meta['tau2']:.4g}",
                        "" if meta["i2"] is None else f"{round_half_up(meta['i2'])}%",
                        _q(meta),
                        method_line(meta),
                    ]
                ],  # fmt: skip
                section,
            )
        )
        tables.append(
            Table(
                f"{key}_studies",
                f"{label}: studies in the meta-analysis",
                ["Study", "Events/total", "Proportion (95% CI)", "Weight"],
                [
                    [
                        s["label"],
                        f"{s['events']}/{s['total']}",
                        f"{round_half_up(100 * s['proportion'])}% ({percent_range(s['lower'], s['upper'])})",
                        "" if s["weight"] is None else f"{round_half_up(s['weight'])}%",
                    ]  # fmt: skip
                    for s in meta["studies"]
                ],
                section,
            )
        )
    else:
        tables.append(
            Table(f"{key}_meta", f"{label}: not pooled", ["Reason"], [[p["meta_unavailable"] or ""]], section)
        )
    return tables + _extras_tables(analysis["extras"], analysis, section)


def _q(result: dict) -> str:
    if result.get("q") is None:
        return ""
    p = f", p {_p(result['q_p'])}" if result.get("q_p") is not None else ""
    return f"Q = {number(result['q'], 2)} (df {result['q_df']}{p})"


def _effect_tables(analysis: dict, section: str) -> list[Table]:
    effect, key, label = analysis["effect"], analysis["id"], analysis["label"]
    if not effect:
        return [
            Table(
                f"{key}_meta", f"{label}: not pooled", ["Reason"], [[n] for n in analysis["notes"]], section
            )
        ]
    pi = interval(effect["pi_lower"], effect["pi_upper"], 2) if effect["pi_lower"] is not None else ""
    return [
        Table(
            f"{key}_meta",
            f"{label}: {analysis['measure']} ({effect['method_line']})",
            [
                "Studies",
                f"{analysis['measure']} (95% CI)",
                "95% prediction interval",
                "tau^2",
                "I^2",
                "Heterogeneity",
            ],
            [
                [
                    str(effect["k"]),
                    f"{round_half_up(effect['estimate'], 2)} ({interval(effect['lower'], effect['upper'], 2)})",
                    pi,
                    f"{effect['tau2']:.4g}",
                    f"{round_half_up(effect['i2'])}%",
                    _q(effect),
                ]
            ],  # fmt: skip
            section,
        ),
        Table(
            f"{key}_studies",
            f"{label}: studies",
            ["Study", f"{analysis['measure']} (95% CI)", "Weight"],
            [
                [
                    s["label"],
                    f"{round_half_up(s['estimate'], 2)} ({interval(s['lower'], s['upper'], 2)})",
                    "" if s["weight"] is None else f"{round_half_up(s['weight'])}%",
                ]  # fmt: skip
                for s in effect["studies"]
            ],
            section,
        ),
        *_extras_tables(analysis["effect"], analysis, section),
    ]


def _extras_tables(effect: dict | None, analysis: dict, section: str) -> list[Table]:
    """The declared subgroup analyses, meta-regression and leave-one-out of an analysis."""
    if not effect:
        return []
    key, label, measure = analysis["id"], analysis["label"], analysis["measure"]
    tables = []
    for grouped in effect["subgroups"]:
        rows = [
            [
                s["level"],
                str(s["k"]),
                f"{round_half_up(s['estimate'], 2)} ({interval(s['lower'], s['upper'], 2)})",
                f"{s['tau2']:.4g}",
                f"{round_half_up(s['i2'])}%",
            ]  # fmt: skip
            for s in grouped["subgroups"]
        ]
        test = f"Q = {number(grouped['q_between'], 2)}, df {grouped['q_between_df']}, p = {_p(grouped['q_between_p'])}"
        tables.append(
            Table(
                f"{key}_by_{grouped['variable']}",
                f"{label} by {grouped['variable']} ({test}; {grouped['test']})",
                ["Subgroup", "Studies", f"{measure} (95% CI)", "tau^2", "I^2"],
                rows,
                section,
            )
        )
    model = effect["meta_regression"]
    if model:
        tables.append(
            Table(
                f"{key}_meta_regression",
                f"{label}: meta-regression ({model['method_line']}; residual tau^2 {model['tau2']:.4g},"
                f" R^2 {'' if model['r2'] is None else round_half_up(model['r2']) + '%'})",
                ["Coefficient", "Estimate (95% CI)", "p"],
                [
                    [
                        c["name"],
                        f"{number(c['estimate'], 4)} ({span(number(c['lower'], 4), number(c['upper'], 4))})",
                        _p(c["p"]),
                    ]
                    for c in model["coefficients"]
                ],
                section,
            )
        )
    egger = effect.get("egger")
    if egger:
        tables.append(
            Table(
                f"{key}_egger",
                f"{label}: Egger's test for small-study effects ({egger['method_line']})",
                ["Studies", "Bias (SE)", "t (df)", "p", "Note"],
                [
                    [
                        str(egger["k"]),
                        f"{number(egger['slope'], 3)} ({number(egger['slope_se'], 3)})",
                        f"{number(egger['statistic'], 3)} ({egger['df']})",
                        _p(egger["p"]),
                        egger["warning"] or "",
                    ]
                ],  # fmt: skip
                section,
            )
        )
    left = effect["leave_one_out"]
    if left:
        tables.append(
            Table(
                f"{key}_leave_one_out",
                f"{label}: leave-one-out ({left['method_line']})",
                ["Omitted", f"{measure} (95% CI)", "tau^2", "I^2"],
                [
                    [
                        o["study"],
                        f"{round_half_up(o['estimate'], 2)} ({interval(o['lower'], o['upper'], 2)})",
                        f"{o['tau2']:.4g}",
                        f"{round_half_up(o['i2'])}%",
                    ]  # fmt: skip
                    for o in left["omitted"]
                ],
                section,
            )
        )
    return tables


def _summaries(overview: dict) -> list[Table]:
    numbers = [c for c in overview["characteristics"] if c["numbers"]]
    tables = [
        Table(
            "study_characteristics_summary",
            "Study characteristics over the studies that report them",
            ["Characteristic", "Studies", "Median (range)"],
            [
                [
                    c["label"],
                    str(c["numbers"]["studies"]),
                    f"{number(c['numbers']['median'])} {c['unit']} ({span(number(c['numbers']['minimum']), number(c['numbers']['maximum']))})".replace(
                        " (", " (", 1
                    )
                    if c["numbers"]["studies"]
                    else "",
                ]  # fmt: skip
                for c in numbers
            ],
        )
    ]
    for c in overview["characteristics"]:
        if c["findings"] is not None:
            tables.append(
                Table(
                    f"{c['name']}_findings",
                    f"{c['label']} (studies reporting it: {len(c['findings'])})",
                    ["Study", "Finding"],
                    [[f["study"], f["finding"]] for f in c["findings"]],
                )
            )
    return tables
