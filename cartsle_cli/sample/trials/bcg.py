"""The BCG vaccine sample: the 13 trials of Colditz et al. (1994), as R's metadat ships them.

Data: Colditz GA, Brewer TF, Berkey CS, Wilson ME, Burdick E, Fineberg HV, Mosteller F (1994).
Efficacy of BCG vaccine in the prevention of tuberculosis: meta-analysis of the published
literature. JAMA 271:698-702; trial-level data as ``dat.bcg`` (metadat 1.2-0 with metafor 3.8-1):
tuberculosis cases and participants per arm, absolute latitude and the method of allocation.
Their analysis is published: Viechtbauer W (2010). Conducting meta-analyses in R with the metafor
package. Journal of Statistical Software 36(3):1-48 (the random-effects and mixed-effects models
of the log risk ratio), which the end-to-end test checks.

The citations name each trial's report by first author, year, title and journal as the
meta-analysis's reference list is commonly cited; ``unsure`` marks what could not be checked.
"""

from __future__ import annotations

from cartsle_cli.sample.trials.model import Citation, FullTextExclusion, Neighbour, Trial, TrialSample

ARMS = ("vaccine", "control")
UNCHECKED = "title and journal as recalled from the meta-analysis's reference list, not checked"

# print(dat.bcg) in R (metafor 3.8-1): author, year, tpos, tneg, cpos, cneg, ablat, alloc
ROWS = (
    ("Aronson", 1948, 4, 119, 11, 128, 44, "random"),
    ("Ferguson", 1949, 6, 300, 29, 274, 55, "random"),
    ("Rosenthal", 1960, 3, 228, 11, 209, 42, "random"),
    ("Hart", 1977, 62, 13536, 248, 12619, 52, "random"),
    ("Frimodt-Moller", 1973, 33, 5036, 47, 5761, 13, "alternate"),
    ("Stein", 1953, 180, 1361, 372, 1079, 44, "alternate"),
    ("Vandiviere", 1973, 8, 2537, 10, 619, 19, "random"),
    ("TPT Madras", 1980, 505, 87886, 499, 87892, 13, "random"),
    ("Coetzee", 1968, 29, 7470, 45, 7232, 27, "random"),
    ("Rosenthal", 1961, 17, 1699, 65, 1600, 42, "systematic"),
    ("Comstock", 1974, 186, 50448, 141, 27197, 18, "systematic"),
    ("Comstock", 1969, 5, 2493, 3, 2338, 33, "systematic"),
    ("Comstock", 1976, 27, 16886, 29, 17825, 33, "systematic"),
)

CITATIONS = {
    ("Aronson", 1948): Citation(
        "Aronson JD",
        1948,
        "Protective vaccination against tuberculosis with special reference to BCG vaccination",
        "American Review of Tuberculosis",
    ),
    ("Ferguson", 1949): Citation(
        "Ferguson RG", 1949, "BCG vaccination of Indian infants in Saskatchewan", "Tubercle"
    ),
    ("Rosenthal", 1960): Citation(
        "Rosenthal SR",
        1960,
        "BCG vaccination in tuberculous households",
        "American Review of Respiratory Disease",
    ),
    ("Hart", 1977): Citation(
        "Hart PD",
        1977,
        "BCG and vole bacillus vaccines in the prevention of tuberculosis in adolescence and early adult life",
        "British Medical Journal",
    ),
    ("Frimodt-Moller", 1973): Citation(
        "Frimodt-Moller J",
        1973,
        "A community-wide tuberculosis study in a south Indian rural population, 1950-1955",
        "Bulletin of the World Health Organization",
        unsure=UNCHECKED,
    ),
    ("Stein", 1953): Citation(
        "Stein SC",
        1953,
        "The occurrence of pulmonary lesions in BCG-vaccinated and unvaccinated persons",
        "American Review of Tuberculosis",
        unsure=UNCHECKED,
    ),
    ("Vandiviere", 1973): Citation(
        "Vandiviere HM",
        1973,
        "Efficacy of bacillus Calmette-Guerin and isoniazid-resistant bacillus Calmette-Guerin with and "
        "without isoniazid chemoprophylaxis from day of vaccination: II. Field trial in man",
        "American Review of Respiratory Disease",
        unsure=UNCHECKED,
    ),
    ("TPT Madras", 1980): Citation(
        "Tuberculosis Prevention Trial",
        1980,
        "Trial of BCG vaccines in south India for tuberculosis prevention",
        "Indian Journal of Medical Research",
        unsure="the trial's first report (1979) is in the Bulletin of the World Health Organization; the "
        "1980 report's journal as recalled, not checked",
    ),
    ("Coetzee", 1968): Citation(
        "Coetzee AM",
        1968,
        "BCG in the prevention of tuberculosis in an adult population",
        "Proceedings of the Mine Medical Officers Association",
        unsure=UNCHECKED,
    ),
    ("Rosenthal", 1961): Citation(
        "Rosenthal SR",
        1961,
        "BCG vaccination against tuberculosis in Chicago: a twenty-year study statistically analyzed",
        "Pediatrics",
    ),
    ("Comstock", 1974): Citation(
        "Comstock GW",
        1974,
        "Evaluation of BCG vaccination among Puerto Rican children",
        "American Journal of Public Health",
    ),
    ("Comstock", 1969): Citation(
        "Comstock GW",
        1969,
        "Tuberculosis studies in Muscogee County, Georgia: VII. A twenty-year evaluation of BCG "
        "vaccination in a school population",
        "American Review of Respiratory Disease",
    ),
    ("Comstock", 1976): Citation(
        "Comstock GW",
        1976,
        "Tuberculosis studies in Muscogee County, Georgia: twenty-year evaluation of a community trial "
        "of BCG vaccination",
        "Public Health Reports",
        unsure=UNCHECKED,
    ),
}


