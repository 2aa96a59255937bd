"""The numbers of a comparative or generic analysis, from the agreed extraction, pooled by stats.

Binary and continuous outcomes come from arms.csv (the intervention arm as ``_e``, the control arm
as ``_c``, as metafor's escalc names them); generic outcomes from studies.csv (estimate and SE).
A continuous arm given as median with IQR or range is converted to mean and SD only when the
protocol asks, by its named method, and the result says which studies were converted. The
statistics are ``stats.effect_sizes``, ``stats.meta``, ``stats.moderators`` and ``stats.sensitivity``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.agreement import AgreedExtraction
from cartsle_cli.extraction.layout import ARMS_FILE, STUDIES_FILE
from cartsle_cli.protocol.model import Analysis, Outcome, Protocol

ARM_FIELDS = ("mean", "sd", "n", "events", "median", "q1", "q3", "min", "max")


def _arm_frame(agreed: AgreedExtraction, protocol: Protocol, role: str, outcome: Outcome) -> pd.DataFrame:
    """The rows of one arm, by study id, with this outcome's columns only (arms.csv has every
    outcome's columns: taking them all for each outcome made pooling quadratic in the outcomes)."""
    arm = next(a.id for a in protocol.design.arms if a.role == role)
    arms = agreed.frames[ARMS_FILE]
    chosen = (arms["arm"] == arm).to_numpy(dtype=bool, na_value=False)
    columns = [name for name in (f"{outcome.id}_{f}" for f in ARM_FIELDS) if name in arms.columns]
    return arms.loc[chosen, columns].set_index(arms["study_id"][chosen].astype(str))


def _column(frame: pd.DataFrame, name: str, index: pd.Index) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(index), np.nan)
    return (
        pd.to_numeric(frame[name], errors="coerce")
        .reindex(index)
        .to_numpy(dtype=float, na_value=np.nan)
        .copy()
    )


def _arm_values(
    outcome: Outcome, frame: pd.DataFrame, index: pd.Index, notes: list[str]
) -> dict[str, np.ndarray]:
    o = outcome.id
    values = {field: _column(frame, f"{o}_{field}", index) for field in ("mean", "sd", "n", "events")}
    if outcome.conversion is not None:
        from cartsle_cli.stats.conversions import mean_sd_from_quantiles

        spread = ("q1", "q3") if outcome.conversion.source == "iqr" else ("min", "max")
        median = _column(frame, f"{o}_median", index)
        low, high = (_column(frame, f"{o}_{s}", index) for s in spread)
        todo = np.isnan(values["mean"]) & ~np.isnan(median)
        if todo.any():
            mean, sd = mean_sd_from_quantiles(
                median[todo],
                low[todo],
                high[todo],
                values["n"][todo],
                outcome.conversion.source,
                outcome.conversion.method,
            )
            values["mean"][todo], values["sd"][todo] = mean, sd
            notes.append(
                f"mean and SD estimated from the median and {outcome.conversion.source} by"
                f" {outcome.conversion.method} in {int(todo.sum())} arms"
            )
    return values


@dataclass(frozen=True)
class ComparativeOutcome:
    """A pooled comparative or generic analysis with the extra analyses the protocol declares."""

    result: Any  # stats.meta.MetaResult
    subgroups: list = field(default_factory=list)  # stats.moderators.SubgroupAnalysis per variable
    meta_regression: Any = None
    leave_one_out: Any = None
    egger: Any = None  # stats.sensitivity.EggerTest
    effects: Any = None  # stats.effect_sizes.StudyEffects pooled (for reruns on a subset: GRADE, sensitivity)

    def __getattr__(self, name: str):  # the pooled numbers read as the result's own
        if name == "result":
            raise AttributeError(name)
        return getattr(self.result, name)

    def to_dict(self) -> dict:
        return {
            **self.result.to_dict(),
            "subgroups": [s.to_dict() for s in self.subgroups],
            "meta_regression": self.meta_regression.to_dict() if self.meta_regression else None,
            "leave_one_out": self.leave_one_out.to_dict() if self.leave_one_out else None,
            "egger": self.egger.to_dict() if self.egger else None,
        }


