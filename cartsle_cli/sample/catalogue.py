"""Every work of the sample review and its copies in the five files, with the planted traps.

How the counts were reached: the four database files hold exactly PubMed 1,251, Embase 2,286,
Scopus 1,103 and CENTRAL 303 records (4,943, the abstract's figure). The reports a reviewer reads
in full (:mod:`cartsle_cli.sample.included`) are placed first; background works on neighbouring
topics fill each file up to its count: MEDLINE articles (in PubMed, most also in Embase and
Scopus, some trials in CENTRAL), Embase-only conference abstracts (some also in CENTRAL),
Embase-and-Scopus journals outside MEDLINE, Scopus-only records and CENTRAL trial-registry
records, plus second records of one work inside Embase, Scopus and CENTRAL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cartsle_cli.sample.draw import Draw
from cartsle_cli.sample.included import (
    ACR_EXCLUDED_AT_FULL_TEXT,
    EXCLUDED_AT_FULL_TEXT,
    INCLUDED_REPORTS,
    ReportSpec,
)
from cartsle_cli.sample.studies import study
from cartsle_cli.sample.vocabulary import JOURNALS, LANGUAGES, ORIGINAL_TITLES
from cartsle_cli.sample.works import (
    Copy,
    Numbers,
    Work,
    abstract_for,
    conference_abstract,
    fill,
    topical_work,
)

SEED = 4943
FILE_SIZES = {"pubmed": 1251, "embase": 2286, "scopus": 1103, "central": 303}
ACR_SIZE = 48
REPEATS = {"embase": 26, "scopus": 8, "central": 8}  # second records of one work inside a file
EMBASE_AND_SCOPUS_ONLY, SCOPUS_ONLY, REGISTRY, CONFERENCE_IN_CENTRAL = 240, 35, 95, 90
EARLY_ABSTRACTS, ERRATA, SAME_TITLE_PAIRS, SHARED_DOI_GROUPS = 30, 12, 6, 5


@dataclass
class Catalogue:
    works: list[Work]
    copies: dict[str, list[Copy]]  # file key (pubmed, embase, scopus, central, acr) -> copies in file order


def build(seed: int = SEED) -> Catalogue:
    """Every work and copy, in a fixed order of draws (so the same seed gives the same files)."""
    shelf = _Shelf(Draw(seed))
    for spec in (*INCLUDED_REPORTS, *EXCLUDED_AT_FULL_TEXT, *ACR_EXCLUDED_AT_FULL_TEXT):
        shelf.titles.add(spec.title.lower())
        shelf.add(_special(spec, shelf.draw, shelf.numbers), spec.databases)
    medline = _medline(shelf)
    _outside_medline(shelf)
    _conference_abstracts(shelf, [w for w in medline if w.kind == "article"])
    _repeats(shelf)
    _background_acr(shelf, ACR_SIZE - len(shelf.copies["acr"]))
    _plant_variants(shelf.copies, shelf.draw)
    _assign_ids(shelf.copies, shelf.numbers)
    copies = {database: shelf.draw.shuffled(found) for database, found in shelf.copies.items()}
    return Catalogue(shelf.works, copies)


class _Shelf:
    """The works made so far, their copies per file, and the titles already used."""

    def __init__(self, draw: Draw) -> None:
        self.draw, self.numbers = draw, Numbers()
        self.titles: set[str] = set()
        self.works: list[Work] = []
        self.copies: dict[str, list[Copy]] = {key: [] for key in (*FILE_SIZES, "acr")}

    def add(self, work: Work, databases: tuple[str, ...]) -> Work:
        work.key = f"W{len(self.works) + 1:05d}"  # numbered when shelved: works made together get their own
        self.works.append(work)
        self.also_in(work, databases)
        return work

    def also_in(self, work: Work, databases: tuple[str, ...]) -> None:
        for database in databases:
            self.copies[database].append(Copy(work, database))

    def unique(self, make: Callable[[], Work]) -> Work:
        """A newly made work whose title no other work has (look-alikes are made on purpose only)."""
        while True:
            work = make()
            if work.title.lower() not in self.titles:
                self.titles.add(work.title.lower())
                return work


def _medline(shelf: _Shelf) -> list[Work]:
    """MEDLINE articles filling PubMed, with errata; Embase and Scopus take most, CENTRAL some."""
    draw, numbers, copies = shelf.draw, shelf.numbers, shelf.copies
    medline = []
    while len(copies["pubmed"]) < FILE_SIZES["pubmed"] - ERRATA:
        kind = draw.weighted(("article", "review", "editorial", "letter"), (0.78, 0.12, 0.05, 0.05))
        work = shelf.unique(lambda: topical_work("", draw, numbers, kind=kind))  # noqa: B023 (called at once)
        work.pmid = numbers.pmid()
        if draw.chance(0.04):
            language, _ = draw.pick(LANGUAGES)
            work.language, work.original_title = language, draw.pick(ORIGINAL_TITLES[language])
        medline.append(shelf.add(work, ("pubmed",)))
    for target in draw.sample(medline, ERRATA):  # errata are separate works: never the article
        erratum = shelf.add(_erratum(target, draw, numbers), ("pubmed", "embase"))
        shelf.titles.add(erratum.title.lower())
    central = (
        FILE_SIZES["central"] - len(copies["central"]) - REGISTRY - CONFERENCE_IN_CENTRAL - REPEATS["central"]
    )
    scopus = (
        FILE_SIZES["scopus"]
        - len(copies["scopus"])
        - EMBASE_AND_SCOPUS_ONLY
        - SCOPUS_ONLY
        - REPEATS["scopus"]
    )
    for work in draw.sample([w for w in medline if w.kind == "article"], central):
        shelf.also_in(work, ("central",))
    for work in draw.sample(medline, scopus):
        shelf.also_in(work, ("scopus",))
    for work in draw.sample(medline, int(len(medline) * 0.9)):
        shelf.also_in(work, ("embase",))
    return medline


def _outside_medline(shelf: _Shelf) -> None:
    """Journals outside MEDLINE (Embase and Scopus), Scopus-only records, CENTRAL registry records."""
    draw, numbers = shelf.draw, shelf.numbers
    for _ in range(EMBASE_AND_SCOPUS_ONLY):
        shelf.add(shelf.unique(lambda: topical_work("", draw, numbers)), ("embase", "scopus"))
    for _ in range(SCOPUS_ONLY):
        shelf.add(
            shelf.unique(lambda: topical_work("", draw, numbers, kind=draw.pick(("article", "review")))),
            ("scopus",),
        )
    for _ in range(REGISTRY):
        shelf.add(shelf.unique(lambda: _registry(draw, numbers)), ("central",))


def _conference_abstracts(shelf: _Shelf, articles: list[Work]) -> None:
    """Abstracts filling Embase: early abstracts of later articles, the same title another year,
    a supplement DOI shared by several abstracts, and many plain ones (some also in CENTRAL)."""
    draw, numbers = shelf.draw, shelf.numbers
    for article in draw.sample(articles, EARLY_ABSTRACTS):
        early = conference_abstract(
            "", draw, numbers, title=_early_title(article.title, draw), year=article.year - 1
        )
        early.trap = f"conference abstract before the article {article.key}"
        early.doi = numbers.doi(early.journal, early.year)  # its own DOI, as supplement abstracts often have
        shelf.titles.add(early.title.lower())
        shelf.add(early, ("embase",))
    for _ in range(SAME_TITLE_PAIRS):
        first = shelf.unique(lambda: conference_abstract("", draw, numbers, year=draw.between(2018, 2023)))
        first.doi, first.trap = numbers.doi(first.journal, first.year), "same title as next year's abstract"
        shelf.add(first, ("embase",))
        second = conference_abstract("", draw, numbers, title=first.title, year=first.year + 1)
        second.doi, second.trap = (
            numbers.doi(second.journal, second.year),
            f"same title as {first.key}, another year",
        )
        shelf.add(second, ("embase",))
    for _ in range(SHARED_DOI_GROUPS):
        group = [
            shelf.unique(lambda: conference_abstract("", draw, numbers, year=2022))
            for _ in range(draw.between(5, 9))
        ]
        supplement_doi = numbers.doi(group[0].journal, 2022)
        for work in group:
            work.doi, work.journal, work.trap = (
                supplement_doi,
                group[0].journal,
                "shares its supplement's DOI",
            )
            shelf.add(work, ("embase",))
    space = FILE_SIZES["embase"] - len(shelf.copies["embase"]) - REPEATS["embase"]
    plain = [
        shelf.add(shelf.unique(lambda: conference_abstract("", draw, numbers)), ("embase",))
        for _ in range(space)
    ]
    for work in draw.sample(plain, CONFERENCE_IN_CENTRAL):
        shelf.also_in(work, ("central",))


def _repeats(shelf: _Shelf) -> None:
    """Second records of one work inside Embase, Scopus and CENTRAL."""
    for database, count in REPEATS.items():
        originals = [c for c in shelf.copies[database] if c.work.kind in ("article", "conference")]
        for original in shelf.draw.sample(originals, count):
            shelf.copies[database].append(Copy(original.work, database, frozenset({"repeat"}), repeat=1))


def _special(spec: ReportSpec, draw: Draw, numbers: Numbers) -> Work:
    """A work from a hand-written spec: an included report or a full-text exclusion."""
    journal = next((j for j in JOURNALS if j.code == spec.journal), None)
    if spec.kind == "conference" or "acr" in spec.databases:
        work = conference_abstract("", draw, numbers, title=spec.title, year=spec.year)
        if "acr" in spec.databases:
            work.journal = next(j for j in JOURNALS if j.code == "art")
            work.conference = "ACR Convergence 2024"
    else:
        work = topical_work("", draw, numbers, kind=spec.kind, year=spec.year)
        work.title, work.abstract = spec.title, abstract_for(spec.title, draw)
        if journal:
            work.journal = journal
        work.doi = numbers.doi(work.journal, spec.year)
    if "pubmed" in spec.databases:
        work.pmid = numbers.pmid()
    work.study = spec.study
    if spec.study:  # the study is named after the first author of its reports
        work.authors[0] = (spec.study.split()[0], work.authors[0][1])
    work.abstract = _topic_abstract(spec, work.abstract)
    return work


def _topic_abstract(spec: ReportSpec, abstract: str | None) -> str | None:
    """A report of an included study describes that study, with the counts of its extraction row
    (the drawn template abstract is dropped); other reports keep theirs."""
    if not spec.study:
        return abstract
    row = study(spec.study).row
    country = f"the {row['country']}" if str(row["country"]).startswith("United") else row["country"]
    parts = [
        "BACKGROUND: Patients with refractory systemic lupus erythematosus (SLE) need new treatments.",
        f"METHODS: In this {row['design']} from {country}, {row['n_treated']} patients with active SLE who had failed"
        f" at least two immunosuppressants received {row['origin']} {row['target']}-directed CAR T cells ({row['product']})"
        f" after lymphodepletion.",
        f"RESULTS: Cytokine release syndrome occurred in {row['crs_any']} patients, mostly grade 1."
        f" B cells were depleted within {row['bcell_depletion_weeks']} weeks. SLEDAI-2K fell in all patients with follow-up.",
        "CONCLUSIONS: CAR T cells induced drug-free remission with acceptable toxicity.",
    ]
    return " ".join(parts)


def _erratum(target: Work, draw: Draw, numbers: Numbers) -> Work:
    erratum = topical_work("", draw, numbers, kind="letter", year=min(2025, target.year + draw.between(0, 1)))
    erratum.kind, erratum.abstract, erratum.authors = "erratum", None, target.authors[:1]
    erratum.title = draw.pick(("Correction to: ", "Erratum: ", 'Corrigendum to "')) + target.title
    if erratum.title.startswith("Corrigendum"):
        erratum.title += '"'
    erratum.journal, erratum.pmid = target.journal, numbers.pmid()
    erratum.trap = f"erratum of {target.key}"
    return erratum


def _early_title(title: str, draw: Draw) -> str:
    """The abstract's title: the article's, or a preliminary form of it."""
    if draw.chance(0.5):
        return title
    return (
        title.split(":")[0]
        + ": "
        + draw.pick(("preliminary results", "interim analysis", "first results", "an update"))
    )


def _registry(draw: Draw, numbers: Numbers) -> Work:
    title = fill(
        draw.pick(
            (
                "A Phase {phase} Study of {agent} in {disease}",
                "{agent} in Patients With {disease}: an Open-label Study",
                "Safety and Efficacy of {agent} for {disease}",
            )
        )
        .replace("{phase}", draw.pick(("1", "1/2", "2", "3")))
        .replace(
            "{agent}",
            draw.pick(
                (
                    "CD19 CAR T Cells",
                    "BCMA CAR T Cells",
                    "Rituximab",
                    "Obinutuzumab",
                    "Anifrolumab",
                    "Belimumab",
                    "CD19/BCMA CAR T Cells",
                ),
            ),
        )
        .replace(
            "{disease}",
            draw.pick(
                (
                    "Systemic Lupus Erythematosus",
                    "Lupus Nephritis",
                    "Refractory B-cell Lymphoma",
                    "Multiple Myeloma",
                    "Systemic Sclerosis",
                    "Myasthenia Gravis",
                )
            ),
        ),
        draw,
    )
    nct = f"NCT09{10_000 + 11 * numbers.next():06d}"
    return Work(
        key="",
        kind="registry",
        title=title,
        abstract=None,
        authors=[],
        year=draw.between(2019, 2025),
        month=draw.between(1, 12),
        journal=None,
        nct=nct,
        keywords=("clinical trial",),
    )


def _background_acr(shelf: _Shelf, count: int) -> None:
    """Other ACR Convergence 2024 abstracts the archive search returns (excluded on title)."""
    draw, numbers = shelf.draw, shelf.numbers
    art = next(j for j in JOURNALS if j.code == "art")

    def make() -> Work:
        title = fill(
            draw.pick(
                (
                    "{slefocus} in Systemic Lupus Erythematosus: Results from a Multicentre Cohort",
                    "{lnagent} in Lupus Nephritis: {design}",
                    "B-Cell Depletion with {bcdagent} in {autoimmune}",
                    "Predictors of Flare After Tapering Therapy in SLE",
                )
            ),
            draw,
        )
        work = conference_abstract("", draw, numbers, title=title.title().replace("Sle", "SLE"), year=2024)
        work.journal, work.conference = art, "ACR Convergence 2024"
        return work

    for _ in range(count):
        shelf.add(shelf.unique(make), ("acr",))


def _plant_variants(copies: dict[str, list[Copy]], draw: Draw) -> None:
    """The ways one article differs between databases, planted at realistic rates."""
    rates = {
        "embase": (("doi_missing", 0.08), ("title_entity", 0.06), ("title_punct", 0.04)),
        "scopus": (("doi_upper", 0.12), ("title_case", 0.04), ("title_british", 0.08)),
        "central": (("doi_url", 0.15), ("title_punct", 0.05)),
        "pubmed": (("title_british", 0.03),),
    }
    plain_kept: set[str] = set()
    for database, planted in rates.items():
        for index, copy in enumerate(copies[database]):
            chosen = {name for name, rate in planted if draw.chance(rate)}
            if not copy.work.pmid and copy.work.key not in plain_kept:
                # a work without a PMID may be found by its title alone (no DOI, a DOI its
                # supplement shares, or a DOI lost in Embase): one copy keeps it plain
                plain_kept.add(copy.work.key)
                chosen = {name for name in chosen if not name.startswith("title_")}
            if copy.work.trap or copy.work.study:
                chosen.discard("doi_missing")  # look-alikes keep the DOI that tells them apart
            if chosen:
                copies[database][index] = Copy(copy.work, database, copy.variants | chosen, copy.repeat)


def _assign_ids(copies: dict[str, list[Copy]], numbers: Numbers) -> None:
    """Each copy's accession id in its database (a second record of a work gets its own)."""
    for copy in copies["acr"]:
        copy.work.ids["acr"] = f"ACR24-{1000 + 7 * numbers.next()}"
    for copy in (c for database in ("embase", "scopus", "central") for c in copies[database]):
        number = numbers.next()
        own = {
            "embase": f"L99{1_000_000 + 13 * number:07d}",
            "scopus": f"2-s2.0-990{10_000_000 + 17 * number:08d}",
            "central": f"CN-09{100_000 + 3 * number:06d}",
        }[copy.database]
        copy.work.ids.setdefault(copy.database, own)
        if copy.repeat:
            copy.work.ids[f"{copy.database}#2"] = own
