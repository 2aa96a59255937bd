"""Two reviewers from imported records to included studies, through the `cartsle screen` commands."""

from __future__ import annotations

import json
import sqlite3

import pytest

from .conftest import add_records, cluster, make_record

TA_KOFI = {
    0: "include",
    1: "include",
    2: "include",
    3: "exclude",
    4: "exclude",
    5: "exclude",
    6: "include",
    7: "exclude",
    8: "maybe",
    9: "exclude",
    "A1": "include",
    "A2": "exclude",
}
TA_AMA = {
    0: "include",
    1: "include",
    2: "exclude",
    3: "exclude",
    4: "exclude",
    5: "include",
    6: "include",
    7: "exclude",
    8: "include",
    9: "exclude",
    "A1": "include",
    "A2": "exclude",
}


@pytest.fixture
def review(db):
    """Ten PubMed records P0..P9 and three conference abstracts A0..A2 (other methods); A0 is P0 again."""
    pubmed = add_records(
        db,
        [make_record(0, authors=["Mackensen, Andreas"], year=2022)] + [make_record(i) for i in range(1, 10)],
    )
    acr = add_records(
        db,
        [
            make_record(0, authors=["Mackensen, A"], year=2022, doi=None),
            make_record(11, title="CAR T in myositis: an abstract", doi="10.1000/acr.1"),
            make_record(12, title="Mouse model of lupus nephritis", doi="10.1000/acr.2"),
        ],
        database="ACR Convergence 2024",
        other_methods=True,
    )
    cluster(db, pubmed[0], acr[0])
    ids = {i: record_id for i, record_id in enumerate(pubmed)}
    ids.update({"A1": acr[1], "A2": acr[2]})
    return ids


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def kofi_ta_file(tmp_path, ids):
    lines = ["record_id,doi,title,reviewer,stage,decision,reason,note"]
    for key, decision in TA_KOFI.items():
        if key == 3:  # by DOI
            lines.append(f",10.1000/TRIAL.3,,Kofi,ta,{decision},,")
        elif key == "A2":  # by title, in other case and punctuation
            lines.append(f',,"MOUSE MODEL of lupus nephritis.",Kofi,ta,{decision},,')
        else:
            lines.append(f"{ids[key]},,,Kofi,ta,{decision},,looked at abstract")
    return write(tmp_path / "kofi_ta.csv", "\n".join(lines) + "\n")


def ama_asreview_file(tmp_path):
    """An ASReview LAB export: its own record_id, asreview_label 1/0, one record not seen."""
    lines = ["record_id,title,doi,asreview_label,asreview_time,asreview_note"]
    for number, (key, decision) in enumerate(TA_AMA.items()):
        doi = f"10.1000/acr.{key[1]}" if isinstance(key, str) else f"10.1000/trial.{key}"
        lines.append(
            f"{900 + number},title {number},{doi},{1 if decision == 'include' else 0},2025-01-0{1 + number % 9},"
        )
    lines.append("999,Some unseen record,10.1000/unseen,,,")
    return write(tmp_path / "ama_asreview.csv", "\n".join(lines) + "\n")


def json_of(result):
    return json.loads(result.stdout)


