"""The asthma self-management sample: 15 randomised trials of the Cochrane review of Gibson et al.

Data: Gibson PG, Powell H, Wilson A, Abramson MJ, Haywood P, Bauman A, Hensley MJ, Walters EH,
Roberts JJL (2002). Self-management education and regular practitioner review for adults with
asthma. Cochrane Database of Systematic Reviews, 3, CD001117. doi:10.1002/14651858.CD001117, as
R's metadat package ships its trial-level data (``dat.gibson2002``, metadat 1.2-0 with metafor
3.8-1): days off work or school (mean, SD, n per arm; 13 trials), participants with one or more
days off (events and n per arm; 7 trials) and the intervention's components (``type``).

The citations are the trials' reports as the review's reference list names them (first author,
year, title, journal); ``unsure`` marks what could not be checked. No DOI or PMID is given.
"""

from __future__ import annotations

from cartsle_cli.sample.trials.model import Citation, FullTextExclusion, Neighbour, Trial, TrialSample

ARMS = ("education", "usual")
TYPES = {
    1: "optimal self-management",  # written action plan, self-monitoring, regular medical review
    2: "self-monitoring and regular review",
    3: "self-monitoring only",
    4: "regular review only",
    5: "written action plan only",
}

# author, year, n1i, m1i, sd1i, n2i, m2i, sd2i, ai, bi, ci, di, type: print(dat.gibson2002) in R
# (metafor 3.8-1); metadat spells Garrett "Garret", the first author of the Thorax report.
ROWS = (
    ("Cote", 1997, 50, "2.20", "12.73", 54, "5.20", "12.50", None, None, None, None, 1),
    ("Ghosh", 1998, 140, "17.60", "24.20", 136, "34.10", "38.80", None, None, None, None, 1),
    ("Hayward", 1996, 23, "0.38", "0.56", 19, "0.23", "0.29", None, None, None, None, 1),
    ("Heard", 1999, 97, "2.09", "5.93", 94, "2.66", "4.95", 34, 63, 36, 58, 1),
    ("Ignacio-Garcia", 1995, 35, "4.92", "6.05", 35, "20.00", "26.34", 24, 11, 29, 6, 1),
    ("Knoell", 1998, 45, "0.85", "4.75", 55, "2.31", "9.16", None, None, None, None, 1),
    ("Lahdensuo", 1996, 56, "2.80", "9.00", 59, "4.80", "7.20", 13, 43, 25, 34, 1),
    ("Sommaruga", 1995, 20, "24.10", "11.80", 20, "31.80", "17.90", None, None, None, None, 1),
    ("Zeiger", 1991, 128, "1.40", "3.30", 143, "2.30", "7.60", None, None, None, None, 1),
    ("Garrett", 1994, 119, "6.23", "12.20", 100, "5.71", "8.57", 58, 42, 57, 33, 2),
    ("Neri", 1996, 32, "2.10", "8.00", 33, "5.10", "14.00", 7, 25, 13, 20, 3),
    ("Hilton", 1986, 86, "0.73", "1.48", 100, "0.47", "1.20", None, None, None, None, 4),
    ("Gallefoss", 1999, 25, "8.00", "32.00", 24, "26.00", "70.00", None, None, None, None, 5),
    ("Yoon", 1993, 28, None, None, 28, None, None, 5, 23, 4, 24, 1),
    ("Brewin", 1995, 12, None, None, 33, None, None, 0, 12, 16, 17, 3),
)

CITATIONS = {
    "Cote": Citation(
        "Cote J",
        1997,
        "Influence on asthma morbidity of asthma education programs based on self-management plans "
        "following treatment optimization",
        "American Journal of Respiratory and Critical Care Medicine",
    ),
    "Ghosh": Citation(
        "Ghosh CS",
        1998,
        "Reductions in hospital use from self management training for chronic asthmatics",
        "Social Science and Medicine",
    ),
    "Hayward": Citation(
        "Hayward SA",
        1996,
        "A randomised controlled evaluation of asthma self management in general practice",
        "Asthma in General Practice",
        unsure="title and journal as recalled from the review's reference list, not checked",
    ),
    "Heard": Citation(
        "Heard AR",
        1999,
        "Randomised controlled trial of general practice based asthma clinics",
        "Medical Journal of Australia",
    ),
    "Ignacio-Garcia": Citation(
        "Ignacio-Garcia JM",
        1995,
        "Asthma self-management education program by home monitoring of peak expiratory flow",
        "American Journal of Respiratory and Critical Care Medicine",
    ),
    "Knoell": Citation(
        "Knoell DL",
        1998,
        "Measurement of outcomes in adults receiving pharmaceutical care in a comprehensive asthma "
        "outpatient clinic",
        "Pharmacotherapy",
    ),
    "Lahdensuo": Citation(
        "Lahdensuo A",
        1996,
        "Randomised comparison of guided self management and traditional treatment of asthma over one year",
        "BMJ",
    ),
    "Sommaruga": Citation(
        "Sommaruga M",
        1995,
        "The effects of a cognitive behavioural intervention in asthmatic patients",
        "Monaldi Archives for Chest Disease",
    ),
    "Zeiger": Citation(
        "Zeiger RS",
        1991,
        "Facilitated referral to asthma specialist reduces relapses in asthma emergency room visits",
        "Journal of Allergy and Clinical Immunology",
    ),
    "Garrett": Citation(
        "Garrett J",
        1994,
        "Prospective controlled evaluation of the effect of a community based asthma education centre "
        "in a multiracial working class neighbourhood",
        "Thorax",
    ),
    "Neri": Citation(
        "Neri M",
        1996,
        "Economic analysis of two structured treatment and teaching programs on asthma",
        "Allergy",
    ),
    "Hilton": Citation(
        "Hilton S",
        1986,
        "Controlled evaluation of the effects of patient education on asthma morbidity in general practice",
        "Lancet",
    ),
    "Gallefoss": Citation(
        "Gallefoss F",
        1999,
        "Quality of life assessment after patient education in a randomized controlled study on asthma "
        "and chronic obstructive pulmonary disease",
        "American Journal of Respiratory and Critical Care Medicine",
        unsure="the trial has more than one 1999 report; which one the review cites was not checked",
    ),
    "Yoon": Citation(
        "Yoon R", 1993, "Controlled trial evaluation of an asthma education programme for adults", "Thorax"
    ),
    "Brewin": Citation(
        "Brewin AM",
        1995,
        "Effect of patient education on asthma management",
        "British Journal of Nursing",
        unsure="title and journal as recalled from the review's reference list, not checked",
    ),
}


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _trial(row: tuple) -> Trial:
    author, year, n1, m1, sd1, n2, m2, sd2, ai, bi, ci, di, kind = row
    arms = {
        ARMS[0]: {"days_off_mean": m1, "days_off_sd": sd1, "days_off_n": n1 if m1 else None},
        ARMS[1]: {"days_off_mean": m2, "days_off_sd": sd2, "days_off_n": n2 if m2 else None},
    }
    arms[ARMS[0]] |= {"any_day_off_events": ai, "any_day_off_n": None if ai is None else ai + bi}
    arms[ARMS[1]] |= {"any_day_off_events": ci, "any_day_off_n": None if ci is None else ci + di}
    outcomes = (("days_off",) if m1 else ()) + (("any_day_off",) if ai is not None else ())
    return Trial(
        study_id=f"{author} {year}",
        citation=CITATIONS[author],
        characteristics={"first_author": author, "year": str(year), "type": TYPES[kind]},
        arms={arm: {column: _cell(value) for column, value in cells.items()} for arm, cells in arms.items()},
        outcomes=outcomes,
    )


