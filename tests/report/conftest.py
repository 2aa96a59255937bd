"""A small screened review for the export tests (`screened`)."""

from __future__ import annotations

import pytest

from cartsle_cli.formats.record import Record
from cartsle_cli.screening.decisions import Decision, record_decision
from cartsle_cli.screening.fulltext import set_fulltext
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search


def record(number: int, **values) -> Record:
    values.setdefault("title", f"Trial {number} of CAR T cells")
    values.setdefault("authors", [f"Author{number}, A"])
    values.setdefault("doi", f"10.1000/t.{number}")
    return Record(line=number, raw=str(number), **values)


@pytest.fixture
def screened(cli):
    """Six PubMed records, record 0 also found by Embase; decisions of kofi and ama."""
    conn = open_review(cli.db)
    ids = {}
    with transaction(conn):
        for database, records in (
            (
                "PubMed",
                [
                    record(0, pages="164-78", keywords=["lupus", "CAR T"], year=2022, journal="N Engl J Med"),
                    *[record(i) for i in range(1, 6)],
                ],
            ),
            ("Embase", [record(0, keywords=["systemic lupus erythematosus", "lupus"], pages="164-178")]),
        ):
            search = add_search(
                conn,
                database=database,
                other_methods=False,
                format="test",
                file_name=database,
                sha256=database,
                records=records,
            )
            ids[database] = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM records WHERE search_id = ? ORDER BY position", (search,)
                )
            ]
        pubmed = ids["PubMed"]
        conn.execute(
            "INSERT INTO record_clusters VALUES (?, ?), (?, ?)",
            (pubmed[0], pubmed[0], ids["Embase"][0], pubmed[0]),
        )
        for unit, kofi, ama in (
            (pubmed[0], "include", "include"),
            (pubmed[1], "exclude", "exclude"),
            (pubmed[2], "include", "exclude"),  # conflict
            (pubmed[3], "maybe", None),  # undecided, and a maybe
            (pubmed[4], "include", "maybe"),  # maybe counts as include at title/abstract
        ):
            record_decision(conn, Decision(unit, "ta", "kofi", kofi))
            if ama:
                record_decision(conn, Decision(unit, "ta", "ama", ama))
        for reviewer in ("kofi", "ama"):
            record_decision(conn, Decision(pubmed[0], "ft", reviewer, "include"))
            record_decision(conn, Decision(pubmed[4], "ft", reviewer, "exclude", "wrong population"))
        set_fulltext(conn, pubmed[0], url="https://doi.org/10.1000/t.0")
    conn.close()
    return pubmed
