"""`cartsle import` and `cartsle searches remove`: all of an import or none of it."""

from __future__ import annotations

import json

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.review.importing import import_files
from cartsle_cli.store import open_review


def _ris(path, titles, *, doi_prefix="10.1000/x"):
    lines = []
    for n, title in enumerate(titles):
        lines += [
            "TY  - JOUR",
            f"TI  - {title}",
            "AU  - Mackensen, Andreas",
            "PY  - 2022",
            "JO  - Nature Medicine",
            "VL  - 28",
            f"SP  - {100 + 10 * n}",
            f"EP  - {105 + 10 * n}",
            f"DO  - {doi_prefix}{n}",
            "ER  - ",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _count(db, sql):
    conn = open_review(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_a_bad_file_among_several_stores_nothing_of_any(cli, tmp_path):
    good = _ris(tmp_path / "good.ris", ["Anti-CD19 CAR T cells in refractory lupus"])
    cut_off = tmp_path / "cut.ris"
    cut_off.write_text("TY  - JOUR\nTI  - A download that stopped\nAU  - Someone, A\n")
    result = cli("import", good, cut_off, "--source", "Embase", ok=False)
    assert result.exit_code == 1
    assert "cut.ris" in result.output and "line 1" in result.output
    assert _count(cli.db, "SELECT count(*) FROM searches") == 0
    assert _count(cli.db, "SELECT count(*) FROM records") == 0


def test_reimport_of_same_content_is_refused_naming_the_earlier_import(cli, tmp_path):
    first = _ris(tmp_path / "embase.ris", ["CD19 CAR T cells in lupus nephritis"])
    cli("import", first, "--source", "Embase")
    copy = tmp_path / "renamed.ris"
    copy.write_bytes(first.read_bytes())
    result = cli("import", copy, "--source", "Embase", ok=False)
    assert result.exit_code == 1
    assert "search 1 (embase.ris, Embase" in result.output and "--force" in result.output
    cli("import", copy, "--source", "Embase", "--force")
    assert _count(cli.db, "SELECT count(*) FROM searches") == 2


def test_removing_the_search_that_held_a_clusters_kept_record_returns_its_duplicate_to_screening(
    cli, tmp_path
):
    titles = ["Anti-CD19 CAR T cells in refractory systemic lupus erythematosus"]
    cli("import", _ris(tmp_path / "pubmed.ris", titles), "--source", "PubMed")
    cli("import", _ris(tmp_path / "embase.ris", titles + ["Another study"]), "--source", "Embase")
    cli("dedup")
    assert _count(cli.db, "SELECT count(*) FROM unique_records") == 2
    searches = {s["database"]: s["id"] for s in json.loads(cli("searches", "--json").stdout)}
    kept_search = _count(
        cli.db,
        "SELECT search_id FROM records WHERE id = (SELECT cluster_id FROM record_clusters"
        " WHERE record_id != cluster_id)",
    )
    cli("searches", "remove", str(kept_search), "--yes")
    remaining = "Embase" if kept_search == searches["PubMed"] else "PubMed"
    assert _count(cli.db, "SELECT count(*) FROM unique_records") == (2 if remaining == "Embase" else 1)
    assert (
        _count(
            cli.db,
            "SELECT count(*) FROM record_clusters c JOIN records r ON r.id = c.cluster_id"
            " JOIN searches s ON s.id = r.search_id WHERE s.removed_at IS NOT NULL",
        )
        == 0
    )
    assert _count(cli.db, "SELECT count(*) FROM records") == 3  # the rows stay, marked removed


def test_a_failed_first_import_leaves_no_review_file(cli, tmp_path):
    empty = tmp_path / "empty.ris"
    empty.write_text("")
    result = cli("import", empty, ok=False)
    assert result.exit_code == 1 and "empty.ris" in result.output and "empty" in result.output
    assert not cli.db.exists()


def test_staged_files_go_with_the_import_whether_it_fails_or_not(db, tmp_path):
    """Staging is a private database attached for the import only: after a failed import and a
    good one on the same connection, nothing is left attached and the second import is whole."""
    good = _ris(tmp_path / "good.ris", ["First trial", "Second trial"])
    cut_off = tmp_path / "cut.ris"
    cut_off.write_text("TY  - JOUR\nTI  - A download that stopped\n")
    conn = open_review(db)
    try:
        with pytest.raises(CartsleError):
            import_files(conn, [good, cut_off], source="Embase")
        assert "cartsle_staging" not in [row[1] for row in conn.execute("PRAGMA database_list")]
        (imported,) = import_files(conn, [good], source="Embase")
        assert imported.records == 2
        assert "cartsle_staging" not in [row[1] for row in conn.execute("PRAGMA database_list")]
        titles = conn.execute("SELECT title FROM records ORDER BY position").fetchall()
        assert [row[0] for row in titles] == ["First trial", "Second trial"]
    finally:
        conn.close()


def test_json_columns_are_stored_as_text_with_non_ascii_kept(db, tmp_path):
    # orjson's bytes go in through CAST(? AS TEXT): stored as TEXT, never as a BLOB
    path = tmp_path / "names.ris"
    path.write_text(
        "TY  - JOUR\nTI  - Über\nAU  - Müller, Ö.\nKW  - café\nDB  - Scopus\nER  - \n", encoding="utf-8"
    )
    conn = open_review(db)
    import_files(conn, [path])
    row = conn.execute(
        "SELECT typeof(authors), typeof(keywords), typeof(fields), authors, keywords, fields FROM records"
    ).fetchone()
    conn.close()
    assert tuple(row)[:3] == ("text", "text", "text")
    assert json.loads(row[3]) == ["Müller, Ö."] and json.loads(row[4]) == ["café"]
    assert json.loads(row[5])["AU"] == ["Müller, Ö."] and '"Müller' in row[5]
