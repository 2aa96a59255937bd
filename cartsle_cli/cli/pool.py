"""`cartsle pool`: every analysis the protocol declares, as tables; `pool meta` for numbers at hand."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli import pool_meta
from cartsle_cli.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    group,
    pass_down,
    print_json,
    print_table,
    review,
    stderr,
    stdout,
)
from cartsle_cli.extraction.numbers import count_of, interval, number, percent_range, round_half_up, span
from cartsle_cli.review.pooling import AnalysisResult, Overview, PoolOptions, PoolResult, pool_review
from cartsle_cli.stats.descriptive import MedianIQR
from cartsle_cli.stats.proportion_outcomes import GradeShare, ProportionSummary
from cartsle_cli.stats.proportions import CrudeProportion
from cartsle_cli.stats.scores import GroupComparison, ScoreSummary

app = group(
    "Pool the current extraction: every analysis the review's protocol declares, as tables (plain"
    " `cartsle pool`); `cartsle pool meta` takes numbers directly."
)
app.command("meta")(pool_meta.meta_command)


@app.callback(invoke_without_command=True)
def pool_command(
    ctx: typer.Context,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="Single-arm proportions: glmm, dl or reml instead of the protocol's estimator.",
        ),
    ] = None,
    scale: Annotated[
        str | None,
        typer.Option(
            "--scale",
            help="Single-arm proportions: logit, ft (Freeman-Tukey) or raw instead of the protocol's.",
        ),
    ] = None,
    quantile_method: Annotated[
        str,
        typer.Option(
            "--quantile-method", help="numpy quantile method of medians and IQRs; linear is R's type 7."
        ),
    ] = "linear",
    plots: Annotated[
        Path | None,
        typer.Option(
            "--plots", help="Write a forest plot (PNG and SVG) per pooled outcome into this folder."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    json_output: JsonOption = False,
) -> None:
    """Every analysis of the protocol on the agreed extraction, as tables. Example: cartsle pool --method reml --scale ft"""
    if ctx.invoked_subcommand is not None:
        pass_down(ctx, ("db", "json_output"))
        return
    from cartsle_cli.appraisal.summary import appraisal_document
    from cartsle_cli.certainty.sensitivity import sensitivity
    from cartsle_cli.cli.pool_sensitivity import print_sensitivity

    with review(db) as conn:
        result = pool_review(conn, PoolOptions(method, scale, quantile_method))
        without_high_risk = sensitivity(conn, result)
        appraisals = appraisal_document(conn) if plots is not None else None
    if plots is not None:
        _write_plots(result, plots, appraisals)
    if json_output:
        document = result.to_dict()
        if without_high_risk:
            document["sensitivity_without_high_risk"] = [r.to_dict() for r in without_high_risk]
        print_json(document)
        return
    print_pool(result)
    print_sensitivity(without_high_risk)


def print_pool(result: PoolResult) -> None:
    """Every table of `cartsle pool`, in the order a results section reads."""
    _print_overview(result)
    scores = [a for a in result.analyses if a.scores is not None]
    for analysis in scores:
        _print_scores(analysis)
    _print_proportions([a for a in result.analyses if a.proportion is not None], result.options)
    _print_effects([a for a in result.analyses if a.type in ("binary", "continuous", "generic")])
    _print_characteristics(result.overview)


def _print_overview(result: PoolResult) -> None:
    overview: Overview = result.overview
    rows: list[list] = [["included studies", overview.studies]]
    if overview.participants is not None:
        rows.append(["participants", overview.participants])
    rows += [[f"source: {share.label}", f"{share.text} studies"] for share in overview.sources]
    for characteristic in overview.characteristics:
        if characteristic.shares is not None:
            rows += [
                [f"{characteristic.label}: {s.label}", f"{s.text} studies"] for s in characteristic.shares
            ]
    for analysis in result.analyses:
        if analysis.scores is not None:
            s = analysis.scores
            rows.append(
                [f"patients with {analysis.label} scores", f"{s.patients} (from {s.studies} studies)"]
            )
    loads = ", ".join(map(str, overview.load_ids))
    print_table(
        f"{result.title or 'Included studies'} (protocol version {result.protocol_version}; extraction load {loads},"
        f" {overview.loaded_at})",
        ["", "value"],
        rows,
    )


def _print_scores(analysis: AnalysisResult) -> None:
    s: ScoreSummary | None = analysis.scores
    assert s is not None  # print_pool passes the analyses with scores
    time = analysis.time_unit.rstrip("s") if analysis.time_unit else "time"
    print_table(
        f"{analysis.label} {s.direction} from baseline (median and IQR; quantiles: {s.quantile_method})",
        [time, "patients", "median", "IQR"],
        [
            [number(c.time), c.summary.n, number(c.summary.median), _range(c.summary.q1, c.summary.q3)]
            for c in s.changes
        ],
    )
    print_table(
        f"Mean {analysis.label} ({s.means[0].summary.method if s.means else 'Student t'}, 95% CI)",
        [time, "patients", "mean", "SD", "95% CI"],
        [
            [
                number(m.time),
                m.summary.n,
                round_half_up(m.summary.mean),
                round_half_up(m.summary.sd),
                interval(m.summary.lower, m.summary.upper),
            ]  # fmt: skip
            for m in s.means
        ],
    )
    print_table(
        f"{analysis.label} at last follow-up ({s.last_followup_patients} patients with a score after baseline)",
        [analysis.label, "patients", "Clopper-Pearson 95% CI", "Wilson 95% CI"],
        [[f"<= {number(a.threshold)}", *_proportion_cells(a.share)] for a in s.at_or_below],
    )
    if s.comparisons:
        _print_comparisons(analysis.label, s.comparisons)


def _print_comparisons(label: str, comparisons: list[GroupComparison]) -> None:
    rows, tests = [], []
    for sub in comparisons:
        groups = [
            f"{name}: {_median_iqr(summary)}"
            for name, summary in ((sub.group1, sub.group1_summary), (sub.group2, sub.group2_summary))
        ]
        if sub.test is None:
            rows.append([sub.by, *groups, "", "", ""])
            tests.append(f"{sub.by}: not tested, {sub.not_tested}")
        else:
            rows.append(
                [
                    sub.by,
                    *groups,
                    number(sub.test.w),
                    _p(sub.test.p_value),
                    round_half_up(sub.test.rank_biserial, 2),
                ]
            )
            tests.append(f"{sub.by}: {sub.test.method}; effect size {sub.test.effect_size}")
    print_table(
        f"Subgroups (descriptive): {label} change at last follow-up (n, median [IQR]; two-sided Mann-Whitney U on patients)",
        ["by", "group 1", "group 2", "W", "p", "rank-biserial r"],
        rows,
    )
    _notes("test", tests)
    _notes("note", [comparisons[0].label])


def _print_proportions(analyses: list[AnalysisResult], options: PoolOptions) -> None:
    if not analyses:
        return
    print_table(
        "Single-arm outcomes: crude proportions (patients with the event over patients of the reporting studies)",
        ["outcome", "studies", "patients", "Clopper-Pearson 95% CI", "Wilson 95% CI"],
        [[a.label, _proportion(a).studies, *_proportion_cells(_crude(a))] for a in analyses],
    )
    graded = [a for a in analyses if _grades(a)]
    for grades_of in _same_grades(graded):
        first = _grades(grades_of[0])
        print_table(
            "Grades: patients by grade, of the patients with the event in studies that report grades",
            ["outcome", *(f"grade {g.grade}" for g in first)],
            [
                [
                    a.label,
                    *(count_of(g.patients, sum(h.patients for h in _grades(a))) for g in _grades(a)),
                ]
                for a in grades_of
            ],
        )
    _print_meta(analyses, options)


def _proportion(analysis: AnalysisResult) -> ProportionSummary:
    """The summary of a single-arm outcome: print_pool passes only analyses that have one."""
    assert analysis.proportion is not None
    return analysis.proportion


def _crude(analysis: AnalysisResult) -> CrudeProportion:
    crude = _proportion(analysis).crude
    assert crude is not None  # pooling leaves out an outcome that no study reports
    return crude


def _grades(analysis: AnalysisResult) -> list[GradeShare]:
    """The outcome's patients by grade; empty when no study reports grades or none has the event."""
    grades = _proportion(analysis).grades
    return grades if grades and sum(g.patients for g in grades) else []


