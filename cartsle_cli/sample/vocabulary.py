"""Word lists for the sample review's invented records: names, journals, topics, sentences.

Nothing here is copied from a real record: titles and abstracts are assembled from these parts.
Journals are real titles (so abbreviations look as databases print them), but every DOI uses
Crossref's test prefix 10.5555 and every PMID, Embase, Scopus and CENTRAL id lies outside the
ranges those databases have issued, so no generated record can be mistaken for a real one.
"""

from __future__ import annotations

from dataclasses import dataclass

FAMILY_NAMES = (
    "Schneider Fischer Weber Wagner Becker Hoffmann Koch Richter Klein Wolf Neumann Schwarz Braun "
    "Zimmermann Hartung Lange Krause Werner Lehmann Kaiser Fuchs Vogel Roth Frank Keller Berger Huber "
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng Liang "
    "Tanaka Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki "
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
    "Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams "
    "Rossi Russo Ferrari Esposito Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano "
    "Garcia Rodriguez Martinez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez Diaz "
    "Dubois Durand Lefebvre Leroy Moreau Simon Laurent Michel Garnier Faure Rousseau Blanc Guerin "
    "Silva Santos Oliveira Souza Pereira Lima Carvalho Almeida Ribeiro Rocha Nowak Kowalczyk Wozniak "
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Jensen Nielsen Hansen Pedersen "
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Patel Shah Singh Kumar Gupta Sharma Mehta Rao Iyer "
    "Cohen Levi Mizrahi Friedman Katz Novak Horvat Popescu Ionescu Papadopoulos Georgiou Yilmaz Demir"
).split()

GIVEN_NAMES = (
    "Andreas Anna Benedikt Clara Daniel Elena Felix Georg Hanna Jonas Katharina Lukas Maria Markus "
    "Nina Paul Sabine Stefan Thomas Ulrike Wei Xiaoming Yan Jing Lei Hui Min Jun Qiang Fang Hiroshi "
    "Yuki Kenji Akiko Takashi Emily James Michael Sarah David Laura Robert Jennifer John Elizabeth "
    "Marco Giulia Luca Francesca Carlos Lucia Javier Ana Pierre Camille Julien Sophie Joao Beatriz "
    "Piotr Agnieszka Erik Ingrid Lars Maja Soo-Jin Min-Ho Priya Arjun Rahul Neha Yael Noam Ioana Eleni "
    "Mehmet Ayse Olumide Chidi Amara Fatima Omar Leila Mateo Valentina"
).split()


@dataclass(frozen=True)
class Journal:
    full: str  # as MEDLINE's JT and embase.com's JF write it
    nlm: str  # MEDLINE TA
    dotted: str  # embase.com JO and Scopus "Abbreviated Source Title"
    issn: str
    code: str  # used in the test-prefix DOI
    field: str  # rheum, haem, nephro, immuno, general


