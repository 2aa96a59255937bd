"""An appraisal tool read from its data file: domains, questions, answers and algorithms.

Every tool (RoB 2, ROBINS-I, the JBI checklist, the Newcastle-Ottawa Scale ...) is one TOML file
in ``tools/``, read by :func:`load_tool`; the engine (``engine.py``) knows only the few ways a
domain or the overall judgement is reached, named by ``method``:

- domain ``rules``: a decision table on the signalling answers, first matching rule wins (RoB 2,
  ROBINS-I V2's flowcharts);
- domain ``direct``: the appraisers give the domain's judgement themselves (ROBINS-I 2016);
- domain ``answer``: the domain is one question and its answer is the judgement (JBI);
- domain ``stars``: starred answers are counted and the count falls into bands (NOS);
- overall ``worst``: the worst domain judgement, in the order the tool lists them (RoB 2, ROBINS-I);
- overall ``share``: the share of applicable questions with a given answer, in bands (JBI);
- overall ``rules``: a decision table on the domain judgements (NOS).

A new tool is a new file; a file that names an unknown key, method, question or judgement is
refused with one line naming the file and the key.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cartsle_cli.errors import CartsleError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser under its earlier name
    import tomli as tomllib  # type: ignore[import-not-found]  # tomli is installed only on Python 3.10

NOT_ASKED = "NA"  # the value of a question that is not asked, in rules and ask_if conditions
DOMAIN_METHODS = ("rules", "direct", "answer", "stars")
OVERALL_METHODS = ("worst", "share", "rules")
STYLES = ("low", "concerns", "high", "critical", "unclear", "na")

Condition = dict[str, frozenset[str]]  # question (or domain) id -> accepted answers (or judgements)


@dataclass(frozen=True)
class Judgement:
    name: str
    level: int | None  # 0 no concern, higher worse; None: not a judgement of bias (not applicable)
    style: str  # colour and symbol in the plots


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answers: tuple[str, ...]
    ask_if: tuple[Condition, ...] = ()  # asked when any condition holds; always asked when empty
    stars: frozenset[str] = frozenset()  # answers that earn a star (NOS)


@dataclass(frozen=True)
class Rule:
    judgement: str
    when: Condition


@dataclass(frozen=True)
class Band:
    judgement: str
    at_least: float


@dataclass(frozen=True)
class Domain:
    id: str
    label: str
    method: str
    support: str  # "required" or "optional"
    questions: tuple[Question, ...] = ()
    rules: tuple[Rule, ...] = ()
    default: str | None = None
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class Overall:
    method: str
    judgements: tuple[Judgement, ...]
    rules: tuple[Rule, ...] = ()
    default: str | None = None
    bands: tuple[Band, ...] = ()
    count: str | None = None
    leave_out: frozenset[str] = frozenset()
    # (judgement, at least this many domains, note): a note when the overall judgement is that one
    notes_when: tuple[tuple[str, int, str], ...] = ()


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    reference: str
    per_outcome: bool
    design: str
    grade_start: str  # "high" or "low": GRADE's starting certainty for this design
    judgements: tuple[Judgement, ...]
    domains: tuple[Domain, ...]
    overall: Overall
    source: str = field(default="", compare=False)

    def judgement(self, name: str, *, overall: bool = False) -> Judgement:
        pool = self.overall.judgements if overall else self.judgements
        return next(j for j in pool if j.name == name)

    def domain(self, domain_id: str) -> Domain:
        return next(d for d in self.domains if d.id == domain_id)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for d in self.domains for q in d.questions)


TOOL_FILES = {
    "rob2": "rob2.toml",
    "robins-i": "robins-i.toml",  # the current version, ROBINS-I V2
    "robins-i-2016": "robins-i-2016.toml",
    "jbi-case-series": "jbi-case-series.toml",
    "nos": "nos-cohort.toml",
}


def tool_names() -> tuple[str, ...]:
    return tuple(TOOL_FILES)


def get_tool(name: str) -> Tool:
    """A bundled tool by its id (``rob2``, ``robins-i``, ``robins-i-2016``, ``jbi-case-series``, ``nos``)."""
    if name not in TOOL_FILES:
        raise CartsleError(f"unknown tool {name!r}; use one of {', '.join(TOOL_FILES)}", field="--tool")
    folder = resources.files("cartsle_cli.appraisal").joinpath("tools")
    return parse_tool(folder.joinpath(TOOL_FILES[name]).read_text("utf-8"), TOOL_FILES[name])


def load_tool(path: str | Path) -> Tool:
    """A tool from a data file outside the package."""
    path = Path(path)
    return parse_tool(path.read_text("utf-8"), str(path))


class _Reader:
    """Reads one table of the file, refusing keys it does not know."""

    def __init__(self, source: str, table: dict, where: str, known: set[str]) -> None:
        self.source, self.table, self.where = source, table, where
        for key in table:
            if key not in known:
                self.fail(key, f"unknown key {key!r}")

    def fail(self, key: str, message: str) -> CartsleError:
        raise CartsleError(message, file=self.source, field=f"{self.where}{key}")

    def get(self, key: str, default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                self.fail(key, f"{key!r} is required")
            return default
        return self.table[key]


def parse_tool(text: str, source: str) -> Tool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CartsleError(f"not a readable tool file: {error}", file=source) from error
    top = _Reader(
        source,
        data,
        "",
        {
            "id",
            "name",
            "reference",
            "per_outcome",
            "design",
            "grade_start",
            "judgements",
            "answer_sets",
            "overall",
            "domains",
        },
    )
    answer_sets = {"default": ("Y", "PY", "PN", "N", "NI"), **top.get("answer_sets", {})}
    judgements = _judgements(top, top.get("judgements"), "judgements")
    if top.get("grade_start") not in ("high", "low"):
        top.fail("grade_start", "grade_start must be high or low")
    domains = tuple(
        _domain(source, index, table, answer_sets, judgements)
        for index, table in enumerate(top.get("domains"))
    )
    if len({d.id for d in domains}) != len(domains):
        top.fail("domains", "two domains share an id")
    question_ids = [q.id for d in domains for q in d.questions]
    if len(set(question_ids)) != len(question_ids):
        top.fail("domains", "two questions share an id")
    overall = _overall(source, top.get("overall"), judgements, domains)
    return Tool(
        id=top.get("id"),
        name=top.get("name"),
        reference=top.get("reference"),
        per_outcome=bool(top.get("per_outcome")),
        design=top.get("design"),
        grade_start=top.get("grade_start"),
        judgements=judgements,
        domains=domains,
        overall=overall,
        source=source,
    )


def _judgements(reader: _Reader, items: list, key: str) -> tuple[Judgement, ...]:
    judgements = []
    for index, item in enumerate(items):
        entry = _Reader(reader.source, item, f"{key}[{index}].", {"name", "level", "style"})
        style = entry.get("style")
        if style not in STYLES:
            entry.fail("style", f"style must be one of {', '.join(STYLES)}")
        judgements.append(Judgement(entry.get("name"), entry.get("level", None), style))
    return tuple(judgements)


def _condition(reader: _Reader, key: str, raw: dict, allowed: dict[str, set[str]]) -> Condition:
    condition = {}
    for name, values in raw.items():
        if name not in allowed:
            reader.fail(key, f"{name!r} is not a question or domain here")
        unknown = set(values) - allowed[name] - {NOT_ASKED}
        if unknown:
            reader.fail(key, f"{sorted(unknown)} are not answers of {name!r}")
        condition[name] = frozenset(values)
    return condition


def _rules(reader: _Reader, items: list, allowed: dict[str, set[str]], names: set[str]) -> tuple[Rule, ...]:
    rules = []
    for index, item in enumerate(items):
        entry = _Reader(reader.source, item, f"{reader.where}rules[{index}].", {"judgement", "when"})
        if entry.get("judgement") not in names:
            entry.fail("judgement", f"{entry.get('judgement')!r} is not one of the tool's judgements")
        rules.append(Rule(entry.get("judgement"), _condition(entry, "when", entry.get("when"), allowed)))
    return tuple(rules)


def _bands(reader: _Reader, items: list, names: set[str]) -> tuple[Band, ...]:
    bands = []
    for index, item in enumerate(items):
        entry = _Reader(reader.source, item, f"{reader.where}bands[{index}].", {"judgement", "at_least"})
        if entry.get("judgement") not in names:
            entry.fail("judgement", f"{entry.get('judgement')!r} is not one of the tool's judgements")
        bands.append(Band(entry.get("judgement"), float(entry.get("at_least"))))
    if not bands or bands[-1].at_least > 0:
        reader.fail("bands", "the last band must start at 0 so every count has a judgement")
    return tuple(bands)


def _domain(
    source: str, index: int, table: dict, answer_sets: dict, judgements: tuple[Judgement, ...]
) -> Domain:
    where = f"domains[{index}]."
    reader = _Reader(
        source,
        table,
        where,
        {"id", "label", "method", "support", "questions", "rules", "default", "bands"},
    )
    method = reader.get("method", "rules")
    if method not in DOMAIN_METHODS:
        reader.fail("method", f"method must be one of {', '.join(DOMAIN_METHODS)}")
    if reader.get("support", "optional") not in ("required", "optional"):
        reader.fail("support", "support must be required or optional")
    names = {j.name for j in judgements}
    questions: list[Question] = []
    asked_so_far: dict[str, set[str]] = {}
    for q_index, item in enumerate(reader.get("questions", [])):
        entry = _Reader(
            source, item, f"{where}questions[{q_index}].", {"id", "text", "answers", "ask_if", "stars"}
        )
        if method == "answer":
            answers = tuple(j.name for j in judgements)
        else:
            set_name = entry.get("answers", "default")
            if set_name not in answer_sets:
                entry.fail("answers", f"no answer set {set_name!r}")
            answers = tuple(answer_sets[set_name])
        ask_if = tuple(_condition(entry, "ask_if", raw, asked_so_far) for raw in entry.get("ask_if", []))
        stars = frozenset(entry.get("stars", []))
        if not stars <= set(answers):
            entry.fail("stars", "a starred answer is not one of the question's answers")
        question = Question(str(entry.get("id")), entry.get("text"), answers, ask_if, stars)
        asked_so_far[question.id] = set(answers)
        questions.append(question)
    if method == "answer" and len(questions) != 1:
        reader.fail("questions", "a domain judged by its answer has exactly one question")
    if method == "direct" and questions:
        reader.fail("questions", "a domain the appraisers judge directly has no questions here")
    rules = _rules(reader, reader.get("rules", []), asked_so_far, names)
    default = reader.get("default", None)
    if method == "rules" and default not in names:
        reader.fail("default", "a domain judged by rules needs a default judgement")
    bands = _bands(reader, reader.get("bands"), names) if method == "stars" else ()
    return Domain(
        id=str(reader.get("id")),
        label=reader.get("label"),
        method=method,
        support=reader.get("support", "optional"),
        questions=tuple(questions),
        rules=rules,
        default=default,
        bands=bands,
    )


def _overall(
    source: str, table: dict, judgements: tuple[Judgement, ...], domains: tuple[Domain, ...]
) -> Overall:
    reader = _Reader(
        source,
        table,
        "overall.",
        {"method", "judgements", "rules", "default", "bands", "count", "leave_out", "note_if_count_at_least"},
    )
    method = reader.get("method")
    if method not in OVERALL_METHODS:
        reader.fail("method", f"method must be one of {', '.join(OVERALL_METHODS)}")
    own = (
        _judgements(reader, reader.get("judgements"), "overall.judgements") if "judgements" in table else None
    )
    overall_judgements = own or judgements
    names = {j.name for j in overall_judgements}
    domain_values = {d.id: {j.name for j in judgements} for d in domains}
    rules = _rules(reader, reader.get("rules", []), domain_values, names)
    default = reader.get("default", None)
    if method == "rules" and default not in names:
        reader.fail("default", "an overall judgement by rules needs a default")
    bands = _bands(reader, reader.get("bands"), names) if method == "share" else ()
    notes = reader.get("note_if_count_at_least", [])
    notes_when = tuple(
        (note["judgement"], int(note["count"]), note["note"])
        for note in ([notes] if isinstance(notes, dict) else notes)
    )
    return Overall(
        method=method,
        judgements=overall_judgements,
        rules=rules,
        default=default,
        bands=bands,
        count=reader.get("count", None),
        leave_out=frozenset(reader.get("leave_out", [])),
        notes_when=notes_when,
    )
