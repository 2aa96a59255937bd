"""The works a reviewer looks at closely: reports of the 14 included studies, and the records
that reach full text and are excluded there, each with its reason.

Titles are invented from the studies' rows in :mod:`cartsle_cli.sample.studies`; where a study has
two reports (a conference abstract and the later article, or an article and its follow-up letter)
both are listed, and their titles differ the way such reports do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportSpec:
    """One report to generate: where it is found, what it is, and its screening fate."""

    title: str
    kind: str  # article, letter, conference, review, editorial
    year: int
    databases: tuple[str, ...]  # export files that hold it ("acr" for the ACR 2024 archive)
    study: str | None = None  # included study label; None for a full-text exclusion
    reason: str | None = None  # full-text exclusion reason (the review's default list)
    journal: str | None = None  # journal code (vocabulary.JOURNALS)


INCLUDED_REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "Anti-CD19 CAR T cells induce drug-free remission in refractory systemic lupus erythematosus",
        "article",
        2022,
        ("pubmed", "embase", "scopus"),
        "Hartmann 2022",
        journal="natmed",
    ),
    ReportSpec(
        "CD19-targeted CAR T-cell therapy in patients with refractory SLE: first results of a compassionate-use programme",
        "conference",
        2021,
        ("embase",),
        "Hartmann 2022",
        journal="ard",
    ),
    ReportSpec(
        "CD19 CAR T-cell therapy for treatment-refractory systemic lupus erythematosus: a phase 1 dose-escalation trial",
        "article",
        2024,
        ("pubmed", "embase", "scopus", "central"),
        "Lindqvist 2024",
        journal="lancet",
    ),
    ReportSpec(
        "Safety of CD28-costimulated CD19 CAR T cells in lupus: interim analysis of a phase 1 trial",
        "conference",
        2023,
        ("embase", "central"),
        "Lindqvist 2024",
        journal="ard",
    ),
    ReportSpec(
        "Compound BCMA-CD19 CAR T cells for refractory systemic lupus erythematosus with lupus nephritis",
        "article",
        2024,
        ("pubmed", "embase", "scopus"),
        "Zhou 2024",
        journal="ard",
    ),
    ReportSpec(
        "Allogeneic, gene-edited CD19 CAR T cells in refractory systemic lupus erythematosus: a first-in-human study",
        "article",
        2024,
        ("pubmed", "embase", "scopus"),
        "Okafor 2024",
        journal="nejm",
    ),
    ReportSpec(
        "Sustained remission after CD19 CAR T-cell therapy in severe lupus: a case series",
        "article",
        2023,
        ("pubmed", "embase", "scopus"),
        "Moreau 2023",
        journal="lup",
    ),
    ReportSpec(
        "Long-term follow-up after CD19 CAR T cells in systemic lupus erythematosus",
        "letter",
        2024,
        ("pubmed", "embase"),
        "Moreau 2023",
        journal="ard",
    ),
    ReportSpec(
        "Academic CD19 CAR T cells (ARI-0001) for refractory systemic lupus erythematosus",
        "article",
        2024,
        ("embase", "scopus"),
        "Castellano 2024",
        journal="rheu",
    ),
    ReportSpec(
        "CD19 CAR T cells in refractory lupus nephritis: a phase 1 study",
        "article",
        2024,
        ("pubmed", "embase", "scopus", "central"),
        "Petrov 2024",
        journal="kint",
    ),
    ReportSpec(
        "CD19-directed CAR T cells for refractory systemic lupus erythematosus in three Japanese patients",
        "article",
        2023,
        ("pubmed", "embase", "scopus"),
        "Sato 2023",
        journal="lsm",
    ),
    # The ACR Convergence 2024 archive (imported with --other).
    ReportSpec(
        "Outcomes of CD19 CAR T-Cell Therapy in Nine Patients with Refractory Systemic Lupus Erythematosus",
        "conference",
        2024,
        ("acr",),
        "Nakamura 2024",
    ),
    ReportSpec(
        "Bispecific CD19/BCMA CAR T Cells in Refractory Systemic Lupus Erythematosus: Results of a Phase 1 Trial",
        "conference",
        2024,
        ("acr",),
        "Bianchi 2024",
    ),
    ReportSpec(
        "Autoantibody and Plasma Cell Dynamics After Bispecific CD19/BCMA CAR T Cells in Lupus",
        "conference",
        2024,
        ("acr",),
        "Bianchi 2024",
    ),
    ReportSpec(
        "Off-the-Shelf Allogeneic CD19 CAR T Cells for Systemic Lupus Erythematosus: First Clinical Experience",
        "conference",
        2024,
        ("acr",),
        "Ferreira 2024",
    ),
    ReportSpec(
        "CD19 CAR T-Cell Therapy for Refractory Lupus: A Single-Centre Experience from Central Europe",
        "conference",
        2024,
        ("acr",),
        "Kowalski 2024",
    ),
    ReportSpec(
        "CD19 CAR T Cells in Lupus Patients with Prior B-Cell Depletion Failure",
        "conference",
        2024,
        ("acr",),
        "Haddad 2024",
    ),
    ReportSpec(
        "CAR T-Cell Therapy for Refractory Systemic Lupus Erythematosus in Sub-Saharan Africa: Two Cases",
        "conference",
        2024,
        ("acr",),
        "Oyelaran 2024",
    ),
)

WRONG_POPULATION = "wrong population"
WRONG_INTERVENTION = "wrong intervention"
WRONG_OUTCOMES = "wrong outcomes"
WRONG_DESIGN = "wrong study design"
DUPLICATE_REPORT = "duplicate report"
NOT_RETRIEVABLE = "full text not retrievable"
OTHER = "other"

_DB = ("pubmed", "embase", "scopus")
EXCLUDED_AT_FULL_TEXT: tuple[ReportSpec, ...] = (
    *(
        ReportSpec(t, "article", y, _DB, reason=WRONG_POPULATION)
        for t, y in (
            ("CD19 CAR T cells in refractory idiopathic inflammatory myopathy", 2023),
            ("CAR T-cell therapy for diffuse cutaneous systemic sclerosis: a case series", 2024),
            ("CD19 CAR T cells for refractory myasthenia gravis", 2024),
            (
                "Outcomes of CAR T-cell therapy for lymphoma in patients with pre-existing autoimmune disease",
                2022,
            ),
            ("CD19 CAR T cells in antisynthetase syndrome", 2023),
            ("BCMA CAR T cells in neuromyelitis optica spectrum disorder", 2023),
            ("CAR T-cell therapy for lymphoma in a patient with systemic lupus erythematosus", 2021),
            ("CD19 CAR T cells for refractory ANCA-associated vasculitis", 2024),
            ("CD19 CAR T cells in refractory immune thrombocytopenia", 2024),
            ("Autoimmune cytopenias after CD19 CAR T-cell therapy for lymphoma", 2022),
            ("CD19 CAR T cells for refractory pemphigus vulgaris", 2024),
            ("Lupus-like autoimmunity after BCMA CAR T-cell therapy for myeloma", 2023),
        )
    ),
    *(
        ReportSpec(t, "article", y, _DB, reason=WRONG_INTERVENTION)
        for t, y in (
            ("Obinutuzumab in refractory systemic lupus erythematosus: a case series", 2023),
            ("CD19-targeted T-cell engager blinatumomab in systemic lupus erythematosus", 2024),
            ("Daratumumab for refractory systemic lupus erythematosus", 2022),
            ("Teclistamab induces remission in refractory lupus", 2024),
            ("Allogeneic CAR-NK cells targeting CD19 in systemic lupus erythematosus", 2024),
            (
                "Autologous haematopoietic stem cell transplantation for refractory SLE: long-term outcomes",
                2021,
            ),
            ("Rituximab followed by belimumab in refractory lupus nephritis", 2022),
            ("Chimeric autoantibody receptor T cells in pemphigus: a phase 1 trial", 2024),
        )
    ),
    *(
        ReportSpec(t, "article", y, _DB, reason=WRONG_OUTCOMES)
        for t, y in (
            ("Manufacturing feasibility of CD19 CAR T cells from patients with active lupus", 2023),
            ("CAR T-cell expansion kinetics in autoimmune disease compared with lymphoma", 2024),
            ("Cost of CAR T-cell therapy for systemic lupus erythematosus: a modelling study", 2024),
            ("Patient and physician attitudes towards CAR T-cell therapy for lupus", 2024),
        )
    ),
    *(
        ReportSpec(t, k, y, _DB, reason=WRONG_DESIGN)
        for t, k, y in (
            ("CAR T cells for systemic lupus erythematosus: a narrative review", "review", 2023),
            ("CAR T-cell therapy in autoimmune disease: promise and pitfalls", "review", 2024),
            ("Resetting the immune system in lupus with CAR T cells", "editorial", 2022),
            ("CD19 CAR T cells eliminate autoreactive B cells in a murine lupus model", "article", 2021),
            ("CAR T cells for lupus: the dawn of a new era?", "editorial", 2024),
            ("Cellular therapies in rheumatology: a review of clinical trials", "review", 2024),
            ("Humanised mouse model of CD19 CAR T-cell therapy in lupus nephritis", "article", 2023),
            ("CAR T cells in SLE: what the rheumatologist needs to know", "review", 2024),
            ("Protocol for a phase 1/2 trial of CD19 CAR T cells in refractory lupus", "article", 2024),
            ("Chimeric antigen receptor therapy in autoimmunity: a systematic review", "review", 2024),
            ("In vivo CAR T-cell generation for autoimmune disease: a perspective", "editorial", 2024),
            ("CAR T-cell therapy for autoimmune diseases: consensus recommendations", "review", 2024),
        )
    ),
    ReportSpec(
        "CD19 CAR T cells in refractory SLE: update of a German cohort",
        "letter",
        2023,
        _DB,
        reason=DUPLICATE_REPORT,
    ),
    ReportSpec(
        "Pooled analysis of CD19 CAR T cells in SLE from two centres",
        "article",
        2024,
        _DB,
        reason=DUPLICATE_REPORT,
    ),
    ReportSpec(
        "CD19 CAR T-cell therapy for lupus: experience of a Chinese centre",
        "article",
        2023,
        ("embase",),
        reason=NOT_RETRIEVABLE,
    ),
    ReportSpec(
        "CAR T cells in refractory systemic lupus erythematosus: a single patient report",
        "conference",
        2022,
        ("embase",),
        reason=NOT_RETRIEVABLE,
    ),
    ReportSpec(
        "CAR T cells in lupus: trial withdrawn before enrolment",
        "article",
        2024,
        ("embase", "scopus"),
        reason=OTHER,
    ),
)

ACR_EXCLUDED_AT_FULL_TEXT: tuple[ReportSpec, ...] = (
    ReportSpec(
        "CD19 CAR T Cells in Refractory Systemic Sclerosis: 12-Month Follow-up",
        "conference",
        2024,
        ("acr",),
        reason=WRONG_POPULATION,
    ),
    ReportSpec(
        "CAR T-Cell Therapy in Idiopathic Inflammatory Myopathies: A Multicentre Series",
        "conference",
        2024,
        ("acr",),
        reason=WRONG_POPULATION,
    ),
    ReportSpec(
        "CD19 CAR T Cells for Refractory Myasthenia Gravis and Lupus Overlap",
        "conference",
        2024,
        ("acr",),
        reason=WRONG_POPULATION,
    ),
    ReportSpec(
        "CD19 T-Cell Engager Therapy in Refractory Lupus Nephritis",
        "conference",
        2024,
        ("acr",),
        reason=WRONG_INTERVENTION,
    ),
    ReportSpec(
        "Obinutuzumab Plus Standard Therapy in Active Lupus Nephritis: Extension Data",
        "conference",
        2024,
        ("acr",),
        reason=WRONG_INTERVENTION,
    ),
    ReportSpec(
        "Preclinical Activity of CD19 CAR T Cells Against Lupus B Cells",
        "conference",
        2024,
        ("acr",),
        reason=WRONG_DESIGN,
    ),
    ReportSpec(
        "CAR T Cells in Autoimmunity: A Survey of Rheumatologists",
        "conference",
        2024,
        ("acr",),
        reason=WRONG_DESIGN,
    ),
    ReportSpec(
        "Cytokine Profiles of CAR T Cells Manufactured from Lupus Patients",
        "conference",
        2024,
        ("acr",),
        reason=WRONG_OUTCOMES,
    ),
)
