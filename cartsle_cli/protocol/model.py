"""What a review declares: its question, study characteristics, design, outcomes and analyses.

A protocol is data (a TOML file a reviewer writes, see ``parse.py`` and the README's "Protocol
format"); these frozen dataclasses are its checked form. Extraction reads the characteristics and
outcomes to know which columns to accept, pooling reads the analyses to know what to run, and the
report reads the labels, so no module below names one review's outcomes. The precedents are
CoLRev's ``DataField`` declarations and RevMan's comparison -> outcome -> subgroup tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT = 1
CHARACTERISTIC_TYPES = ("text", "integer", "number", "choice", "date")
ROLES = ("descriptive", "subgroup", "covariate")
SUMMARIES = ("none", "counts", "median-range", "list")
DESIGNS = ("single-arm", "comparative")
ARM_ROLES = ("intervention", "control")
OUTCOME_TYPES = ("proportion", "binary", "continuous", "generic", "graded", "score-over-time")
DIRECTIONS = ("higher-is-better", "lower-is-better")
CONVERSIONS = ("wan2014", "luo2018")
SENSITIVITY = ("leave-one-out",)
BIAS_TESTS = ("egger",)  # small-study tests, with a funnel plot
MODELS = ("common", "random")
CI_METHODS = ("z", "hksj")
PI_METHODS = ("z", "t", "none")

# Which effect measures fit which outcome type (metafor's escalc names).
MEASURES: dict[str, tuple[str, ...]] = {
    "proportion": ("PLO", "PFT", "PR"),
    "graded": ("PLO", "PFT", "PR"),
    "binary": ("OR", "RR", "RD"),
    "continuous": ("MD", "SMD"),
    "generic": ("GEN",),
    "score-over-time": ("SUMMARY",),
}
# Estimators: common effect (fe = inverse variance, mh = Mantel-Haenszel, peto) and random effects.
COMMON_METHODS = ("fe", "mh", "peto")
RANDOM_METHODS = ("dl", "reml", "pm", "ml", "sj", "glmm")


@dataclass(frozen=True)
class Question:
    """The review question (PICO, or PICOS with the study design), quoted in the methods paragraph."""

    population: str = ""
    intervention: str = ""
    comparator: str = ""
    outcomes: str = ""
    study_design: str = ""


@dataclass(frozen=True)
class Characteristic:
    """One column of the studies file describing a study (not an outcome)."""

    name: str
    label: str
    type: str  # one of CHARACTERISTIC_TYPES
    required: bool = False
    unit: str = ""
    values: tuple[str, ...] = ()  # the choices of a "choice"
    min: float | None = None
    max: float | None = None
    roles: tuple[str, ...] = ("descriptive",)  # descriptive, subgroup (variable), covariate (moderator)
    summary: str = "none"  # how pooling summarises it over studies: none, counts, median-range, list
    description: str = ""


@dataclass(frozen=True)
class Arm:
    id: str
    label: str
    role: str  # intervention or control


@dataclass(frozen=True)
class Design:
    type: str  # single-arm or comparative
    participants: str = ""  # single-arm: the characteristic counting each study's participants
    arms: tuple[Arm, ...] = ()

    @property
    def comparative(self) -> bool:
        return self.type == "comparative"


@dataclass(frozen=True)
class Conversion:
    """Estimating mean and SD from a median with IQR or range, only when the protocol asks for it."""

    source: str  # "iqr" (median, q1, q3) or "range" (median, min, max)
    method: str  # wan2014 or luo2018


@dataclass(frozen=True)
class Analysis:
    """One pooled analysis of an outcome: measure, model, estimator, CI and PI methods, extras."""

    id: str
    outcome: str
    label: str
    measure: str
    model: str = "random"
    method: str = "reml"
    ci: str = "z"
    pi: str = "z"
    denominator: str = ""  # proportions: pool the events over this count instead of the outcome's n
    subgroups: tuple[str, ...] = ()
    covariates: tuple[str, ...] = ()
    sensitivity: tuple[str, ...] = ()
    bias: str = ""  # "egger": Egger's regression test and a funnel plot (comparative and generic)


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    type: str  # one of OUTCOME_TYPES
    unit: str = ""
    direction: str = "higher-is-better"
    timepoint: str = ""  # when it was measured, as text ("end of treatment")
    description: str = ""
    # proportion and graded (single arm): events over `denominator` (a characteristic or another
    # count outcome; default the design's participants); `of`: a sub-count of that outcome
    denominator: str = ""
    of: str = ""
    scheme: str = ""  # graded: the grading scheme (ASTCT, CTCAE ...)
    grades: tuple[int, ...] = ()
    scale: str = ""  # generic: the scale of the estimate (log HR ...)
    conversion: Conversion | None = None  # continuous
    # score-over-time (patient level, long file)
    file: str = ""
    patient: str = "patient_id"
    time: str = "time"
    time_unit: str = ""
    baseline: float = 0
    min: float | None = None
    max: float | None = None
    change_at: tuple[float, ...] = ()
    mean_at: tuple[float, ...] = ()
    thresholds: tuple[float, ...] = ()
    also_recorded: tuple[Characteristic, ...] = ()  # other per-visit values of the long file
    analyses: tuple[Analysis, ...] = ()

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "lower-is-better"


@dataclass(frozen=True)
class Protocol:
    title: str
    question: Question
    design: Design
    characteristics: tuple[Characteristic, ...]
    outcomes: tuple[Outcome, ...]
    format: int = FORMAT
    text: str = field(default="", compare=False, repr=False)  # the TOML as written

    def characteristic(self, name: str) -> Characteristic | None:
        return next((c for c in self.characteristics if c.name == name), None)

    def outcome(self, outcome_id: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)

    def outcome_of(self, analysis: Analysis) -> Outcome:
        """The outcome an analysis belongs to (the parser checked that it is declared)."""
        found = self.outcome(analysis.outcome)
        if found is None:
            raise KeyError(analysis.outcome)
        return found

    @property
    def analyses(self) -> tuple[Analysis, ...]:
        return tuple(analysis for outcome in self.outcomes for analysis in outcome.analyses)