JOURNALS = (
    Journal(
        "Annals of the rheumatic diseases", "Ann Rheum Dis", "Ann. Rheum. Dis.", "1468-2060", "ard", "rheum"
    ),
    Journal(
        "Arthritis & rheumatology (Hoboken, N.J.)",
        "Arthritis Rheumatol",
        "Arthritis Rheumatol.",
        "2326-5205",
        "art",
        "rheum",
    ),
    Journal("Lupus", "Lupus", "Lupus", "1477-0962", "lup", "rheum"),
    Journal("Lupus science & medicine", "Lupus Sci Med", "Lupus Sci. Med.", "2053-8790", "lsm", "rheum"),
    Journal(
        "Rheumatology (Oxford, England)",
        "Rheumatology (Oxford)",
        "Rheumatology",
        "1462-0332",
        "rheu",
        "rheum",
    ),
    Journal("RMD open", "RMD Open", "RMD Open", "2056-5933", "rmdo", "rheum"),
    Journal(
        "Seminars in arthritis and rheumatism",
        "Semin Arthritis Rheum",
        "Semin. Arthritis Rheum.",
        "1532-866X",
        "sar",
        "rheum",
    ),
    Journal("Autoimmunity reviews", "Autoimmun Rev", "Autoimmun. Rev.", "1873-0183", "autrev", "immuno"),
    Journal("Journal of autoimmunity", "J Autoimmun", "J. Autoimmun.", "1095-9157", "jaut", "immuno"),
    Journal("Frontiers in immunology", "Front Immunol", "Front. Immunol.", "1664-3224", "fimm", "immuno"),
    Journal("Nature medicine", "Nat Med", "Nat. Med.", "1546-170X", "natmed", "general"),
    Journal(
        "The New England journal of medicine",
        "N Engl J Med",
        "New Engl. J. Med.",
        "1533-4406",
        "nejm",
        "general",
    ),
    Journal("Lancet (London, England)", "Lancet", "Lancet", "1474-547X", "lancet", "general"),
    Journal("Blood", "Blood", "Blood", "1528-0020", "blood", "haem"),
    Journal("Journal of clinical oncology", "J Clin Oncol", "J. Clin. Oncol.", "1527-7755", "jco", "haem"),
    Journal("The Lancet. Haematology", "Lancet Haematol", "Lancet Haematol.", "2352-3026", "lanhae", "haem"),
    Journal("Haematologica", "Haematologica", "Haematologica", "1592-8721", "haema", "haem"),
    Journal("Leukemia", "Leukemia", "Leukemia", "1476-5551", "leuk", "haem"),
    Journal(
        "Bone marrow transplantation",
        "Bone Marrow Transplant",
        "Bone Marrow Transplant.",
        "1476-5365",
        "bmt",
        "haem",
    ),
    Journal(
        "Transplantation and cellular therapy",
        "Transplant Cell Ther",
        "Transplant. Cell. Ther.",
        "2666-6367",
        "tct",
        "haem",
    ),
    Journal(
        "Journal for immunotherapy of cancer",
        "J Immunother Cancer",
        "J. Immunother. Cancer",
        "2051-1426",
        "jitc",
        "haem",
    ),
    Journal("Kidney international", "Kidney Int", "Kidney Int.", "1523-1755", "kint", "nephro"),
    Journal(
        "Journal of the American Society of Nephrology : JASN",
        "J Am Soc Nephrol",
        "J. Am. Soc. Nephrol.",
        "1533-3450",
        "jasn",
        "nephro",
    ),
    Journal(
        "Nephrology, dialysis, transplantation",
        "Nephrol Dial Transplant",
        "Nephrol. Dial. Transplant.",
        "1460-2385",
        "ndt",
        "nephro",
    ),
    Journal("Clinical rheumatology", "Clin Rheumatol", "Clin. Rheumatol.", "1434-9949", "clrh", "rheum"),
)

