"""Export the deduplicated records as RIS, import them again: every field comes back."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartsle_cli.cli.main import app
from cartsle_cli.formats.record import BIBLIOGRAPHIC_FIELDS, Record
from cartsle_cli.store import open_review, transaction
from cartsle_cli.store.searches import add_search

# Values as a normaliser leaves them: single spaces, no line breaks, nothing at either end.
WORD = st.text(alphabet=string.ascii_letters + string.digits + "éüøñ()[]:;,'&/", min_size=1, max_size=12)
PHRASE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
RECORD = st.builds(
    lambda title, abstract, authors, year, journal, volume, issue, first, span, doi, pmid, accession, language, kind: (
        Record(
            line=1,
            raw="",
            title=title,
            abstract=abstract,
            authors=authors,
            year=year,
            journal=journal,
            volume=volume,
            issue=issue,
            pages=f"{first}-{first + span}",
            doi=doi,
            pmid=pmid,
            accession=accession,
            language=language,
            publication_type=kind,
        )
    ),
    PHRASE,
    PHRASE,
    st.lists(st.builds(lambda f, g: f"{f}, {g}", WORD, WORD), min_size=1, max_size=5),
    st.integers(1950, 2030),
    # a journal field holding a link is read as no journal (Ovid's registry URLs), so none here
    PHRASE.filter(lambda journal: "://" not in journal),
    st.integers(1, 300).map(str),
    st.integers(1, 12).map(str),
    st.integers(1, 5000),
    st.integers(1, 30),  # a range; "12-12" reads back as the single page "12"
    st.from_regex(r"10\.\d{4}/[a-z0-9]{1,10}\.[a-z0-9]{1,8}", fullmatch=True),
    st.integers(1, 40_000_000).map(str),
    st.from_regex(r"[A-Z]{2}\d{6}", fullmatch=True),
    st.sampled_from(["eng", "ger", "fre"]),
    st.sampled_from(["Article", "Review", "Conference Abstract"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(RECORD, min_size=1, max_size=4, unique_by=lambda r: r.doi))
def test_exported_ris_imports_again_with_every_field(tmp_path_factory, records):
    from typer.testing import CliRunner

    folder = tmp_path_factory.mktemp("round")
    first_db, second_db = folder / "first.db", folder / "second.db"
    conn = open_review(first_db)
    with transaction(conn):
        add_search(
            conn,
            database="Embase",
            other_methods=False,
            format="test",
            file_name="e.ris",
            sha256="e",
            records=records,
        )
    conn.close()
    exported = folder / "unique.ris"
    runner = CliRunner()
    result = runner.invoke(
        app, ["export", "--unique", "--format", "ris", "-o", str(exported), "--db", str(first_db)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["import", str(exported), "--source", "cartsle export", "--db", str(second_db)]
    )
    assert result.exit_code == 0, result.output
    conn = open_review(second_db)
    again = conn.execute(
        f"SELECT {', '.join(BIBLIOGRAPHIC_FIELDS)} FROM records ORDER BY position"
    ).fetchall()
    conn.close()
    assert len(again) == len(records)
    for original, row in zip(records, again):
        for name in BIBLIOGRAPHIC_FIELDS:
            value = row[name]
            if name == "authors":
                import json

                value = json.loads(value)
            assert value == getattr(original, name), name