def _effects(
    protocol: Protocol, analysis: Analysis, agreed: AgreedExtraction, label_of: dict, notes: list[str]
):
    """The study effects of the analysis and the ids of the studies given (rows of the effects)."""
    from cartsle_cli.stats import effect_sizes

    outcome = protocol.outcome_of(analysis)
    studies = agreed.frames[STUDIES_FILE]
    if outcome.type == "generic":
        index = pd.Index(studies["study_id"].astype(str))
        by_id = studies.set_index(index)
        yi, sei = _column(by_id, f"{outcome.id}_estimate", index), _column(by_id, f"{outcome.id}_se", index)
        keep = ~np.isnan(yi) & ~np.isnan(sei)
        if not keep.any():
            return None, []
        ids = list(index[keep])
        return effect_sizes.generic(yi[keep], sei[keep], labels=[label_of[s] for s in ids]), ids
    treated = _arm_frame(agreed, protocol, "intervention", outcome)
    control = _arm_frame(agreed, protocol, "control", outcome)
    in_control = set(control.index)
    index = pd.Index([s for s in treated.index if s in in_control])
    e, c = _arm_values(outcome, treated, index, notes), _arm_values(outcome, control, index, notes)
    fields = ("events", "n") if outcome.type == "binary" else ("mean", "sd", "n")
    if not len(index):
        return None, []
    keep = np.all([~np.isnan(side[f]) for side in (e, c) for f in fields], axis=0)
    if not keep.any():
        return None, []
    ids = list(index[keep])
    labels = [label_of.get(s, s) for s in ids]
    if outcome.type == "binary":
        return effect_sizes.binary(
            e["events"][keep], e["n"][keep], c["events"][keep], c["n"][keep], analysis.measure, labels=labels
        ), ids
    return effect_sizes.continuous(
        e["mean"][keep], e["sd"][keep], e["n"][keep], c["mean"][keep], c["sd"][keep], c["n"][keep],
        analysis.measure, labels=labels,
    ), ids  # fmt: skip


def comparative_result(
    protocol: Protocol,
    analysis: Analysis,
    agreed: AgreedExtraction,
    labels_of: Callable[[pd.DataFrame], list[str]],
) -> tuple[ComparativeOutcome | None, list[str]]:
    """The pooled result of a binary, continuous or generic analysis with its declared subgroups,
    meta-regression and leave-one-out, and notes; (None, []) when no study reports the outcome."""
    from cartsle_cli.stats import meta, moderators, sensitivity

    studies = agreed.frames[STUDIES_FILE]
    label_of = dict(zip(studies["study_id"].astype(str), labels_of(studies)))
    notes: list[str] = []
    effects, ids = _effects(protocol, analysis, agreed, label_of, notes)
    if effects is None:
        return None, []
    pi = "z" if analysis.pi == "none" else analysis.pi
    try:
        result = meta.pool(effects, method=analysis.method, ci=analysis.ci, pi=pi)
    except CartsleError as error:
        return None, [*notes, f"not pooled: {error}"]
    by_id = studies.set_index(studies["study_id"].astype(str))
    outcome = ComparativeOutcome(result, effects=effects)
    for name in analysis.subgroups:
        values = [str(v).strip() if pd.notna(v) else "" for v in by_id[name].reindex(ids)]
        try:
            outcome.subgroups.append(
                moderators.subgroups(
                    effects, values, variable=name, method=analysis.method, ci=analysis.ci, pi=pi
                )
            )
        except CartsleError as error:
            notes.append(f"subgroups by {name} not run: {error}")
    if analysis.covariates:
        moderator_values: dict[str, Sequence[Any]] = {
            n: list(by_id[n].reindex(ids)) for n in analysis.covariates
        }
        try:
            outcome = replace(
                outcome,
                meta_regression=moderators.meta_regression(
                    effects, moderator_values, method=analysis.method, ci=analysis.ci
                ),
            )
        except CartsleError as error:
            notes.append(f"meta-regression not run: {error}")
    if "leave-one-out" in analysis.sensitivity:
        try:
            outcome = replace(
                outcome,
                leave_one_out=sensitivity.leave_one_out(effects, method=analysis.method, ci=analysis.ci),
            )
        except CartsleError as error:
            notes.append(f"leave-one-out not run: {error}")
    if analysis.bias == "egger":
        try:
            outcome = replace(outcome, egger=sensitivity.egger_test(effects))
        except CartsleError as error:
            notes.append(f"Egger's test not run: {error}")
    return outcome, notes
