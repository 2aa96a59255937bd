"""The options of pooling, checked before any statistics load (the command line checks them
first; pandas and SciPy load only when something is pooled)."""

from __future__ import annotations

from dataclasses import dataclass

from cartsle_cli.errors import CartsleError
from cartsle_cli.stats.names import PROPORTION_METHODS, SCALES


@dataclass(frozen=True)
class PoolOptions:
    """Overrides of the protocol for single-arm proportions, and the quantile method of medians."""

    method: str | None = None  # glmm, dl or reml instead of each analysis's estimator
    scale: str | None = None  # logit, ft or raw instead of each analysis's measure
    quantile_method: str = "linear"

    def check(self) -> None:
        if self.method is not None and self.method not in PROPORTION_METHODS:
            raise CartsleError(
                f"unknown method {self.method!r}; use one of {', '.join(PROPORTION_METHODS)}", field="method"
            )
        if self.scale is not None and self.scale not in SCALES:
            raise CartsleError(f"unknown scale {self.scale!r}; use one of {', '.join(SCALES)}", field="scale")
        if self.method == "glmm" and self.scale not in (None, "logit"):
            raise CartsleError(
                f"the GLMM works on the logit scale; for --scale {self.scale} use --method dl or reml",
                field="scale",
            )
