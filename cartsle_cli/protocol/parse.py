"""Reading a protocol TOML file into a checked :class:`~cartsle_cli.protocol.model.Protocol`.

Everything is checked before anything is returned, and the first problem is raised as one
CartsleError naming the file, the line and the key: TOML syntax (tomllib's own line), unknown keys
(with a suggestion), wrong value types, unknown characteristic or outcome types, duplicate names and
ids, subgroup variables and covariates that are not declared characteristics, denominators and
sub-counts that name nothing, and effect measures or estimators that do not fit the outcome type.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path as FilePath
from typing import Any

from cartsle_cli.errors import CartsleError
from cartsle_cli.protocol import model as m
from cartsle_cli.protocol.analyses import check_analysis
from cartsle_cli.protocol.locate import Path
from cartsle_cli.protocol.reader import Reader

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found]

RESERVED = {"study_id", "arm"}

_TOP_KEYS = ("format", "title", "question", "design", "characteristics", "outcomes")
_QUESTION_KEYS = ("population", "intervention", "comparator", "outcomes", "study_design")
_CHARACTERISTIC_KEYS = (
    "name", "label", "type", "required", "unit", "values", "min", "max", "role", "summary", "description",
)  # fmt: skip
_COMMON_OUTCOME_KEYS = ("id", "label", "type", "unit", "direction", "timepoint", "description", "analyses")
_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "proportion": ("denominator", "of"),
    "graded": ("denominator", "of", "scheme", "grades"),
    "binary": (),
    "continuous": ("convert", "convert_method"),
    "generic": ("scale",),
    "score-over-time": (
        "file", "patient", "time", "time_unit", "baseline", "min", "max", "change_at", "mean_at",
        "thresholds", "also_recorded",
    ),
}  # fmt: skip


def read_protocol(path: str | FilePath) -> m.Protocol:
    """Read and check the protocol file at ``path``."""
    path = FilePath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CartsleError("no such protocol file", file=path) from None
    except UnicodeDecodeError as error:
        raise CartsleError(f"not UTF-8 text: {error.reason}", file=path) from None
    return parse_protocol(text, path)


def parse_protocol(text: str, file: str | FilePath | None = None) -> m.Protocol:
    """Check the protocol ``text`` (``file`` names it in errors) and return it."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column \d+\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "not valid TOML"
        raise CartsleError(
            f"not valid TOML: {message}", file=file, line=int(where.group(1)) if where else None
        ) from None
    reader = Reader(text, file)
    reader.table(document, (), _TOP_KEYS)
    version = document.get("format", m.FORMAT)
    if version != m.FORMAT:
        raise reader.error(("format",), f"this cartsle reads protocol format {m.FORMAT}, not {version!r}")
    question = reader.table(document.get("question", {}), ("question",), _QUESTION_KEYS)
    characteristics = _characteristics(reader, document.get("characteristics", []))
    design = _design(reader, document.get("design"), characteristics)
    outcomes = _outcomes(reader, document.get("outcomes", []), design, characteristics)
    return m.Protocol(
        title=reader.text(document, (), "title", ""),
        question=m.Question(**{key: reader.text(question, ("question",), key, "") for key in _QUESTION_KEYS}),
        design=design,
        characteristics=characteristics,
        outcomes=outcomes,
        text=text,
    )


def _characteristic(reader: Reader, table: dict, path: Path) -> m.Characteristic:
    reader.table(table, path, _CHARACTERISTIC_KEYS)
    name = reader.name(table, path, "name")
    kind = reader.choice(table, path, "type", m.CHARACTERISTIC_TYPES, "text")
    values = reader.list_of(table, path, "values", str)
    if kind == "choice" and not values:
        raise reader.error((*path, "type"), f'choice {name!r} needs its values, e.g. values = ["a", "b"]')
    if kind != "choice" and values:
        raise reader.error((*path, "values"), 'values belong to a choice; give type = "choice"')
    roles = reader.list_of(table, path, "role", str) or ("descriptive",)
    for role in roles:
        if role not in m.ROLES:
            raise reader.error((*path, "role"), f"unknown role {role!r}; use one of {', '.join(m.ROLES)}")
    lower, upper = reader.number(table, path, "min"), reader.number(table, path, "max")
    if (lower is not None or upper is not None) and kind not in ("integer", "number"):
        raise reader.error((*path, "min" if lower is not None else "max"), "limits belong to numbers")
    if lower is not None and upper is not None and lower > upper:
        raise reader.error((*path, "max"), f"max {upper} is below min {lower}")
    default_summary = "counts" if kind == "choice" or "subgroup" in roles else "none"
    return m.Characteristic(
        name=name,
        label=reader.text(table, path, "label", name),
        type=kind,
        required=reader.flag(table, path, "required"),
        unit=reader.text(table, path, "unit", ""),
        values=tuple(value.lower() for value in values),
        min=lower,
        max=upper,
        roles=roles,
        summary=reader.choice(table, path, "summary", m.SUMMARIES, default_summary),
        description=reader.text(table, path, "description", ""),
    )


