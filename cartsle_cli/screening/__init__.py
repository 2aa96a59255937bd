"""Title/abstract screening: decisions and history, agreement, ranking model, simulation, PRISMA counts.

The library entry points later steps use are re-exported here; the ranking subpackage
(``screening.ranking``) is imported on its own.
"""

from cartsle_cli.screening.decisions import Decision, DecisionChecker, record_decision, undo_last
from cartsle_cli.screening.outcomes import STAGES, Outcome, stage_outcomes
from cartsle_cli.screening.prisma import PrismaColumn, PrismaCounts, prisma_counts
from cartsle_cli.screening.studies import IncludedStudy, included_studies

__all__ = [
    "STAGES",
    "Decision",
    "DecisionChecker",
    "IncludedStudy",
    "Outcome",
    "PrismaColumn",
    "PrismaCounts",
    "included_studies",
    "prisma_counts",
    "record_decision",
    "stage_outcomes",
    "undo_last",
]
