"""Agreement between two appraisers, domain by domain: percent agreement and Cohen's kappa.

Counted as screening counts it (``screening.agreement``): each appraiser's current judgement (the
tool's algorithm, or the appraiser's own call where given), on the studies (and outcomes) both
appraised; resolutions change nothing. Kappa, its SE and CI are ``cohen_kappa``'s (Cohen 1960).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from itertools import combinations

from cartsle_cli.appraisal.store import study_appraisals
from cartsle_cli.appraisal.tool import Tool
from cartsle_cli.screening.agreement import Kappa, cohen_kappa


@dataclass(frozen=True)
class DomainAgreement:
    domain: str
    label: str
    reviewer_a: str
    reviewer_b: str
    kappa: Kappa

    def to_dict(self) -> dict:
        return {
            "domain": self.domain,
            "label": self.label,
            "reviewer_a": self.reviewer_a,
            "reviewer_b": self.reviewer_b,
            **vars(self.kappa),
        }


def domain_agreement(conn: sqlite3.Connection, tool: Tool) -> list[DomainAgreement]:
    """Kappa for every pair of appraisers and every domain (and overall) both judged."""
    studies = study_appraisals(conn, tool)
    reviewers = sorted({r for s in studies for c in s.cells for r in c.by_reviewer})
    labels = {d.id: d.label for d in tool.domains} | {"overall": "Overall"}
    results = []
    for a, b in combinations(reviewers, 2):
        for domain, label in labels.items():
            pairs = []
            for study in studies:
                cell = study.cell(domain)
                if a in cell.by_reviewer and b in cell.by_reviewer:
                    pairs.append((cell.by_reviewer[a].final, cell.by_reviewer[b].final))
            if pairs:
                results.append(DomainAgreement(domain, label, a, b, cohen_kappa(pairs)))
    return results