def _characteristics(reader: Reader, value: Any) -> tuple[m.Characteristic, ...]:
    found: list[m.Characteristic] = []
    for index, table in enumerate(reader.tables(value, ("characteristics",))):
        path = ("characteristics", index)
        characteristic = _characteristic(reader, table, path)
        _unique(reader, (*path, "name"), characteristic.name, [c.name for c in found], "characteristic")
        if characteristic.name in RESERVED:
            raise reader.error((*path, "name"), f"{characteristic.name!r} is a column cartsle writes itself")
        found.append(characteristic)
    return tuple(found)


def _unique(reader: Reader, path: Path, name: str, seen: list[str], what: str) -> None:
    if name in seen:
        raise reader.error(path, f"duplicate {what} {name!r}: each needs its own")


def _design(reader: Reader, value: Any, characteristics: tuple[m.Characteristic, ...]) -> m.Design:
    path: Path = ("design",)
    if value is None:
        raise CartsleError("the [design] table is required (type = \"single-arm\" or \"comparative\")",
                           file=reader.file, field="design")  # fmt: skip
    table = reader.table(value, path, ("type", "participants", "arms"))
    kind = reader.choice(table, path, "type", m.DESIGNS, "single-arm")
    if kind == "single-arm":
        if "arms" in table:
            raise reader.error((*path, "arms"), 'a single-arm design has no arms; give type = "comparative"')
        participants = reader.name(table, path, "participants")
        declared = next((c for c in characteristics if c.name == participants), None)
        if declared is None or declared.type != "integer":
            raise reader.error(
                (*path, "participants"), f"{participants!r} is not a declared integer characteristic"
            )
        return m.Design(kind, participants)
    arms: list[m.Arm] = []
    for index, arm in enumerate(reader.tables(table.get("arms", []), (*path, "arms"))):
        arm_path = (*path, "arms", index)
        reader.table(arm, arm_path, ("id", "label", "role"))
        arm_id = reader.name(arm, arm_path, "id")
        _unique(reader, (*arm_path, "id"), arm_id, [a.id for a in arms], "arm")
        role = reader.choice(arm, arm_path, "role", m.ARM_ROLES, "intervention")
        arms.append(m.Arm(arm_id, reader.text(arm, arm_path, "label", arm_id), role))
    if [a.role for a in arms].count("intervention") != 1 or [a.role for a in arms].count("control") != 1:
        raise reader.error(
            (*path, "arms"), "a comparative design needs one intervention arm and one control arm"
        )
    return m.Design(kind, reader.text(table, path, "participants", ""), tuple(arms))


