"""`cartsle report`: the review's results as CSV tables, Markdown, HTML or JSON."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import DEFAULT_DB, DbOption, review, say
from cartsle_cli.errors import CartsleError
from cartsle_cli.report.document import build_report
from cartsle_cli.report.writers import FORMATS, write_report
from cartsle_cli.review.pool_options import PoolOptions


def report_command(
    format: Annotated[
        str, typer.Option("--format", help="csv (one tidy CSV per table + manifest), md, html or json.")
    ] = "html",
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")] = Path("report"),
    method: Annotated[str, typer.Option("--method", help="Meta-analysis: glmm, dl or reml.")] = "glmm",
    scale: Annotated[str, typer.Option("--scale", help="logit, ft or raw.")] = "logit",
    quantile_method: Annotated[
        str, typer.Option("--quantile-method", help="numpy quantile method (default linear = R type 7).")
    ] = "linear",
    rob_domains: Annotated[
        bool,
        typer.Option(
            "--rob-domains", help="Forest plots show each study's risk of bias per domain, not only overall."
        ),
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the review's report: PRISMA counts and diagram, searches, included studies, efficacy, safety, meta-analyses, methods.

    Example: cartsle report --format csv --out results/
    """
    if format not in FORMATS:
        raise CartsleError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}", field="--format")
    options = PoolOptions(method=method, scale=scale, quantile_method=quantile_method)
    options.check()
    with review(db) as conn:
        report = build_report(conn, options)
    if rob_domains:
        report = replace(report, rob_domains=True)
    written = write_report(report, out, format)
    for path in written:
        say(str(path))