def test_two_reviewers_screen_from_import_to_included_studies(cli, db, tmp_path, review):
    ids = review
    assert (
        cli("screen", "reasons", "add", "wrong comparator").stdout.strip() == "added reason: wrong comparator"
    )
    assert "wrong comparator" in json_of(cli("screen", "reasons", "--json"))

    cli("screen", "import", kofi_ta_file(tmp_path, ids))
    # Blind: before Ama has voted, her export shows none of Kofi's votes.
    assert json_of(cli("screen", "export", "--reviewer", "Ama", "--json")) == []
    summary = json_of(cli("screen", "import", ama_asreview_file(tmp_path), "--reviewer", "Ama", "--json"))
    assert (summary["new"], summary["rows"]) == (12, 12)  # the unseen record is skipped

    conflicts = json_of(cli("screen", "conflicts", "--stage", "ta", "--json"))
    assert sorted(c["record_id"] for c in conflicts) == sorted([ids[2], ids[5]])

    [ta] = json_of(cli("screen", "agreement", "--stage", "ta", "--json"))
    # By hand: 12 records, both include 5 (maybe counts as include), split 1 + 1, both exclude 5:
    # p_o = 10/12, p_e = 0.5*0.5 + 0.5*0.5 = 0.5, kappa = (0.8333 - 0.5) / 0.5 = 0.6667,
    # SE = sqrt((10/12)(2/12) / (12 * 0.25)) = 0.2151657.
    assert ta["n"] == 12
    assert ta["percent_agreement"] == pytest.approx(83.3333, abs=1e-4)
    assert ta["kappa"] == pytest.approx(0.666667, abs=1e-6)
    assert ta["se"] == pytest.approx(0.2151657, abs=1e-7)

    resolutions = write(
        tmp_path / "resolutions.csv",
        f"record_id,reviewer,stage,decision\n{ids[2]},Lead,ta,include\n{ids[5]},Lead,ta,exclude\n",
    )
    cli("screen", "resolve", "--file", resolutions)
    assert json_of(cli("screen", "conflicts", "--json")) == []
    # Resolving changes no vote, so agreement stays.
    assert json_of(cli("screen", "agreement", "--stage", "ta", "--json"))[0]["kappa"] == pytest.approx(
        ta["kappa"]
    )

    kofi_ft = write(
        tmp_path / "kofi_ft.csv",
        "\n".join(
            [
                "record_id,reviewer,stage,decision,reason,note,study",
                f"{ids[0]},Kofi,ft,include,,,Mackensen 2022",
                f"{ids[1]},Kofi,ft,exclude,Full text not retrievable,,",
                f"{ids[2]},Kofi,ft,exclude,wrong population,,",
                f"{ids[6]},Kofi,ft,include,,,",
                f"{ids[8]},Kofi,ft,exclude,wrong comparator,,",
                f"{ids['A1']},Kofi,ft,include,,,Mackensen 2022",
            ]
        )
        + "\n",
    )
    cli("screen", "import", kofi_ft)
    for key, decision, reason in [
        (0, "include", None),
        (1, "exclude", "full text not retrievable"),
        (2, "exclude", "wrong outcomes"),
        (6, "exclude", "wrong study design"),
        (8, "exclude", "wrong comparator"),
        ("A1", "include", None),
    ]:
        cli(
            "screen",
            "decide",
            ids[key],
            decision,
            "--stage",
            "ft",
            "--reviewer",
            "Ama",
            *(["--reason", reason] if reason else []),
        )
    ft_conflicts = json_of(cli("screen", "conflicts", "--stage", "ft", "--json"))
    assert sorted(c["record_id"] for c in ft_conflicts) == sorted(
        [ids[2], ids[6]]
    )  # reasons differ; decisions differ
    cli(
        "screen",
        "resolve",
        ids[2],
        "exclude",
        "--stage",
        "ft",
        "--reason",
        "wrong population",
        "--reviewer",
        "Lead",
    )
    cli("screen", "resolve", ids[6], "include", "--stage", "ft", "--reviewer", "Lead")

    studies = json_of(cli("screen", "studies", "--json"))
    assert [(s["study_id"], s["report_ids"], s["first_author"], s["year"], s["source"]) for s in studies] == [
        ("Author6 2021", [ids[6]], "Author6", 2021, "databases"),
        ("Mackensen 2022", [ids[0], ids["A1"]], "Mackensen", 2022, "databases"),
    ]

    prisma = json_of(cli("prisma", "--json"))
    databases, other = prisma["databases"], prisma["other_methods"]
    assert databases["identified"] == [{"source": "PubMed", "records": 10}]
    assert (databases["duplicates_removed"], databases["screened"], databases["screened_excluded"]) == (
        0,
        10,
        5,
    )
    assert (databases["sought"], databases["not_retrieved"], databases["assessed"]) == (5, 1, 4)
    assert databases["excluded_reasons"] == [
        {"reason": "wrong comparator", "reports": 1},
        {"reason": "wrong population", "reports": 1},
    ]
    assert databases["reports_included"] == 2
    # A0 is P0 found again: a duplicate in the other-methods column.
    assert other["identified"] == [{"source": "ACR Convergence 2024", "records": 3}]
    assert (other["duplicates_removed"], other["screened"], other["screened_excluded"], other["sought"]) == (
        1,
        2,
        1,
        1,
    )
    assert (other["assessed"], other["reports_included"]) == (1, 1)
    assert (prisma["studies_included"], prisma["reports_included"]) == (2, 3)

    table = cli("prisma").stdout
    assert "Reports excluded: wrong comparator" in table and "Studies included in review" in table


