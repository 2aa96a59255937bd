"""Reading a fully labelled set for simulation: CSV (ASReview and SYNERGY layouts) or RIS.

No review database is involved. CSV is read with pandas; RIS (and the other export formats) with
:func:`cartsle_cli.formats.read_file`, taking the label from a tag named by ``--label`` or, as
ASReview writes it, from an ``N1`` note ``ASReview_relevant`` / ``ASReview_irrelevant``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.errors import CartsleError

# pandas and the export readers are imported where they read: a simulation on a labelled set kept
# from an earlier run (see :mod:`.prepared`) needs neither

# ASReview LAB's own search order for the label column (asreview.data.base), most specific first
LABEL_COLUMNS = (
    "asreview_label",
    "included",
    "label",
    "final_included",
    "label_included",
    "included_label",
    "included_final",
    "included_flag",
    "include",
)
TITLE_COLUMNS = ("title", "primary_title", "ti")
ABSTRACT_COLUMNS = ("abstract", "notes_abstract", "abstract note", "ab")
KEYWORD_COLUMNS = ("keywords", "mesh", "mesh_terms", "author keywords", "kw")
_YES = {"1", "1.0", "true", "yes", "y", "include", "included", "relevant", "asreview_relevant"}
_NO = {"0", "0.0", "-1", "false", "no", "n", "exclude", "excluded", "irrelevant", "asreview_irrelevant"}


@dataclass
class LabelledSet:
    """Records with title + abstract text and a 1/0 label each, in file order."""

    path: Path
    label_column: str
    record_ids: list[str]  # the file's record_id column, or the row / record number
    texts: list[str]
    labels: list[int]
    keywords: list[str] | None = None  # keyword / MeSH terms per record, ";"-separated, when present

    @property
    def includes(self) -> int:
        return sum(self.labels)


def parse_label(value: object, path: Path, row: int | str, column: str) -> int:
    text = str(value).strip().lower()
    if text in _YES:
        return 1
    if text in _NO:
        return 0
    shown = str(value).strip() or "empty"
    raise CartsleError(
        f"label {shown!r} is not 1/0 (or yes/no, included/excluded); a simulation needs every record labelled",
        file=path,
        line=row,
        field=column,
    )


def _pick(columns: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((columns[name] for name in names if name in columns), None)


def read_labelled_csv(path: Path, text: str, label: str | None) -> LabelledSet:
    import pandas as pd

    first_line = text.split("\n", 1)[0]
    separator = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        table = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise CartsleError(f"not a readable CSV: {error}", file=path) from error
    columns = {name.strip().lower(): name for name in table.columns}
    label_column = columns.get(label.lower()) if label else _pick(columns, LABEL_COLUMNS)
    if label_column is None:
        wanted = label or " or ".join(LABEL_COLUMNS)
        raise CartsleError(
            f"no label column {wanted}; columns are {', '.join(table.columns)}", file=path, line=1
        )
    title, abstract = _pick(columns, TITLE_COLUMNS), _pick(columns, ABSTRACT_COLUMNS)
    if title is None and abstract is None:
        raise CartsleError("no title or abstract column to learn from", file=path, line=1)
    joined: pd.Series = (table[title] if title else "") + " " + (table[abstract] if abstract else "")
    texts = joined.str.strip().tolist()
    # row labels count the header as line 1, as a spreadsheet does
    labels = [
        parse_label(value, path, f"row {index + 2}", label_column)
        for index, value in enumerate(table[label_column])
    ]
    ids_column = columns.get("record_id")
    record_ids = table[ids_column].tolist() if ids_column else [str(index + 1) for index in range(len(table))]
    keyword_column = _pick(columns, KEYWORD_COLUMNS)
    keywords = table[keyword_column].tolist() if keyword_column else None
    return LabelledSet(path, label_column, record_ids, texts, labels, keywords)


def _ris_label(fields: dict[str, list[str]], label: str | None) -> str | None:
    if label and label.upper() in fields:
        return fields[label.upper()][0]
    notes = " ".join(fields.get("N1", [])).lower()
    for marker in ("asreview_irrelevant", "asreview_relevant"):
        if marker in notes:
            return marker
    return None


def read_labelled_export(path: Path, text: str, label: str | None) -> LabelledSet:
    from cartsle_cli.formats import read_text

    parsed = read_text(text, path)
    labels, texts, record_ids, keywords = [], [], [], []
    column = label or "N1 (ASReview note)"
    for number, record in enumerate(parsed.records, start=1):
        value = _ris_label(record.fields, label)
        if value is None:
            raise CartsleError("record has no label", file=path, line=record.line, field=column)
        labels.append(parse_label(value, path, record.line, column))
        texts.append(f"{record.title or ''} {record.abstract or ''}".strip())
        record_ids.append(record.source_id or str(number))
        keywords.append("; ".join(record.keywords or []))
    return LabelledSet(path, column, record_ids, texts, labels, keywords if any(keywords) else None)


def read_labelled(path: str | Path, label: str | None = None) -> LabelledSet:
    """Read a labelled set; ``label`` names the column (or RIS tag), else ASReview's names are tried."""
    path = Path(path)
    if not path.is_file():
        raise CartsleError("no such file", file=path)
    return labelled_from_bytes(path, path.read_bytes(), label)


def labelled_from_bytes(path: Path, content: bytes, label: str | None = None) -> LabelledSet:
    """``read_labelled`` of ``content``, the bytes read from ``path`` (named in errors)."""
    from cartsle_cli.formats import delimited, detect
    from cartsle_cli.formats.text import decode

    text = decode(content, path)
    # a table goes to pandas, which keeps every column; a tagged export to cartsle's own readers
    if detect(text, path) is delimited:
        labelled = read_labelled_csv(path, text, label)
    else:
        labelled = read_labelled_export(path, text, label)
    if not (0 < labelled.includes < len(labelled.labels)):
        raise CartsleError(
            f"the labels hold {labelled.includes} includes of {len(labelled.labels)} records; a simulation needs both includes and excludes",
            file=path,
            field=labelled.label_column,
        )
    return labelled