def _outcomes(
    reader: Reader, value: Any, design: m.Design, characteristics: tuple[m.Characteristic, ...]
) -> tuple[m.Outcome, ...]:
    outcomes: list[m.Outcome] = []
    analysis_ids: list[str] = []
    tables = reader.tables(value, ("outcomes",))
    count_ids = {
        str(t["id"])
        for t in tables
        if isinstance(t.get("id"), str) and t.get("type") in ("proportion", "graded")
    }
    for index, table in enumerate(tables):
        path = ("outcomes", index)
        if not isinstance(table.get("type"), str):
            raise reader.error(
                (*path, "type"), f"each outcome needs its type: one of {', '.join(m.OUTCOME_TYPES)}"
            )
        kind = reader.choice(table, path, "type", m.OUTCOME_TYPES, "")
        reader.table(table, path, _COMMON_OUTCOME_KEYS + _TYPE_KEYS[kind])
        outcome_id = reader.name(table, path, "id")
        _unique(reader, (*path, "id"), outcome_id, [o.id for o in outcomes], "outcome id")
        if characteristics and outcome_id in {c.name for c in characteristics}:
            raise reader.error((*path, "id"), f"{outcome_id!r} is already a characteristic's name")
        _fits_design(reader, path, kind, design)
        outcome = m.Outcome(
            id=outcome_id,
            label=reader.text(table, path, "label", outcome_id),
            type=kind,
            unit=reader.text(table, path, "unit", ""),
            direction=reader.choice(table, path, "direction", m.DIRECTIONS, "higher-is-better"),
            timepoint=reader.text(table, path, "timepoint", ""),
            description=reader.text(table, path, "description", ""),
            **_type_fields(reader, table, path, kind, design, characteristics, count_ids - {outcome_id}),
        )
        analyses = []
        for number, analysis in enumerate(reader.tables(table.get("analyses", []), (*path, "analyses"))):
            checked = check_analysis(
                reader, analysis, (*path, "analyses", number), outcome, characteristics, count_ids
            )
            _unique(reader, (*path, "analyses", number, "id"), checked.id, analysis_ids, "analysis id")
            analysis_ids.append(checked.id)
            analyses.append(checked)
        outcomes.append(_with(outcome, analyses=tuple(analyses)))
    return tuple(outcomes)


def _with(outcome: m.Outcome, **changes: Any) -> m.Outcome:
    from dataclasses import replace

    return replace(outcome, **changes)


def _fits_design(reader: Reader, path: Path, kind: str, design: m.Design) -> None:
    if design.comparative and kind in ("proportion", "graded"):
        raise reader.error(
            (*path, "type"), f"a {kind} outcome is single-arm; a comparative design uses binary"
        )
    if not design.comparative and kind in ("binary", "continuous"):
        raise reader.error(
            (*path, "type"), f'a {kind} outcome compares arms; declare design type = "comparative"'
        )


def _type_fields(
    reader: Reader,
    table: dict,
    path: Path,
    kind: str,
    design: m.Design,
    characteristics: tuple[m.Characteristic, ...],
    counts: set[str],
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if kind in ("proportion", "graded"):
        fields["denominator"] = _denominator(reader, table, path, design, characteristics, counts)
        if "of" in table:
            fields["of"] = reader.name(table, path, "of")
            if fields["of"] not in counts:
                raise reader.error((*path, "of"), f"{fields['of']!r} is not a proportion or graded outcome")
    if kind == "graded":
        fields["scheme"] = reader.text(table, path, "scheme", "")
        fields["grades"] = reader.list_of(table, path, "grades", int) or (1, 2, 3, 4)
    if kind == "generic":
        fields["scale"] = reader.text(table, path, "scale")
    if kind == "continuous" and "convert" in table:
        source = reader.choice(table, path, "convert", ("iqr", "range"), "iqr")
        method = reader.choice(table, path, "convert_method", m.CONVERSIONS, "wan2014")
        fields["conversion"] = m.Conversion(source, method)
    if kind == "score-over-time":
        fields.update(
            file=reader.text(table, path, "file"),
            patient=reader.name(table, path, "patient") if "patient" in table else "patient_id",
            time=reader.name(table, path, "time") if "time" in table else "time",
            time_unit=reader.text(table, path, "time_unit", ""),
            baseline=reader.number(table, path, "baseline") or 0,
            min=reader.number(table, path, "min"),
            max=reader.number(table, path, "max"),
            change_at=reader.list_of(table, path, "change_at", (int, float)),
            mean_at=reader.list_of(table, path, "mean_at", (int, float)),
            thresholds=reader.list_of(table, path, "thresholds", (int, float)),
        )
        recorded = []
        for index, item in enumerate(reader.tables(table.get("also_recorded", []), (*path, "also_recorded"))):
            recorded.append(_characteristic(reader, item, (*path, "also_recorded", index)))
        fields["also_recorded"] = tuple(recorded)
    return fields


def _denominator(
    reader: Reader,
    table: dict,
    path: Path,
    design: m.Design,
    characteristics: tuple[m.Characteristic, ...],
    counts: set[str],
) -> str:
    name = reader.name(table, path, "denominator") if "denominator" in table else design.participants
    integers = {c.name for c in characteristics if c.type == "integer"}
    if name not in integers | counts:
        raise reader.error(
            (*path, "denominator"), f"{name!r} is neither an integer characteristic nor a count outcome"
        )
    return name
