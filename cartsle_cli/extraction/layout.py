"""The extraction files a protocol implies: their names, columns, and the rules on their counts.

One layout per protocol (README, "Protocol format"): ``studies.csv`` with one row per study
(``study_id``, every characteristic, then the study-level outcome columns), ``arms.csv`` for a
comparative design (one row per study and arm), and one long file per score-over-time outcome
(one row per patient and time). A column names its outcome, so storage, comparison of two
extractors and pooling can find every value by (study, arm, outcome, patient, time, column).
The rules are data too: counts at most the participants or the count they are part of, grades
adding up, fields that are given together.
"""

from __future__ import annotations

from dataclasses import dataclass

from cartsle_cli.protocol.model import Characteristic, Outcome, Protocol

STUDIES_FILE = "studies.csv"
ARMS_FILE = "arms.csv"
_TYPES = {"text": "text", "integer": "int", "number": "float", "date": "date"}


@dataclass(frozen=True)
class Column:
    """A column: name, cell type (text, int, float, date, choice:a|b), required, meaning, limits."""

    name: str
    type: str
    required: bool
    description: str
    minimum: float | None = 0
    maximum: float | None = None
    outcome: str = ""  # the outcome the column belongs to ("" for characteristics and keys)
    positive: bool = False  # strictly above 0 (an SD, an SE)


@dataclass(frozen=True)
class AtMost:
    """``part`` is never above ``whole``; ``strict``: part given needs whole given ("of those")."""

    part: str
    whole: str
    strict: bool = False


@dataclass(frozen=True)
class GradesAddUp:
    total: str
    grades: tuple[str, ...]


@dataclass(frozen=True)
class Together:
    """The columns of one outcome that are given together or not at all (events with n ...)."""

    outcome: str
    columns: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...] = ()  # other complete sets (median, q1, q3, n)


@dataclass(frozen=True)
class FileLayout:
    name: str
    kind: str  # studies, arms or patients
    keys: tuple[str, ...]  # the columns identifying a row
    columns: tuple[Column, ...]
    outcome: str = ""  # patients: the score-over-time outcome
    participants_at_most: tuple[str, ...] = ()  # count columns never above the study's participants
    at_most: tuple[AtMost, ...] = ()
    grades: tuple[GradesAddUp, ...] = ()
    together: tuple[Together, ...] = ()

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Layout:
    files: tuple[FileLayout, ...]
    participants: str  # the studies column counting participants ("" for comparative designs)
    arms: tuple[str, ...]

    def file(self, name: str) -> FileLayout | None:
        return next((f for f in self.files if f.name == name), None)

    @property
    def studies(self) -> FileLayout:
        return self.files[0]


def characteristic_column(characteristic: Characteristic) -> Column:
    kind = (
        "choice:" + "|".join(characteristic.values)
        if characteristic.type == "choice"
        else _TYPES[characteristic.type]
    )
    description = characteristic.description or characteristic.label
    if characteristic.unit:
        description += f" ({characteristic.unit})"
    return Column(
        characteristic.name,
        kind,
        characteristic.required,
        description,
        minimum=characteristic.min,
        maximum=characteristic.max,
    )


def count_columns(outcome: Outcome) -> tuple[str, ...]:
    """The studies.csv columns of a proportion or graded outcome, the "any" count first."""
    if outcome.type == "graded":
        return (f"{outcome.id}_any", *(f"{outcome.id}_g{grade}" for grade in outcome.grades))
    return (outcome.id,)


def events_column(protocol: Protocol, name: str) -> str:
    """The column holding ``name``'s count: a characteristic, or a count outcome's (any) count."""
    outcome = protocol.outcome(name)
    return count_columns(outcome)[0] if outcome is not None else name


def layout(protocol: Protocol) -> Layout:
    """Every file the protocol implies, in the order the reviewer fills them in."""
    files = [_studies(protocol)]
    if protocol.design.comparative:
        files.append(_arms(protocol))
    files += [_patients(protocol, o) for o in protocol.outcomes if o.type == "score-over-time"]
    return Layout(tuple(files), protocol.design.participants, tuple(a.id for a in protocol.design.arms))