# Topic families: (weight, journal field, title templates, keywords). Slots in braces are filled
# from SLOTS; each family stands for one neighbour of the review's question.
TOPICS: dict[str, tuple[float, str, tuple[str, ...], tuple[str, ...]]] = {
    "lymphoma": (
        0.22,
        "haem",
        (
            "{outcome} of {cd19product} in {lymphoma}: {design}",
            "{cd19product} versus standard of care in {lymphoma}",
            "Real-world {outcome} of CD19-directed CAR T cells in {lymphoma}",
            "Predictors of {outcome} after CAR T-cell therapy for {lymphoma}",
            "{tox} after {cd19product} in patients with {lymphoma}: {design}",
        ),
        ("CAR T-cell therapy", "lymphoma", "CD19", "cytokine release syndrome"),
    ),
    "myeloma": (
        0.16,
        "haem",
        (
            "{outcome} of {bcmaproduct} in {myeloma}: {design}",
            "BCMA-directed CAR T cells in {myeloma}: {outcome}",
            "{tox} after BCMA CAR T-cell therapy for {myeloma}",
            "Sequencing of BCMA-targeted therapies in {myeloma}",
        ),
        ("multiple myeloma", "BCMA", "CAR T-cell therapy"),
    ),
    "toxicity": (
        0.08,
        "haem",
        (
            "Management of {tox} after CAR T-cell therapy: {design}",
            "Biomarkers predicting {tox} after CAR T-cell infusion",
            "Incidence and outcome of {tox} in recipients of CAR T cells",
        ),
        ("cytokine release syndrome", "ICANS", "neurotoxicity"),
    ),
    "nephritis": (
        0.14,
        "nephro",
        (
            "{lnagent} for active lupus nephritis: {design}",
            "{outcome} of {lnagent} in {lnpopulation}",
            "Repeat kidney biopsy and {outcome} in {lnpopulation}",
            "Predictors of renal flare in {lnpopulation}",
        ),
        ("lupus nephritis", "systemic lupus erythematosus", "proteinuria"),
    ),
    "bcell": (
        0.12,
        "rheum",
        (
            "B-cell depletion with {bcdagent} in {autoimmune}: {design}",
            "{outcome} of {bcdagent} in refractory {autoimmune}",
            "B-cell reconstitution after {bcdagent} in {autoimmune}",
        ),
        ("B-cell depletion", "rituximab", "autoimmunity"),
    ),
    "sle": (
        0.13,
        "rheum",
        (
            "{slefocus} in systemic lupus erythematosus: {design}",
            "Association of {slefocus} with disease activity in systemic lupus erythematosus",
            "{slefocus} and damage accrual in patients with SLE",
        ),
        ("systemic lupus erythematosus", "SLEDAI-2K", "disease activity"),
    ),
    "autoimmune_car": (
        0.08,
        "immuno",
        (
            "CD19 CAR T cells in {autoimmune}: {design}",
            "CAR T-cell therapy for refractory {autoimmune}",
            "Immune reset after CAR T-cell therapy in {autoimmune}",
        ),
        ("CAR T-cell therapy", "autoimmune disease", "immune reset"),
    ),
    "review": (
        0.07,
        "immuno",
        (
            "CAR T cells in autoimmune disease: {reviewangle}",
            "Chimeric antigen receptor T cells beyond cancer: {reviewangle}",
            "Cellular therapies for systemic lupus erythematosus: {reviewangle}",
        ),
        ("review", "CAR T-cell therapy", "autoimmunity"),
    ),
}

SLOTS: dict[str, tuple[str, ...]] = {
    "outcome": (
        "Efficacy and safety",
        "Long-term outcomes",
        "Survival",
        "Response rates",
        "Quality of life",
        "Costs",
        "Durability of response",
        "Health-care utilisation",
    ),
    "design": (
        "a multicentre retrospective study",
        "a single-centre cohort study",
        "a phase 2 trial",
        "a systematic review and meta-analysis",
        "a registry analysis",
        "a prospective cohort study",
        "a matched comparison",
        "results of a randomised controlled trial",
        "a post hoc analysis",
    ),
    "cd19product": (
        "axicabtagene ciloleucel",
        "tisagenlecleucel",
        "lisocabtagene maraleucel",
        "brexucabtagene autoleucel",
        "CD19-directed CAR T cells",
    ),
    "bcmaproduct": ("idecabtagene vicleucel", "ciltacabtagene autoleucel", "BCMA-directed CAR T cells"),
    "lymphoma": (
        "relapsed or refractory large B-cell lymphoma",
        "follicular lymphoma",
        "mantle cell lymphoma",
        "primary central nervous system lymphoma",
        "older patients with large B-cell lymphoma",
    ),
    "myeloma": (
        "relapsed and refractory multiple myeloma",
        "triple-class exposed multiple myeloma",
        "high-risk multiple myeloma",
        "newly diagnosed multiple myeloma",
    ),
    "tox": (
        "cytokine release syndrome",
        "immune effector cell-associated neurotoxicity syndrome",
        "prolonged cytopenia",
        "infections",
        "hypogammaglobulinemia",
        "secondary malignancies",
    ),
    "lnagent": (
        "Belimumab",
        "Voclosporin",
        "Obinutuzumab",
        "Anifrolumab",
        "Mycophenolate mofetil",
        "Low-dose cyclophosphamide",
        "Tacrolimus",
        "Multitarget therapy",
    ),
    "lnpopulation": (
        "class III or IV lupus nephritis",
        "refractory lupus nephritis",
        "childhood-onset lupus nephritis",
        "lupus nephritis with proteinuria above 3 g/day",
        "membranous lupus nephritis",
    ),
    "bcdagent": ("rituximab", "obinutuzumab", "ocrelizumab", "inebilizumab", "ofatumumab"),
    "autoimmune": (
        "systemic sclerosis",
        "idiopathic inflammatory myopathy",
        "myasthenia gravis",
        "ANCA-associated vasculitis",
        "neuromyelitis optica spectrum disorder",
        "multiple sclerosis",
        "immune thrombocytopenia",
        "pemphigus vulgaris",
        "Sjogren disease",
        "antiphospholipid syndrome",
    ),
    "slefocus": (
        "Anti-dsDNA antibodies",
        "Complement C3 and C4 levels",
        "Type I interferon signature",
        "Glucocorticoid tapering",
        "Hydroxychloroquine blood levels",
        "Fatigue",
        "Cardiovascular risk",
        "Pregnancy outcomes",
        "Lupus low disease activity state",
        "Neuropsychiatric lupus",
    ),
    "reviewangle": (
        "a narrative review",
        "current evidence and open questions",
        "a state-of-the-art review",
        "mechanisms and clinical experience",
        "promise and pitfalls",
        "an update",
    ),
}