def test_screen_status_reports_progress_per_stage_and_reviewer(cli, tmp_path, review):
    cli("screen", "import", kofi_ta_file(tmp_path, review))
    status = json_of(cli("screen", "status", "--json"))
    ta = status["stages"][0]
    assert (ta["stage"], ta["reached"], ta["final"], ta["pending"]) == ("ta", 12, 0, 12)
    [kofi] = status["reviewers"]
    assert (kofi["reviewer"], kofi["voted"], kofi["include"], kofi["exclude"], kofi["maybe"]) == (
        "Kofi",
        12,
        5,
        6,
        1,
    )
    assert status["ta_decisions_in_order"]["Kofi"] == [1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0]
    assert "includes found" in cli("screen", "status").stdout
    plot = tmp_path / "curve.png"
    cli("screen", "status", "--plot", plot)
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_export_reimports_as_unchanged(cli, tmp_path, review):
    cli("screen", "import", kofi_ta_file(tmp_path, review))
    exported = tmp_path / "export.csv"
    cli("screen", "export", "--out", exported)
    summary = json_of(cli("screen", "import", exported, "--json"))
    assert (summary["rows"], summary["new"], summary["changed"], summary["unchanged"]) == (12, 0, 0, 12)


def test_dry_run_shows_the_changes_and_writes_nothing(cli, db, tmp_path, review):
    summary = json_of(cli("screen", "import", kofi_ta_file(tmp_path, review), "--dry-run", "--json"))
    assert summary["new"] == 12 and summary["dry_run"]
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM screening_decisions").fetchone()[0] == 0


def count_decisions(db) -> int:
    return sqlite3.connect(db).execute("SELECT COUNT(*) FROM screening_decisions").fetchone()[0]


@pytest.mark.parametrize(
    "args, message",
    [
        (("screen", "decide", "9999", "include", "--reviewer", "Kofi"), "no record 9999"),
        (
            ("screen", "decide", "1", "include", "--stage", "ft", "--reviewer", "Kofi"),
            "has not reached full text",
        ),
        (
            ("screen", "decide", "1", "perhaps", "--reviewer", "Kofi"),
            "decision must be include, exclude or maybe",
        ),
        (("screen", "decide", "1", "include"), "give --reviewer NAME"),
        (("screen", "resolve", "1", "maybe", "--reviewer", "Lead"), "a resolution must include or exclude"),
    ],
)
def test_bad_decisions_are_one_line_errors_and_write_nothing(cli, db, review, args, message, monkeypatch):
    monkeypatch.delenv("CARTSLE_REVIEWER", raising=False)
    result = cli(*args, ok=False)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert count_decisions(db) == 0


def test_full_text_exclusion_without_reason_is_refused(cli, db, review):
    ids = review
    cli("screen", "settings", "--reviewers", "1")
    cli("screen", "decide", ids[0], "include", "--reviewer", "Kofi")
    result = cli("screen", "decide", ids[0], "exclude", "--stage", "ft", "--reviewer", "Kofi", ok=False)
    assert result.exit_code == 1 and "needs a reason" in result.stderr
    result = cli(
        "screen",
        "decide",
        ids[0],
        "exclude",
        "--stage",
        "ft",
        "--reason",
        "other",
        "--reviewer",
        "Kofi",
        ok=False,
    )
    assert "needs a note" in result.stderr
    assert count_decisions(db) == 1


def test_a_bad_row_stops_the_whole_file(cli, db, tmp_path, review):
    bad = write(
        tmp_path / "bad.csv",
        f"record_id,reviewer,stage,decision\n{review[0]},Kofi,ta,include\n{review[1]},Kofi,ft,include\n",
    )
    result = cli("screen", "import", bad, ok=False)
    assert result.exit_code == 1
    assert "bad.csv, row 3, field stage: record" in result.stderr
    assert count_decisions(db) == 0


def test_a_row_matching_several_records_is_refused_naming_the_row(cli, db, tmp_path, review):
    add_records(
        db,
        [make_record(40, title="Same title", doi=None), make_record(41, title="Same title", doi=None)],
        database="Embase",
    )
    bad = write(tmp_path / "ambiguous.csv", "title,reviewer,stage,decision\nSame title,Kofi,ta,include\n")
    result = cli("screen", "import", bad, ok=False)
    assert "row 2, field title: its title matches several records" in result.stderr
    assert count_decisions(db) == 0


def test_an_unparsable_file_is_refused(cli, db, tmp_path, review):
    for name, content in [
        ("notes.csv", "a,b\n1,2\n"),
        ("empty.csv", ""),
        ("labels.csv", "title,asreview_label\nx,yes\n"),
    ]:
        result = cli("screen", "import", write(tmp_path / name, content), ok=False)
        assert result.exit_code == 1 and name in result.stderr, result.stderr
    assert count_decisions(db) == 0


def test_duplicate_record_id_is_decided_as_its_cluster(cli, db, review):
    duplicate = (
        sqlite3.connect(db)
        .execute("SELECT record_id FROM record_clusters WHERE record_id != cluster_id")
        .fetchone()[0]
    )
    assert cli("screen", "decide", duplicate, "include", "--reviewer", "Kofi").stdout.startswith(
        f"Kofi: record {review[0]} include"
    )