def _studies(protocol: Protocol) -> FileLayout:
    columns = [
        Column("study_id", "text", True, "the included study's id as `cartsle screen studies` lists it")
    ]
    columns += [characteristic_column(c) for c in protocol.characteristics]
    counts: list[str] = []
    at_most: list[AtMost] = []
    grades: list[GradesAddUp] = []
    together: list[Together] = []
    for outcome in protocol.outcomes:
        if outcome.type in ("proportion", "graded"):
            names = count_columns(outcome)
            scheme = f"{outcome.scheme} " if outcome.scheme else ""
            for position, name in enumerate(names):
                what = (
                    f"{outcome.label}: patients with {scheme}grade {outcome.grades[position - 1]}"
                    if position
                    else f"{outcome.description or outcome.label}" + (", any grade" if len(names) > 1 else "")
                )
                columns.append(Column(name, "int", False, what, outcome=outcome.id))
            counts += names
            if outcome.type == "graded":
                grades.append(GradesAddUp(names[0], names[1:]))
            if outcome.of:
                at_most.append(AtMost(names[0], events_column(protocol, outcome.of), strict=True))
            denominator = events_column(protocol, outcome.denominator)
            if denominator not in (
                protocol.design.participants,
                *(a.whole for a in at_most if a.part == names[0]),
            ):
                at_most.append(AtMost(names[0], denominator))
        elif outcome.type == "generic":
            estimate, se = f"{outcome.id}_estimate", f"{outcome.id}_se"
            columns += [
                Column(
                    estimate,
                    "float",
                    False,
                    f"{outcome.label}: estimate ({outcome.scale})",
                    None,
                    None,
                    outcome.id,
                ),
                Column(
                    se, "float", False, f"{outcome.label}: its standard error", None, None, outcome.id, True
                ),
            ]
            together.append(Together(outcome.id, (estimate, se)))
    participants = protocol.design.participants
    return FileLayout(
        STUDIES_FILE,
        "studies",
        ("study_id",),
        tuple(columns),
        participants_at_most=tuple(counts) if participants else (),
        at_most=tuple(at_most),
        grades=tuple(grades),
        together=tuple(together),
    )


def _arms(protocol: Protocol) -> FileLayout:
    arms = ", ".join(a.id for a in protocol.design.arms)
    columns = [
        Column("study_id", "text", True, "the study, as in studies.csv"),
        Column("arm", "choice:" + "|".join(a.id for a in protocol.design.arms), True, f"the arm: {arms}"),
    ]
    at_most, together = [], []
    for outcome in protocol.outcomes:
        o, label = outcome.id, outcome.label
        if outcome.type == "binary":
            columns += [
                Column(f"{o}_events", "int", False, f"{label}: participants with the event", outcome=o),
                Column(f"{o}_n", "int", False, f"{label}: participants analysed", 1, outcome=o),
            ]
            at_most.append(AtMost(f"{o}_events", f"{o}_n", strict=True))
            together.append(Together(o, (f"{o}_events", f"{o}_n")))
        elif outcome.type == "continuous":
            unit = f" ({outcome.unit})" if outcome.unit else ""
            columns += [
                Column(f"{o}_mean", "float", False, f"{label}: mean{unit}", None, outcome=o),
                Column(f"{o}_sd", "float", False, f"{label}: standard deviation", outcome=o, positive=True),
                Column(f"{o}_n", "int", False, f"{label}: participants analysed", 1, outcome=o),
            ]
            alternatives: tuple[tuple[str, ...], ...] = ()
            if outcome.conversion is not None:
                spread = ("q1", "q3") if outcome.conversion.source == "iqr" else ("min", "max")
                extra = [
                    ("median", "median"),
                    *(
                        (s, "first quartile" if s == "q1" else "third quartile" if s == "q3" else s)
                        for s in spread
                    ),
                ]
                columns += [
                    Column(
                        f"{o}_{name}",
                        "float",
                        False,
                        f"{label}: {what}{unit} (converted by {outcome.conversion.method})",
                        None,
                        outcome=o,
                    )
                    for name, what in extra
                ]
                alternatives = ((f"{o}_median", *(f"{o}_{s}" for s in spread), f"{o}_n"),)
            together.append(Together(o, (f"{o}_mean", f"{o}_sd", f"{o}_n"), alternatives))
    return FileLayout(ARMS_FILE, "arms", ("study_id", "arm"), tuple(columns), at_most=tuple(at_most),
                      together=tuple(together))  # fmt: skip


def _patients(protocol: Protocol, outcome: Outcome) -> FileLayout:
    unit = f" ({outcome.time_unit})" if outcome.time_unit else ""
    columns = [
        Column("study_id", "text", True, "the study, as in studies.csv"),
        Column(outcome.patient, "text", True, "the patient's label within the study (e.g. P1)"),
        Column(outcome.time, "float", True, f"time{unit} after the start; {outcome.baseline:g} = baseline"),
        Column(
            outcome.id,
            "int" if _whole(outcome) else "float",
            True,
            outcome.description or outcome.label,
            outcome.min,
            outcome.max,
            outcome.id,
        ),
    ]
    columns += [characteristic_column(c) for c in outcome.also_recorded]
    return FileLayout(
        outcome.file, "patients", ("study_id", outcome.patient, outcome.time), tuple(columns), outcome.id
    )


def _whole(outcome: Outcome) -> bool:
    """A score whose limits are whole numbers is a whole number; min = 0.0 declares one with fractions."""
    return all(isinstance(limit, int) for limit in (outcome.min, outcome.max) if limit is not None)