def _same_grades(graded: list[AnalysisResult]) -> list[list[AnalysisResult]]:
    tables: dict[tuple[int, ...], list[AnalysisResult]] = {}
    for a in graded:
        tables.setdefault(tuple(g.grade for g in _grades(a)), []).append(a)
    return list(tables.values())


def _proportion_cells(proportion: CrudeProportion) -> list[str]:
    """ "56/98 (57%)" and its Clopper-Pearson and Wilson intervals."""
    exact, score = proportion.clopper_pearson, proportion.wilson
    return [
        count_of(proportion.events, proportion.total),
        percent_range(exact.lower, exact.upper),
        percent_range(score.lower, score.upper),
    ]


def _print_meta(analyses: list[AnalysisResult], options: PoolOptions) -> None:
    pooled = [(a, meta) for a in analyses if (meta := _proportion(a).meta) is not None]
    methods = sorted({f"{a.method}, {a.measure}" for a in analyses})
    print_table(
        f"Random-effects meta-analysis of proportions ({'; '.join(methods)})",
        ["outcome", "k", "events", "pooled", "95% CI", "95% PI", "tau^2", "I^2", "heterogeneity test"],
        [
            [
                a.label,
                m.k,
                f"{m.events}/{m.total}",
                f"{round_half_up(100 * m.estimate)}%",
                percent_range(m.lower, m.upper),
                percent_range(m.pi_lower, m.pi_upper),
                f"{m.tau2:.4g}",
                "" if m.i2 is None else f"{round_half_up(m.i2)}%",
                _q(m.q, m.q_df, m.q_p),
            ]
            for a, m in pooled
        ],
    )
    # The continuity correction differs by outcome and is told in that outcome's note; the FT
    # back-transformation's harmonic mean n differs too, so each line names its outcomes then.
    outcomes_of: dict[str, list[str]] = {}
    for a, m in pooled:
        outcomes_of.setdefault(replace(m.method, continuity_correction=None).line(), []).append(a.label)
    for line, labels in outcomes_of.items():
        _notes("method" if len(outcomes_of) == 1 else f"method ({', '.join(labels)})", [line])
    for a in analyses:
        proportion = _proportion(a)
        meta = proportion.meta
        _notes(
            f"note ({a.label})",
            meta.warnings if meta is not None else [f"not pooled: {proportion.meta_unavailable}"],
        )