def test_undo_and_history(cli, review):
    cli("screen", "decide", review[0], "include", "--reviewer", "Kofi")
    cli("screen", "decide", review[0], "exclude", "--reviewer", "Kofi")
    assert "undone: Kofi's exclude" in cli("screen", "undo", "--reviewer", "Kofi").stdout
    entries = json_of(cli("screen", "history", review[0], "--json"))
    assert [(e["decision"], e["undone_at"] is not None) for e in entries] == [
        ("include", False),
        ("exclude", True),
    ]
    assert cli("screen", "undo", "--reviewer", "Nobody", ok=False).exit_code == 1


def test_keywords_and_settings_commands(cli, review):
    found = json_of(cli("screen", "keywords", "--include", "CAR T", "--exclude", "mouse", "--json"))
    assert found == {"include": ["CAR T"], "exclude": ["mouse"]}
    assert json_of(cli("screen", "keywords", "--remove", "mouse", "--json")) == {
        "include": ["CAR T"],
        "exclude": [],
    }
    assert json_of(cli("screen", "settings", "--json")) == {"reviewers_required": 2}


def test_link_moves_a_report_to_another_study(cli, review):
    ids = review
    cli("screen", "settings", "--reviewers", "1")
    for key in (3, 4):
        cli("screen", "decide", ids[key], "include", "--reviewer", "Kofi")
        cli("screen", "decide", ids[key], "include", "--stage", "ft", "--reviewer", "Kofi")
    assert [s["study_id"] for s in json_of(cli("screen", "studies", "--json"))] == [
        "Author3 2023",
        "Author4 2024",
    ]
    assert (
        cli("screen", "link", ids[4], "--study", "Author3 2023").stdout.strip()
        == f"record {ids[4]} is a report of Author3 2023"
    )
    [study] = json_of(cli("screen", "studies", "--json"))
    assert study["report_ids"] == [ids[3], ids[4]]


def test_link_to_an_unknown_study_needs_new(cli, review):
    ids = review
    cli("screen", "settings", "--reviewers", "1")
    cli("screen", "decide", ids[3], "include", "--reviewer", "Kofi")
    cli("screen", "decide", ids[3], "include", "--stage", "ft", "--reviewer", "Kofi")
    result = cli("screen", "link", ids[3], "--study", "Autor3 2023", ok=False)
    assert result.exit_code == 1 and "no study 'Autor3 2023'" in result.stderr
    cli("screen", "link", ids[3], "--study", "CARLOS pilot", "--new")
    assert [s["study_id"] for s in json_of(cli("screen", "studies", "--json"))] == ["CARLOS pilot"]


def test_history_is_blind_for_a_reviewer_until_all_have_voted(cli, review):
    ids = review
    cli("screen", "decide", ids[0], "include", "--reviewer", "Kofi")
    cli("screen", "decide", ids[1], "exclude", "--reviewer", "Kofi")
    cli("screen", "decide", ids[1], "include", "--reviewer", "Ama")
    seen_by_ama = json_of(cli("screen", "history", "--reviewer", "Ama", "--json"))
    assert [(e["record_id"], e["reviewer"]) for e in seen_by_ama] == [(ids[1], "Kofi"), (ids[1], "Ama")]
    everything = json_of(cli("screen", "history", "--reviewer", "Ama", "--all", "--json"))
    assert len(everything) == 3
    blind_export = json_of(cli("screen", "export", "--reviewer", "Ama", "--json"))
    assert sorted((r["record_id"], r["reviewer"]) for r in blind_export) == [
        (ids[1], "Ama"),
        (ids[1], "Kofi"),
    ]


def test_the_interactive_screen_needs_a_reviewer_and_a_stage_it_knows(cli, review, monkeypatch):
    monkeypatch.delenv("CARTSLE_REVIEWER", raising=False)
    assert "who is screening?" in cli("screen", ok=False).stderr
    assert "stage must be ta or ft" in cli("screen", "--stage", "xx", "--reviewer", "Kofi", ok=False).stderr


def test_options_given_before_the_subcommand_reach_it(cli, db, review, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cartsle_cli.cli.main import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["screen", "--db", str(db), "--reviewer", "Kofi", "decide", str(review[0]), "include"]
    )
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["screen", "--db", str(db), "reasons", "add", "wrong comparator"])
    assert result.exit_code == 0, result.output
    assert count_decisions(db) == 1
    assert "wrong comparator" in json_of(cli("screen", "reasons", "--json"))
    assert not (tmp_path / "cartsle.db").exists()
