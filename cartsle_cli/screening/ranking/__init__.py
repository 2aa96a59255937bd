"""Screening that learns: records ranked most-likely-relevant first, and the simulation that shows it.

The model is four named, swappable parts, as in ASReview LAB: feature extractor (TF-IDF of words
and word pairs), balancer (class reweighting), classifier (linear SVM) and query strategy (most
likely relevant first); see :mod:`.model`. ``rank_records`` is what `cartsle screen` calls;
``simulate`` replays a labelled set; ``metrics`` measures an order; ``stopping`` reports a
heuristic; ``plot`` draws the recall curve.
"""

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
