"""Search updates: a rerun links what the review has seen, only new records reach screening."""

from __future__ import annotations

import json

from cartsle_cli.screening.decisions import history
from cartsle_cli.screening.outcomes import stage_outcomes
from cartsle_cli.screening.queue import build_queue
from cartsle_cli.store import open_review


def ris(*records: dict) -> str:
    lines = []
    for record in records:
        lines += [
            "TY  - JOUR",
            f"ID  - {record['id']}",
            f"TI  - {record['title']}",
            "AU  - Author, A",
            "PY  - 2023",
        ]
        lines += [f"DO  - {record['doi']}"] if record.get("doi") else []
        lines += [f"M3  - {record['type']}"] if record.get("type") else []
        lines += [f"N1  - {record['note']}"] if record.get("note") else []
        lines += ["DB  - Embase", "ER  - ", ""]
    return "\n".join(lines) + "\n"


FIRST = [
    {"id": "E1", "title": "CAR T cells in refractory systemic lupus erythematosus", "doi": "10.1000/a"},
    {"id": "E2", "title": "Belimumab after rituximab in lupus nephritis", "doi": "10.1000/b"},
    {"id": "E3", "title": "A registry of lupus pregnancies", "doi": "10.1000/c"},
]


def test_update_links_seen_records_keeps_decisions_and_queues_only_new_ones(cli, tmp_path):
    first = tmp_path / "embase_2024.ris"
    first.write_text(ris(*FIRST), encoding="utf-8")
    cli("import", first, "--source", "Embase")
    cli("dedup")
    ids = {row["title"]: row["id"] for row in _records(cli.db)}
    for title, decision in ((FIRST[0]["title"], "include"), (FIRST[1]["title"], "exclude")):
        for reviewer in ("kofi", "ama"):
            cli("screen", "decide", ids[title], decision, "--reviewer", reviewer)
    rerun = tmp_path / "embase_2025.ris"
    rerun.write_text(
        ris(
            FIRST[0],  # same id and DOI: linked
            {
                "id": "E9",
                "title": "Belimumab after rituximab in lupus nephritis.",
                "doi": None,
            },  # a duplicate
            {"id": "E4", "title": "Obinutuzumab in lupus nephritis: a new trial", "doi": "10.1000/d"},  # new
        ),
        encoding="utf-8",
    )
    result = json.loads(cli("import", "--update-of", "1", rerun, "--json").stdout)
    update = result[0]["update"]
    assert (update["round"], update["records"], update["new_unique"]) == (1, 3, 1)
    assert update["linked_by_id"] == 1 and update["duplicates_of_known"] == 1
    assert result[0]["database"] == "Embase"  # the updated search's database
    conn = open_review(cli.db)
    try:
        outcomes = stage_outcomes(conn, "ta")
        assert len(outcomes) == 4  # three earlier unique records and one new
        # Earlier decisions stand on the clusters the rerun's records joined.
        assert outcomes[ids[FIRST[0]["title"]]].decision == "include"
        assert outcomes[ids[FIRST[1]["title"]]].decision == "exclude"
        assert len([e for e in history(conn) if not e.undone_at]) == 4
        queue = build_queue(conn, "ta", "kofi")
        titles = {row["id"]: row["title"] for row in _records(cli.db)}
        assert sorted(titles[unit] for unit in queue.record_ids) == [
            "A registry of lupus pregnancies",
            "Obinutuzumab in lupus nephritis: a new trial",
        ]
    finally:
        conn.close()
    # The update's PRISMA flow: 3 records, 2 seen before (duplicates), 1 new awaiting screening;
    # the previous version had no included study yet.
    prisma = json.loads(cli("prisma", "--update", "--json").stdout)
    databases = prisma["databases"]
    assert databases["identified"] == [{"source": "Embase", "records": 3}]
    assert (databases["duplicates_removed"], databases["awaiting_screening"], databases["screened"]) == (
        2,
        1,
        0,
    )
    assert prisma["previous"] == {"studies": 0, "reports": 0}


def test_prisma_update_without_an_update_is_an_error(cli, tmp_path):
    first = tmp_path / "embase.ris"
    first.write_text(ris(*FIRST), encoding="utf-8")
    cli("import", first, "--source", "Embase")
    bad = cli("prisma", "--update", ok=False)
    assert bad.exit_code == 1 and "no search update" in bad.output


def test_update_of_an_unknown_search_stores_nothing(cli, tmp_path):
    first = tmp_path / "embase.ris"
    first.write_text(ris(*FIRST), encoding="utf-8")
    cli("import", first, "--source", "Embase")
    rerun = tmp_path / "rerun.ris"
    rerun.write_text(ris(FIRST[0]), encoding="utf-8")
    bad = cli("import", "--update-of", "7", rerun, ok=False)
    assert bad.exit_code == 1 and "no search with id 7" in bad.output
    assert len(_records(cli.db)) == 3


def _records(db):
    conn = open_review(db)
    try:
        return [dict(row) for row in conn.execute("SELECT id, title FROM active_records ORDER BY id")]
    finally:
        conn.close()


def test_the_report_says_what_the_update_changed_in_the_pooled_results(cli, tmp_path, monkeypatch):
    """The snapshot taken at the update is compared with the pooled results now."""
    import cartsle_cli.review.pooling as pooling
    from cartsle_cli.report.document import build_report
    from cartsle_cli.report.update_changes import update_section

    class Pooled:
        def __init__(self, studies: int) -> None:
            self.studies = studies

        def to_dict(self) -> dict:
            return {"overview": {"studies": self.studies}}

    first = tmp_path / "embase.ris"
    first.write_text(ris(*FIRST), encoding="utf-8")
    cli("import", first, "--source", "Embase")
    monkeypatch.setattr(pooling, "pool_review", lambda conn, options=None: Pooled(2))
    rerun = tmp_path / "rerun.ris"
    rerun.write_text(ris(FIRST[0]), encoding="utf-8")
    cli("import", "--update-of", "1", rerun)
    monkeypatch.undo()
    conn = open_review(cli.db)
    try:
        update = update_section(conn, Pooled(3).to_dict())  # as build_report calls it
        document = build_report(conn).document
        assert document["update"]["round"] == 1  # nothing pooled now: all gone
        assert document["prisma_update"]["previous"] == {"studies": 0, "reports": 0}
    finally:
        conn.close()
    assert update["round"] == 1 and update["previous_pooled"] is True
    assert update["pool_changes"] == [
        {"result": "overview.studies", "previous": 2, "current": 3, "change": 1}
    ]


def test_the_report_of_an_updated_review_draws_the_updated_review_template(cli, tmp_path):
    first = tmp_path / "embase.ris"
    first.write_text(ris(*FIRST), encoding="utf-8")
    cli("import", first, "--source", "Embase")
    rerun = tmp_path / "rerun.ris"
    rerun.write_text(ris(FIRST[0]), encoding="utf-8")
    cli("import", "--update-of", "1", rerun)
    cli("report", "--format", "md", "--out", tmp_path / "report")
    svg = (tmp_path / "report" / "figures" / "prisma_update.svg").read_text()
    assert "Previous studies" in svg and "Identification of new studies via databases and registers" in svg