def _print_effects(analyses: list[AnalysisResult]) -> None:
    if not analyses:
        return
    rows, lines = [], []
    for a in analyses:
        effect = a.effect
        if effect is None:
            rows.append([a.label, a.measure, "", "", "", "", "", "", ""])
            lines += [f"{a.label}: {note}" for note in a.notes]
            continue
        pi = interval(effect.pi_lower, effect.pi_upper, 2) if effect.pi_lower is not None else ""
        rows.append(
            [
                a.label,
                a.measure,
                effect.k,
                round_half_up(effect.estimate, 2),
                interval(effect.lower, effect.upper, 2),
                pi,
                f"{effect.tau2:.4g}",
                f"{round_half_up(effect.i2)}%",
                _q(effect.q, effect.q_df, effect.q_p),
            ]
        )
        lines.append(f"{a.label}: {effect.method.line()}")
        lines += [f"{a.label}: {note}" for note in (*a.notes, *effect.warnings)]
    print_table(
        "Comparative and generic outcomes (ratios on their natural scale)",
        ["outcome", "measure", "k", "pooled", "95% CI", "95% PI", "tau^2", "I^2", "heterogeneity test"],
        rows,
    )
    _notes("method", lines)
    for a in analyses:
        if a.effect is not None:
            _print_extras(a.label, a.measure, a.effect)
    _print_leave_one_out_summary(analyses)