def _trial(row: tuple) -> Trial:
    author, year, tpos, tneg, cpos, cneg, ablat, alloc = row
    citation = CITATIONS[(author, year)]
    return Trial(
        study_id=f"{author} {year}",
        citation=citation,
        characteristics={"first_author": author, "year": str(year), "alloc": alloc, "ablat": str(ablat)},
        arms={
            ARMS[0]: {"tb_events": str(tpos), "tb_n": str(tpos + tneg)},
            ARMS[1]: {"tb_events": str(cpos), "tb_n": str(cpos + cneg)},
        },
        outcomes=("tb",),
    )


SLOTS = {
    "group": ("children", "health-care workers", "prisoners", "migrants", "people with HIV", "miners"),
    "test": ("tuberculin skin test", "interferon-gamma release assay", "sputum smear", "chest radiography"),
    "drug": ("isoniazid", "rifampicin", "rifapentine", "bedaquiline", "a four-drug regimen"),
    "place": ("south India", "Cape Town", "rural Malawi", "Lima", "Vietnam", "Chicago"),
}

NEIGHBOURS = (
    Neighbour(
        (
            "Accuracy of the {test} for latent tuberculosis among {group}",
            "Treatment of latent tuberculosis with {drug} in {group}: a randomised trial",
            "Incidence of tuberculosis among {group} in {place}",
            "Drug-resistant tuberculosis in {place}: a cohort study",
            "Adverse events of {drug} in the treatment of pulmonary tuberculosis",
            "Contact tracing for tuberculosis in {place}",
            "Leprosy control programmes in {place}",
        )
    ),
    Neighbour(
        (
            "BCG vaccination and tuberculosis in {group}: a case-control study",
            "Efficacy of BCG revaccination of {group}: a cohort study",
            "Tuberculin conversion after BCG vaccination of {group}",
            "BCG vaccination programmes in {place}: a review",
        ),
        tempting=True,
    ),
)

FULL_TEXT_EXCLUSIONS = (
    FullTextExclusion(
        "BCG vaccination of newborns and tuberculous meningitis: a case-control study", "wrong study design"
    ),
    FullTextExclusion("Protection by BCG against leprosy in a household contact study", "wrong outcomes"),
    FullTextExclusion(
        "A trial of a killed mycobacterial vaccine against tuberculosis in adults", "wrong intervention"
    ),
    FullTextExclusion(
        "BCG vaccination of school leavers: a historical cohort comparison", "wrong study design"
    ),
)

SAMPLE = TrialSample(
    name="bcg",
    title="BCG vaccine for preventing tuberculosis",
    data_source=(
        "Colditz GA, Brewer TF, Berkey CS, et al. (1994). Efficacy of BCG vaccine in the prevention of "
        "tuberculosis: meta-analysis of the published literature. JAMA 271:698-702 (trial-level data as "
        "in R metadat's dat.bcg)"
    ),
    protocol_file="bcg.toml",
    arm_ids=ARMS,
    trials=tuple(_trial(row) for row in ROWS),
    neighbours=NEIGHBOURS,
    slots=SLOTS,
    journals=(
        "Tubercle",
        "American Review of Respiratory Disease",
        "Bulletin of the World Health Organization",
        "International Journal of Tuberculosis and Lung Disease",
        "Lancet",
        "BMJ",
        "Vaccine",
    ),
    full_text_exclusions=FULL_TEXT_EXCLUSIONS,
    searched="1992-12-31",
    years=(1950, 1992),
    off_topic=56,
    seed=1994,
    keywords=("BCG vaccine", "tuberculosis", "prevention"),
)
