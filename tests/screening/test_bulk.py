"""Bulk decisions: matching rows to records, both stages in one file, studies, speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.bulk import export_decisions, import_decisions
from cartsle_cli.screening.decision_files import DecisionRow, read_decision_file, with_defaults
from cartsle_cli.screening.outcomes import stage_outcomes
from cartsle_cli.screening.studies import included_studies

from .conftest import add_records, cluster, make_record


def row(number: int, reviewer: str, stage: str, decision: str, **values) -> DecisionRow:
    return DecisionRow(f"row {number}", reviewer, stage, decision, **values)


def test_rows_match_by_doi_pmid_or_title_through_duplicates_to_the_kept_record(db, conn):
    ids = add_records(db, [make_record(1, pmid="111"), make_record(2, doi=None, title="Éxact Title: here")])
    embase = add_records(db, [make_record(1, doi="10.1000/other", pmid=None)], database="Embase")
    cluster(db, ids[0], embase[0])
    rows = [
        row(2, "A", "ta", "include", doi="https://doi.org/10.1000/OTHER"),  # the duplicate's DOI
        row(3, "B", "ta", "include", pmid="PUBMED 111"),
        row(4, "A", "ta", "exclude", title="exact title - here"),
    ]
    summary = import_decisions(conn, rows, source="test")
    assert summary.new == 3
    outcomes = stage_outcomes(conn, "ta")
    assert outcomes[ids[0]].decision == "include"
    assert outcomes[ids[1]].votes["A"].decision == "exclude"


def test_a_row_matching_no_record_is_refused_and_nothing_is_written(db, conn):
    add_records(db, [make_record(1)])
    with pytest.raises(CartsleError, match="row 3: no record in this review matches"):
        import_decisions(
            conn,
            [
                row(2, "A", "ta", "include", doi="10.1000/trial.1"),
                row(3, "A", "ta", "include", doi="10.9/none"),
            ],
            source="t",
        )
    assert conn.execute("SELECT COUNT(*) FROM screening_decisions").fetchone()[0] == 0


def test_one_file_takes_records_through_both_stages_and_names_their_study(db, conn):
    ids = add_records(db, [make_record(1), make_record(2)])
    rows = [row(2, r, "ta", "include", record_id=i) for r in "AB" for i in ids]
    rows += [row(9, r, "ft", "include", record_id=i, study="CARLOS 2023") for r in "AB" for i in ids]
    summary = import_decisions(conn, rows, source="test")
    assert summary.by_stage_decision == {"ft include": 4, "ta include": 4}
    [study] = included_studies(conn)
    assert (study.study_id, study.report_ids) == ("CARLOS 2023", ids)


def test_importing_the_same_rows_again_changes_nothing(db, conn):
    ids = add_records(db, [make_record(1)])
    rows = [row(2, "A", "ta", "exclude", record_id=ids[0], note="animals")]
    import_decisions(conn, rows, source="test")
    again = import_decisions(conn, rows, source="test")
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)
    changed = import_decisions(conn, [row(2, "A", "ta", "include", record_id=ids[0])], source="test")
    assert changed.changed == 1


def test_blind_export_shows_others_votes_only_when_all_have_voted(db, conn):
    ids = add_records(db, [make_record(1), make_record(2)])
    import_decisions(
        conn,
        [
            row(2, "A", "ta", "include", record_id=ids[0]),
            row(3, "B", "ta", "exclude", record_id=ids[0]),
            row(4, "B", "ta", "include", record_id=ids[1]),
        ],
        source="test",
    )
    seen_by_a = [(r["record_id"], r["reviewer"]) for r in export_decisions(conn, reviewer="A")]
    assert seen_by_a == [(ids[0], "A"), (ids[0], "B")]  # not B's vote on the record A has not seen
    assert len(export_decisions(conn)) == 3


def _ris_with_notes(path: Path, notes: tuple[str, ...]) -> Path:
    """A screening tool's RIS export of make_record(1), make_record(2) ...: title and DOI, and the
    tool's decision in N1, one note per record."""
    lines = []
    for number, note in enumerate(notes, 1):
        lines += [
            "TY  - JOUR",
            f"TI  - Trial number {number} of CAR T cells in lupus",
            f"DO  - 10.1000/trial.{number}",
            f"N1  - {note}",
            "ER  - ",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_asreview_ris_export_is_read_through_the_ris_reader(db, conn, tmp_path):
    ids = add_records(db, [make_record(1), make_record(2), make_record(3)])
    notes = ("ASReview_relevant", "ASReview_irrelevant", "ASReview_not_seen")
    parsed = read_decision_file(_ris_with_notes(tmp_path / "asreview.ris", notes))
    assert parsed.format == "asreview-ris"
    import_decisions(conn, with_defaults(parsed.rows, reviewer="Ama", stage=None), source="test")
    votes = {
        unit: outcome.votes["Ama"].decision
        for unit, outcome in stage_outcomes(conn, "ta").items()
        if outcome.votes
    }
    assert votes == {ids[0]: "include", ids[1]: "exclude"}


def test_seven_thousand_rows_import_in_seconds(db, conn):
    ids = add_records(db, [make_record(i) for i in range(3500)])
    rows = [
        row(n, reviewer, "ta", "include" if n % 7 == 0 else "exclude", doi=f"10.1000/trial.{i}")
        for reviewer in ("A", "B")
        for n, i in enumerate(range(len(ids)), 2)
    ]
    started = time.perf_counter()
    summary = import_decisions(conn, rows, source="test")
    elapsed = time.perf_counter() - started
    assert summary.new == 7000
    assert elapsed < 10, f"{elapsed:.1f} s"


def test_a_row_with_an_unknown_stage_is_refused(db, conn):
    ids = add_records(db, [make_record(1)])
    with pytest.raises(CartsleError, match="row 2, field stage: stage must be ta or ft, not 'xx'"):
        import_decisions(conn, [row(2, "A", "xx", "include", record_id=ids[0])], source="test")


def test_rayyan_ris_export_is_read_through_the_ris_reader(db, conn, tmp_path):
    ids = add_records(db, [make_record(1), make_record(2)])
    notes = (
        'RAYYAN-INCLUSION: {"Kofi"=>"Included", "Ama"=>"Maybe"}',
        'RAYYAN-INCLUSION: {"Kofi"=>"Excluded", "Ama"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: wrong population',
    )
    parsed = read_decision_file(_ris_with_notes(tmp_path / "rayyan.ris", notes))
    assert parsed.format == "rayyan-ris"
    import_decisions(conn, with_defaults(parsed.rows, reviewer=None, stage=None), source="test")
    outcomes = stage_outcomes(conn, "ta")
    assert (outcomes[ids[0]].decision, outcomes[ids[1]].decision) == ("include", "exclude")
    assert outcomes[ids[1]].votes["Ama"].reason == "wrong population"


def test_a_row_repeating_the_row_before_it_in_the_same_file_changes_nothing(db, conn):
    """Each row against the latest earlier row of its record, stage and reviewer (else the review's
    current vote); all resolutions of a record share one key, whoever made them. By hand:
    A: include (new), include (repeats it), exclude (changed), exclude + note (changed);
    B: exclude, the same as B's current vote (unchanged); resolutions: lead's include (new), boss's
    include (the same resolution: unchanged), boss's exclude (changed)."""
    ids = add_records(db, [make_record(1)])
    import_decisions(conn, [row(1, "B", "ta", "exclude", record_id=ids[0])], source="before")
    rows = [
        row(2, "A", "ta", "include", record_id=ids[0]),
        row(3, "A", "ta", "include", record_id=ids[0]),
        row(4, "B", "ta", "exclude", record_id=ids[0]),
        row(5, "A", "ta", "exclude", record_id=ids[0]),
        row(6, "A", "ta", "exclude", record_id=ids[0], note="animals"),
        row(7, "lead", "ta", "include", record_id=ids[0], resolution=True),
        row(8, "boss", "ta", "include", record_id=ids[0], resolution=True),
        row(9, "boss", "ta", "exclude", record_id=ids[0], resolution=True),
    ]
    summary = import_decisions(conn, rows, source="file", force=True)
    assert (summary.rows, summary.new, summary.changed, summary.unchanged) == (8, 2, 3, 3)
    assert summary.by_stage_decision == {
        "ta exclude": 2,
        "ta exclude (resolution)": 1,
        "ta include": 1,
        "ta include (resolution)": 1,
    }
    stored = conn.execute(
        "SELECT reviewer, decision, note, resolution FROM screening_decisions WHERE source LIKE 'file%' ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in stored] == [
        ("A", "include", None, 0),
        ("A", "exclude", None, 0),
        ("A", "exclude", "animals", 0),
        ("lead", "include", None, 1),
        ("boss", "exclude", None, 1),
    ]
    event_ids = [r[0] for r in conn.execute("SELECT event_id FROM screening_decisions")]
    assert len(set(event_ids)) == 6 and all(len(e) == 32 for e in event_ids)
