import json

from cartsle_cli.formats.record import Record
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search


def _search(conn, database, titles):
    search_id = add_search(
        conn,
        database=database,
        other_methods=False,
        format="test",
        file_name=f"{database}.ris",
        sha256=database,
        records=[Record(line=i, raw=t, title=t) for i, t in enumerate(titles, 1)],
    )
    return [
        row[0] for row in conn.execute("SELECT id FROM records WHERE search_id = ? ORDER BY id", (search_id,))
    ]


def test_status_follows_each_sources_records_through_dedup_and_screening(cli):
    conn = open_review(cli.db)
    with transaction(conn):
        pubmed = _search(
            conn,
            "PubMed",
            ["Kept and excluded", "Kept and included", "Kept, excluded at full text", "Kept, undecided"],
        )
        embase = _search(conn, "Embase", ["Duplicate of the included one"])
        conn.execute(
            "INSERT INTO record_clusters VALUES (?, ?), (?, ?)", (pubmed[1], pubmed[1], embase[0], pubmed[1])
        )
    conn.close()
    cli("screen", "settings", "--reviewers", "1")
    reviewer = ("--reviewer", "kofi")
    cli("screen", "decide", pubmed[0], "exclude", *reviewer)
    for record_id in (pubmed[1], pubmed[2]):
        cli("screen", "decide", record_id, "include", *reviewer)
    cli("screen", "decide", pubmed[1], "include", "--stage", "ft", *reviewer)
    cli("screen", "decide", pubmed[2], "exclude", "--stage", "ft", "--reason", "wrong population", *reviewer)
    rows = {row["database"]: row for row in json.loads(cli("status", "--json").stdout)}
    pubmed_row, embase_row = rows["PubMed"], rows["Embase"]
    assert (pubmed_row["records"], pubmed_row["duplicates"], pubmed_row["unique"]) == (4, 0, 4)
    assert (
        pubmed_row["excluded_title_abstract"],
        pubmed_row["excluded_full_text"],
        pubmed_row["included"],
        pubmed_row["awaiting"],
    ) == (1, 1, 1, 1)
    assert (
        embase_row["records"],
        embase_row["duplicates"],
        embase_row["unique"],
        embase_row["included"],
    ) == (1, 1, 0, 0)
    assert "FT excluded" in cli("status").stdout
