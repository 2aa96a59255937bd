"""``studies.csv`` and ``patients.csv`` of the sample review, with the columns of its protocol.

The protocol is the ``car-t-sle`` preset (written beside the files as ``extraction/protocol.toml``); the
columns and their order are those of its layout, as `cartsle extract template` writes them.

The SLEDAI time courses come from ``sledai_courses.csv`` beside this module: the result of the
seeded search in :mod:`cartsle_cli.sample.patients` (``python3 -m cartsle_cli.sample.patients``
reruns it and rewrites the file). The search takes minutes, so its result is kept rather than
rerun on every `cartsle demo`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cartsle_cli.extraction.layout import Layout, layout
from cartsle_cli.protocol.parse import parse_protocol
from cartsle_cli.protocol.presets import preset_text
from cartsle_cli.sample.patients import Course, prednisone
from cartsle_cli.sample.studies import STUDIES

COURSES_FILE: Path = Path(__file__).with_name("sledai_courses.csv")
PRESET = "car-t-sle"


def protocol_toml() -> str:
    return preset_text(PRESET)


def _layout() -> Layout:
    return layout(parse_protocol(protocol_toml()))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def studies_csv() -> str:
    names = [c.name for c in _layout().studies.columns]
    return _table(names, [[study.row[name] for name in names] for study in STUDIES])


def load_courses(path: Path = COURSES_FILE) -> list[Course]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Course(
                row["study"],
                row["patient"],
                tuple(int(m) for m in row["months"].split()),
                [int(s) for s in row["scores"].split()],
            )
            for row in csv.DictReader(handle)
        ]


def courses_csv(courses: list[Course]) -> str:
    return _table(
        ["study", "patient", "months", "scores"],
        [[c.study, c.patient, " ".join(map(str, c.months)), " ".join(map(str, c.scores))] for c in courses],
    )


def patients_csv(courses: list[Course]) -> str:
    """Long format: one row per patient and visit; prednisone filled, biomarker columns left blank
    (the biomarker figures are study-level counts in studies.csv)."""
    names = [c.name for c in _layout().files[-1].columns]  # the score-over-time file, patients.csv
    rows = []
    for course in courses:
        for month, score in zip(course.months, course.scores):
            values = {
                "study_id": course.study,
                "patient_id": course.patient,
                "month": month,
                "sledai": score,
                "prednisone_mg": prednisone(course, month),
            }
            rows.append([values.get(name) for name in names])
    return _table(names, rows)
