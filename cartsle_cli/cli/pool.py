"""`cartsle pool`: efficacy and safety of the included studies; `pool meta` for counts given directly."""

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
from cartsle_cli.pooling import Overview, PoolOptions, PoolResult, pool_review
from cartsle_cli.stats.descriptive import MedianIQR
from cartsle_cli.stats.efficacy import EfficacyResult, SubgroupComparison
from cartsle_cli.stats.proportions import CrudeProportion
from cartsle_cli.stats.safety import OutcomeSummary, SafetyResult

app = group(
    "Pool the current extraction: efficacy, safety, meta-analyses and B cells as tables (plain `cartsle pool`);"
    " `cartsle pool meta` takes counts directly."
)
app.command("meta")(pool_meta.meta_command)


@app.callback(invoke_without_command=True)
def pool_command(
    ctx: typer.Context,
    method: Annotated[
        str,
        typer.Option(
            "--method", help="Meta-analysis: glmm (binomial-normal, default), dl (DerSimonian-Laird) or reml."
        ),
    ] = "glmm",
    scale: Annotated[
        str, typer.Option("--scale", help="Scale of the dl/reml pool: logit, ft (Freeman-Tukey) or raw.")
    ] = "logit",
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
    """Efficacy and safety of the stored extraction, as tables. Example: cartsle pool --method reml --scale ft"""
    if ctx.invoked_subcommand is not None:
        pass_down(ctx, ("db", "json_output"))
        return
    from cartsle_cli.certainty.sensitivity import sensitivity
    from cartsle_cli.cli.pool_sensitivity import print_sensitivity

    with review(db) as conn:
        result = pool_review(conn, PoolOptions(method, scale, quantile_method))
        without_high_risk = sensitivity(conn, result)
    if plots is not None:
        _write_plots(result.safety, plots)
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
    _print_overview(result.overview, result.efficacy)
    _print_efficacy(result.efficacy)
    _print_safety(result.safety)
    _print_bcells(result.safety)


def _print_overview(overview: Overview, efficacy: EfficacyResult) -> None:
    rows: list[list] = [["included studies", overview.studies], ["participants", overview.participants]]
    rows += [[f"source: {share.label}", f"{share.text} studies"] for share in overview.sources]
    rows += [[f"target {share.label}", f"{share.text} studies"] for share in overview.targets]
    rows += [[f"{share.label} product", f"{share.text} studies"] for share in overview.origins]
    rows += [["patients with SLEDAI-2K scores", f"{efficacy.patients} (from {efficacy.studies} studies)"]]
    print_table(
        f"Included studies (extraction load {overview.load_id}, {overview.loaded_at})", ["", "value"], rows
    )


def _print_efficacy(efficacy: EfficacyResult) -> None:
    print_table(
        f"SLEDAI-2K reduction from baseline (median and IQR; quantiles: {efficacy.quantile_method})",
        ["month", "patients", "median", "IQR"],
        [
            [number(r.month), r.summary.n, number(r.summary.median), _range(r.summary.q1, r.summary.q3)]
            for r in efficacy.reductions
        ],
    )
    means = efficacy.means
    print_table(
        f"Mean SLEDAI-2K ({means[0].summary.method if means else 'Student t'}, 95% CI)",
        ["month", "patients", "mean", "SD", "95% CI"],
        [
            [
                number(m.month),
                m.summary.n,
                round_half_up(m.summary.mean),
                round_half_up(m.summary.sd),
                interval(m.summary.lower, m.summary.upper),
            ]
            for m in means
        ],
    )
    print_table(
        f"Disease activity at last follow-up ({efficacy.last_followup_patients} patients with a score after baseline)",
        ["SLEDAI-2K", "patients", "Clopper-Pearson 95% CI", "Wilson 95% CI"],
        [
            [label, *_proportion_cells(p)]
            for label, p in (("0", efficacy.sledai_zero), ("<= 4", efficacy.sledai_low))
            if p is not None
        ],
    )
    _print_subgroups(efficacy.subgroups)


def _print_subgroups(subgroups: list[SubgroupComparison]) -> None:
    rows, tests = [], []
    for sub in subgroups:
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
        "Subgroups: SLEDAI-2K reduction at last follow-up (n, median [IQR]; two-sided Mann-Whitney U)",
        ["by", "group 1", "group 2", "W", "p", "rank-biserial r"],
        rows,
    )
    _notes("test", tests)