def _print_leave_one_out_summary(analyses: list[AnalysisResult]) -> None:
    """Leave-one-out as one row per analysis: the range of the pooled estimate with each study
    left out in turn, and the study whose omission moves it furthest (on the analysis scale).
    A review's many refits (60 studies x 40 outcomes is 2,400 rows) are read in `--json` and the
    report; `pool meta --leave-one-out` prints every refit of its one analysis."""
    rows, lines = [], []
    for a in analyses:
        loo = getattr(a.effect, "leave_one_out", None) if a.effect is not None else None
        if loo is None or not loo.omitted:
            continue
        full = a.effect.estimate_transformed
        furthest = max(loo.omitted, key=lambda o: abs(o.estimate_transformed - full))
        estimates = [o.estimate for o in loo.omitted]
        rows.append(
            [
                a.label,
                a.measure,
                len(loo.omitted),
                round_half_up(a.effect.estimate, 2),
                interval(min(estimates), max(estimates), 2),
                furthest.study,
                f"{round_half_up(furthest.estimate, 2)} ({interval(furthest.lower, furthest.upper, 2)})",
            ]
        )
        if loo.method_line not in lines:
            lines.append(loo.method_line)
    if not rows:
        return
    print_table(
        "Leave-one-out sensitivity analysis (every refit in --json and the report)",
        ["outcome", "measure", "refits", "pooled", "range without one study", "most influential study",
         "pooled without it (95% CI)"],
        rows,
    )  # fmt: skip
    _notes("method", lines)


def _print_extras(label: str, measure: str, extras) -> None:
    """Declared subgroups, meta-regression and leave-one-out, as `pool meta` prints them."""
    from cartsle_cli.cli import meta_tables

    for grouped in extras.subgroups:
        stdout().print(f"{label}, by {grouped.variable}:", markup=False, highlight=False)
        meta_tables.print_subgroups(grouped)
    if extras.meta_regression is not None:
        stdout().print(f"{label}, meta-regression:", markup=False, highlight=False)
        meta_tables.print_regression(extras.meta_regression)
    if getattr(extras, "egger", None) is not None:
        stdout().print(f"{label}, small-study test:", markup=False, highlight=False)
        meta_tables.print_egger(extras.egger)


def _notes(kind: str, lines) -> None:
    """Lines under a table that belong to its figures (methods, traps): on stdout with them."""
    console = stdout()
    for line in lines:
        console.print(f"{kind}: {line}", markup=False, highlight=False)


def _print_characteristics(overview: Overview) -> None:
    numbers = [(c, n) for c in overview.characteristics if (n := c.numbers) is not None]
    if numbers:
        print_table(
            "Study characteristics (over the studies that report them)",
            ["characteristic", "studies", "median", "range"],
            [
                [
                    c.label,
                    n.studies,
                    f"{number(n.median)} {c.unit}".strip() if n.studies else "",
                    _range(n.minimum, n.maximum),
                ]  # fmt: skip
                for c, n in numbers
            ],
        )
    for c in overview.characteristics:
        if c.findings is not None:
            print_table(
                f"{c.label} (studies reporting it: {len(c.findings)})",
                ["study", "finding"],
                [[finding.study, finding.finding] for finding in c.findings],
            )


def _write_plots(result: PoolResult, folder: Path, appraisals: list[dict] | None = None) -> None:
    # Imported here: plotting loads matplotlib, which only --plots needs.
    from cartsle_cli.report.figures import write_forest_plots

    written = write_forest_plots(result, folder, appraisals)
    stderr().print(f"wrote {len(written)} forest plot files into {folder}", markup=False, highlight=False)


def _range(lower: float | None, upper: float | None) -> str:
    """Medians' quartiles and ranges without trailing zeros, as the abstract writes "IQR: 6-12"."""
    return "" if lower is None or upper is None else span(number(lower), number(upper))


def _median_iqr(summary: MedianIQR) -> str:
    if not summary.n:
        return "n=0"
    return f"n={summary.n}, {number(summary.median)} [{_range(summary.q1, summary.q3)}]"


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else round_half_up(p, 3)


def _q(q: float | None, df: int, p: float | None) -> str:
    if q is None:
        return ""
    return f"{number(q, 2)} (df {df}, p {_p(p)})" if p is not None else f"{number(q, 2)} (df {df})"
