"""The methods paragraph names the ranking model only when screening was prioritised."""

from __future__ import annotations

from cartsle_cli.report.document import build_report
from cartsle_cli.report.methods_text import methods_paragraph
from cartsle_cli.screening.settings import record_ranking_model
from cartsle_cli.store import open_review, transaction

MODEL = (
    "svm+keywords (TF-IDF of words and word pairs; class reweighting; linear SVM; most likely relevant first)"
)


def document(ranking: str | None) -> dict:
    flow = {"duplicates_removed": 0, "identified_total": 10}
    return {
        "pool": None,
        "searches": [],
        "prisma": {"databases": flow, "other_methods": {"duplicates_removed": 0, "identified_total": 0}},
        "agreement": [],
        "ranking_model": ranking,
    }


def test_the_paragraph_names_the_model_that_prioritised_screening() -> None:
    text = methods_paragraph(document(MODEL))
    assert (
        f"Title and abstract screening was prioritised: each reviewer saw the records most likely relevant first, ranked by the model {MODEL}"
        in text
    )


def test_without_a_prioritised_screen_no_model_is_named() -> None:
    text = methods_paragraph(document(None))
    assert "prioritised" not in text and "ranked" not in text


def test_the_report_reads_the_model_from_the_reviews_settings(db) -> None:
    conn = open_review(db)
    try:
        assert "prioritised" not in build_report(conn).document["methods"]
        with transaction(conn):
            record_ranking_model(conn, MODEL)
        assert f"ranked by the model {MODEL}" in build_report(conn).document["methods"]
    finally:
        conn.close()