# Abstract sentences; {n}, {pct}, {months}, {p} are numbers, {topic} a phrase from the title.
BACKGROUND = (
    "{topic} remains a clinical challenge despite recent advances.",
    "Evidence on {topic} is limited to small series and expert opinion.",
    "We aimed to describe {topic} in routine practice.",
    "Little is known about {topic} outside clinical trials.",
)
METHODS = (
    "We included {n} consecutive patients treated between 2018 and 2023.",
    "Data from {n} patients in {centres} centres were analysed retrospectively.",
    "Eligible patients (n = {n}) were followed for a median of {months} months.",
    "We searched four databases and pooled {n} studies with a random-effects model.",
    "Outcomes were compared with a propensity-matched control group of {n} patients.",
)
RESULTS = (
    "The overall response rate was {pct}% and the complete response rate {pct2}%.",
    "At {months} months, {pct}% of patients remained free of progression.",
    "Grade 3 or higher adverse events occurred in {pct}% of patients.",
    "The primary end point was met (p = {p}).",
    "Median time to response was {months} weeks.",
    "Infections were the most frequent serious adverse event ({pct}%).",
)
CONCLUSIONS = (
    "These findings support further prospective evaluation.",
    "Longer follow-up is needed to confirm durability.",
    "This approach appears feasible and safe in selected patients.",
    "Our results inform patient selection and monitoring.",
)

# Spellings that differ between databases for the same article (the British form in some copies).
BRITISH = (
    ("hematolog", "haematolog"),
    ("randomized", "randomised"),
    ("tumor", "tumour"),
    ("leukemia", "leukaemia"),
    ("anemia", "anaemia"),
    ("characterization", "characterisation"),
)

LANGUAGES = (("German", "ger"), ("Chinese", "chi"), ("French", "fre"), ("Spanish", "spa"))
# Original-language titles (MEDLINE's TT) of the few non-English articles.
ORIGINAL_TITLES = {
    "German": (
        "Zelluläre Therapien bei Autoimmunerkrankungen: eine Übersicht",
        "CAR-T-Zellen in der Rheumatologie",
        "Behandlung der refraktären Lupusnephritis",
    ),
    "Chinese": (
        "Zhongguo CAR-T xibao zhiliao de linchuang yanjiu",
        "Xitongxing hongbanlangchuang de zhiliao jinzhan",
    ),
    "French": (
        "Les cellules CAR-T dans les maladies auto-immunes",
        "Traitement de la néphropathie lupique réfractaire",
    ),
    "Spanish": (
        "Terapia con células CAR-T en enfermedades autoinmunes",
        "Nefritis lúpica refractaria: revisión",
    ),
}