def _print_safety(safety: SafetyResult) -> None:
    print_table(
        "Safety and biomarkers: crude proportions (patients with the event over patients of the reporting studies)",
        ["outcome", "studies", "patients", "Clopper-Pearson 95% CI", "Wilson 95% CI"],
        [
            [o.label, o.studies, *_proportion_cells(o.crude)]
            if o.crude
            else [o.label, 0, "not reported", "", ""]
            for o in safety.outcomes
        ],
    )
    reported = [o for o in safety.outcomes if o.crude is not None]
    graded = [o for o in reported if o.grades and sum(g.patients for g in o.grades)]
    print_table(
        "Grades (ASTCT): patients by grade, of the patients with the event in studies that report grades",
        ["outcome", *(f"grade {g.grade}" for g in graded[0].grades)] if graded else ["outcome"],
        [
            [o.label, *(count_of(g.patients, sum(h.patients for h in o.grades)) for g in o.grades)]
            for o in graded
        ],
    )
    _print_meta(reported, safety)


def _proportion_cells(proportion: CrudeProportion) -> list[str]:
    """ "56/98 (57%)" and its Clopper-Pearson and Wilson intervals."""
    exact, score = proportion.clopper_pearson, proportion.wilson
    return [
        count_of(proportion.events, proportion.total),
        percent_range(exact.lower, exact.upper),
        percent_range(score.lower, score.upper),
    ]


def _print_meta(outcomes: list[OutcomeSummary], safety: SafetyResult) -> None:
    pooled = [o for o in outcomes if o.meta is not None]
    print_table(
        f"Random-effects meta-analysis of proportions (--method {safety.method}, --scale {safety.scale})",
        ["outcome", "k", "events", "pooled", "95% CI", "95% PI", "tau^2", "I^2", "heterogeneity test"],
        [
            [
                o.label,
                o.meta.k,
                f"{o.meta.events}/{o.meta.total}",
                f"{round_half_up(100 * o.meta.estimate)}%",
                percent_range(o.meta.lower, o.meta.upper),
                percent_range(o.meta.pi_lower, o.meta.pi_upper),
                f"{o.meta.tau2:.4g}",
                "" if o.meta.i2 is None else f"{round_half_up(o.meta.i2)}%",
                _q(o.meta.q, o.meta.q_df, o.meta.q_p),
            ]
            for o in pooled
        ],
    )
    # The continuity correction differs by outcome and is told in that outcome's note; the FT
    # back-transformation's harmonic mean n differs too, so each line names its outcomes then.
    outcomes_of: dict[str, list[str]] = {}
    for o in pooled:
        outcomes_of.setdefault(replace(o.meta.method, continuity_correction=None).line(), []).append(o.label)
    for line, labels in outcomes_of.items():
        _notes("method" if len(outcomes_of) == 1 else f"method ({', '.join(labels)})", [line])
    for o in outcomes:
        _notes(
            f"note ({o.label})",
            o.meta.warnings if o.meta is not None else [f"not pooled: {o.meta_unavailable}"],
        )


def _notes(kind: str, lines) -> None:
    """Lines under a table that belong to its figures (methods, traps): on stdout with them."""
    console = stdout()
    for line in lines:
        console.print(f"{kind}: {line}", markup=False, highlight=False)


def _print_bcells(safety: SafetyResult) -> None:
    print_table(
        "B-cells (per-study timings, over the studies that report them)",
        ["finding", "studies", "median", "range"],
        [
            [
                t.label,
                t.studies,
                f"{number(t.median)} {t.unit}" if t.studies else "",
                _range(t.minimum, t.maximum),
            ]
            for t in (safety.bcell_depletion, safety.bcell_reconstitution)
        ],
    )
    print_table(
        f"B-cell phenotype at reconstitution (studies reporting it: {len(safety.bcell_phenotype)})",
        ["study", "finding"],
        [[finding.study, finding.finding] for finding in safety.bcell_phenotype],
    )


def _write_plots(safety: SafetyResult, folder: Path) -> None:
    # Imported here: plotting loads matplotlib, which only --plots needs.
    from cartsle_cli.report.forest import write_forest_plots

    written = write_forest_plots(safety, folder)
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