SLOTS = {
    "group": (
        "children",
        "adolescents",
        "schoolchildren",
        "older adults",
        "pregnant women",
        "inner-city adults",
        "primary care patients",
    ),
    "drug": (
        "inhaled budesonide",
        "salmeterol",
        "formoterol",
        "montelukast",
        "theophylline",
        "inhaled fluticasone",
        "oral prednisolone",
    ),
    "condition": ("chronic obstructive pulmonary disease", "allergic rhinitis", "chronic bronchitis"),
    "measure": (
        "peak expiratory flow variability",
        "airway hyperresponsiveness",
        "exhaled nitric oxide",
        "quality of life",
        "inhaler technique",
        "adherence to inhaled corticosteroids",
    ),
}

NEIGHBOURS = (
    Neighbour(
        (
            "A randomised trial of {drug} versus placebo in adults with moderate asthma",
            "{drug} compared with {drug} in mild persistent asthma: a double-blind trial",
            "Dose response of {drug} on {measure} in asthma",
            "Determinants of {measure} in adults with asthma: a cross-sectional survey",
            "Prevalence of asthma among {group}: a community survey",
            "Occupational asthma: exposure, diagnosis and outcome in a cohort of workers",
            "Costs of asthma care in general practice: an observational study",
            "Seasonal pattern of asthma admissions in an urban hospital",
            "Pulmonary rehabilitation in {condition}: a randomised trial",
            "Management of {condition} in primary care: an audit",
        )
    ),
    Neighbour(
        (
            "Asthma education for {group}: a randomised controlled trial",
            "Self-management education in {condition}: a randomised trial",
            "Knowledge and attitudes about asthma among {group}",
            "Patient education and {measure} in asthma: a review",
            "Written asthma action plans: what do patients do with them?",
        ),
        tempting=True,
    ),
)

FULL_TEXT_EXCLUSIONS = (
    FullTextExclusion(
        "Peak flow based self-management plans for children with asthma: a randomised trial",
        "wrong population",
    ),
    FullTextExclusion(
        "Guided self-management of asthma in adults: a before and after study in two clinics",
        "wrong study design",
    ),
    FullTextExclusion(
        "An asthma information leaflet for adults attending the emergency department: a randomised trial",
        "wrong intervention",
    ),
    FullTextExclusion(
        "Self-management education for adults with asthma and chronic obstructive pulmonary disease: "
        "a randomised trial of knowledge outcomes",
        "wrong outcomes",
    ),
    FullTextExclusion(
        "Nurse-led asthma review in general practice: a non-randomised comparison of two practices",
        "wrong study design",
    ),
    FullTextExclusion(
        "Self-management of asthma in adolescents: a cluster randomised trial in secondary schools",
        "wrong population",
    ),
)

SAMPLE = TrialSample(
    name="asthma",
    title="Self-management education and regular practitioner review for adults with asthma",
    data_source=(
        "Gibson PG, Powell H, Wilson A, et al. (2002). Self-management education and regular "
        "practitioner review for adults with asthma. Cochrane Database Syst Rev 3:CD001117 "
        "(trial-level data as in R metadat's dat.gibson2002)"
    ),
    protocol_file="gibson2002.toml",
    arm_ids=ARMS,
    trials=tuple(_trial(row) for row in ROWS),
    neighbours=NEIGHBOURS,
    slots=SLOTS,
    journals=(
        "Thorax",
        "European Respiratory Journal",
        "Respiratory Medicine",
        "Journal of Asthma",
        "Chest",
        "BMJ",
        "Patient Education and Counseling",
        "American Journal of Respiratory and Critical Care Medicine",
    ),
    full_text_exclusions=FULL_TEXT_EXCLUSIONS,
    searched="2001-06-30",
    years=(1982, 2001),
    off_topic=84,
    seed=2002,
    keywords=("asthma", "patient education", "self care"),
)
