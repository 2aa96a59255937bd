"""`cartsle pool`'s sensitivity table: each meta-analysis beside its rerun without high-risk studies."""

from __future__ import annotations

from cartsle_cli.certainty.sensitivity import PooledFigures, SensitivityResult
from cartsle_cli.cli.common import print_table


def _pooled(figures: PooledFigures | None) -> str:
    if figures is None:
        return ""
    return f"{100 * figures.estimate:.1f}% ({100 * figures.lower:.1f}-{100 * figures.upper:.1f}), k = {figures.k}"


def print_sensitivity(results: list[SensitivityResult]) -> None:
    if not results:
        return
    print_table(
        "Sensitivity: without studies at high risk of bias",
        ["outcome", "main analysis", "without high risk", "left out", "note"],
        [
            [r.label, _pooled(r.main), _pooled(r.without), ", ".join(r.left_out), r.note or ""]
            for r in results
        ],
    )
