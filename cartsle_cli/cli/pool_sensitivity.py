"""`cartsle pool`'s sensitivity table: each meta-analysis beside its rerun without high-risk studies."""

from __future__ import annotations

from cartsle_cli.certainty.sensitivity import PooledFigures, SensitivityResult
from cartsle_cli.cli.common import print_table


def _pooled(figures: PooledFigures | None, measure: str) -> str:
    if figures is None:
        return ""
    if measure == "proportion":
        return f"{100 * figures.estimate:.1f}% ({100 * figures.lower:.1f}-{100 * figures.upper:.1f}), k = {figures.k}"
    return f"{measure} {figures.estimate:.2f} ({figures.lower:.2f} to {figures.upper:.2f}), k = {figures.k}"


def print_sensitivity(results: list[SensitivityResult]) -> None:
    if not results:
        return
    print_table(
        "Sensitivity: without studies at high risk of bias",
        ["outcome", "main analysis", "without high risk", "left out", "note"],
        [
            [
                r.label,
                _pooled(r.main, r.measure),
                _pooled(r.without, r.measure),
                ", ".join(r.left_out),
                r.note or "",
            ]
            for r in results
        ],
    )
