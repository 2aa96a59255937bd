"""Screening that learns: records ranked most-likely-relevant first, and the simulation that shows it.

The model is four named, swappable parts, as in ASReview LAB: feature extractor (TF-IDF of words
and word pairs), balancer (class reweighting), classifier (linear SVM) and query strategy (most
likely relevant first); see :mod:`.model`. ``rank_records`` is what `cartsle screen` calls;
``simulate`` replays a labelled set; ``metrics`` measures an order; ``stopping`` reports a
heuristic; ``plot`` draws the recall curve.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> the submodule that defines it. Loaded on first use (PEP 562): the model's parts import
# scikit-learn and pandas, which `cartsle screen decide` and the recall test never need.
_WHERE = {
    "LabelledSet": "labelled",
    "read_labelled": "labelled",
    "RecallCurve": "metrics",
    "ScreeningMetrics": "metrics",
    "recall_curve": "metrics",
    "screening_metrics": "metrics",
    "DEFAULT_MODEL": "model",
    "Ranker": "model",
    "RankingModel": "model",
    "recall_chart": "plot",
    "save_recall_plot": "plot",
    "RankResult": "rank",
    "rank_records": "rank",
    "SimulationResult": "simulation",
    "SimulationRun": "simulation",
    "simulate": "simulation",
    "StoppingAdvice": "stopping",
    "stopping_advice": "stopping",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from cartsle_cli.screening.ranking.labelled import LabelledSet, read_labelled
    from cartsle_cli.screening.ranking.metrics import (
        RecallCurve,
        ScreeningMetrics,
        recall_curve,
        screening_metrics,
    )
    from cartsle_cli.screening.ranking.model import DEFAULT_MODEL, Ranker, RankingModel
    from cartsle_cli.screening.ranking.plot import recall_chart, save_recall_plot
    from cartsle_cli.screening.ranking.rank import RankResult, rank_records
    from cartsle_cli.screening.ranking.simulation import SimulationResult, SimulationRun, simulate
    from cartsle_cli.screening.ranking.stopping import StoppingAdvice, stopping_advice

__all__ = [
    "DEFAULT_MODEL",
    "LabelledSet",
    "RankResult",
    "Ranker",
    "RankingModel",
    "RecallCurve",
    "ScreeningMetrics",
    "SimulationResult",
    "SimulationRun",
    "StoppingAdvice",
    "rank_records",
    "read_labelled",
    "recall_chart",
    "recall_curve",
    "save_recall_plot",
    "screening_metrics",
    "simulate",
    "stopping_advice",
]
