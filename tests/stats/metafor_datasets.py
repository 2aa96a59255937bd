"""Public teaching data sets from R's metadat package (as shipped with metafor 3.8-1), as arrays.

dat.bcg: Colditz GA et al. (1994). Efficacy of BCG vaccine in the prevention of tuberculosis.
JAMA 271:698-702 (13 trials: tpos/tneg vaccinated, cpos/cneg controls, absolute latitude, allocation).
dat.normand1999: Normand SLT (1999). Meta-analysis: formulating, evaluating, combining, and
reporting. Stat Med 18:321-359 (9 stroke-unit trials, length of stay: means, SDs, n).
dat.hine1989: Hine LK et al. (1989). Meta-analytic evidence against prophylactic use of lidocaine in
acute myocardial infarction. Arch Intern Med 149:2694-2698 (6 trials, deaths).
dat.yusuf1985, table 6 (Snow 1, with missing counts, left out): Yusuf S et al. (1985). Beta blockade
during and after myocardial infarction. Prog Cardiovasc Dis 27:335-371 (with double-zero trials).
"""

import numpy as np

BCG_AUTHORS = [
    "Aronson", "Ferguson & Simes", "Rosenthal et al", "Hart & Sutherland", "Frimodt-Moller et al",
    "Stein & Aronson", "Vandiviere et al", "TPT Madras", "Coetzee & Berjak", "Rosenthal et al",
    "Comstock et al", "Comstock & Webster", "Comstock et al",
]  # fmt: skip
BCG_LABELS = [
    f"{a} {y}"
    for a, y in zip(
        BCG_AUTHORS, [1948, 1949, 1960, 1977, 1973, 1953, 1973, 1980, 1968, 1961, 1974, 1969, 1976]
    )
]
BCG_TPOS = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
BCG_TNEG = np.array([119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886])
BCG_CPOS = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
BCG_CNEG = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825])
BCG_ABLAT = np.array([44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33])
BCG_YEAR = np.array([1948, 1949, 1960, 1977, 1973, 1953, 1973, 1980, 1968, 1961, 1974, 1969, 1976])
BCG_ALLOC = ["random", "random", "random", "random", "alternate", "alternate", "random", "random",
             "random", "systematic", "systematic", "systematic", "systematic"]  # fmt: skip
BCG = (BCG_TPOS, BCG_TPOS + BCG_TNEG, BCG_CPOS, BCG_CPOS + BCG_CNEG)

NORMAND_LABELS = ["Edinburgh", "Orpington-Mild", "Orpington-Moderate", "Orpington-Severe", "Montreal-Home",
                  "Montreal-Transfer", "Newcastle", "Umea", "Uppsala"]  # fmt: skip
NORMAND = (
    np.array([55, 27, 64, 66, 14, 19, 52, 21, 30]),  # m1i
    np.array([47, 7, 17, 20, 8, 7, 45, 16, 27]),  # sd1i
    np.array([155, 31, 75, 18, 8, 57, 34, 110, 60]),  # n1i
    np.array([75, 29, 119, 137, 18, 18, 41, 31, 23]),  # m2i
    np.array([64, 4, 29, 48, 11, 4, 34, 27, 20]),  # sd2i
    np.array([156, 32, 71, 18, 13, 52, 33, 183, 52]),  # n2i
)

HINE_LABELS = ["Chopra", "Mogensen", "Pitt", "Darby", "Bennett", "O'Brien"]
HINE = (np.array([2, 4, 6, 7, 7, 11]), np.array([39, 44, 107, 103, 110, 154]),
        np.array([1, 4, 4, 5, 3, 4]), np.array([43, 44, 110, 100, 106, 146]))  # fmt: skip

YUSUF_LABELS = ["Balcon", "Clausen", "Multicentre", "Barber", "Norris", "Kahler", "Ledwich", "Snow 2",
                "Fuccella", "Briant", "Pitt", "Lombardo", "Thompson", "Hutton", "Tonkin", "Gupta",
                "Barber 2", "Yusuf", "Wilcox 1", "Wilcox 2", "CPRG"]  # fmt: skip
YUSUF = (
    np.array([14, 18, 15, 10, 21, 3, 2, 19, 15, 5, 0, 8, 3, 0, 1, 0, 14, 0, 8, 6, 3]),
    np.array([56, 66, 100, 52, 226, 38, 20, 76, 106, 62, 9, 133, 48, 16, 42, 25, 221, 11, 259, 157, 177]),
    np.array([15, 19, 12, 12, 24, 6, 3, 15, 9, 4, 0, 11, 3, 0, 1, 3, 15, 0, 7, 4, 2]),
    np.array([58, 64, 95, 47, 228, 31, 20, 67, 114, 57, 8, 127, 49, 13, 46, 25, 228, 11, 129, 158, 136]),
)

# hand-made: a zero cell (1), a double zero (3), no zeros elsewhere
ZERO_LABELS = ["A", "B", "C", "D", "E"]
ZERO = (
    np.array([0, 3, 0, 5, 2]),
    np.array([20, 30, 15, 40, 25]),
    np.array([2, 6, 0, 9, 2]),
    np.array([20, 31, 16, 38, 25]),
)
