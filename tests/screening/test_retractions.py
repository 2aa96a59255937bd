"""Retracted records are flagged: by their own title or type, or by a notice that names them."""

from __future__ import annotations

import json

from cartsle_cli.cli.screen_tui import ScreenApp
from cartsle_cli.report.document import build_report
from cartsle_cli.report.tables import report_tables
from cartsle_cli.screening.retractions import retracted_units

from .conftest import add_records, make_record
from .test_screen_tui import run


def test_title_type_and_notices_flag_the_retracted_records(db, conn):
    ids = add_records(
        db,
        [
            make_record(0, title="RETRACTED: CAR T cells cure lupus in every patient"),
            make_record(1, publication_type="Journal Article; Retracted Publication"),
            make_record(
                2, title="Anti-CD19 CAR T cells in refractory lupus nephritis", doi="10.1000/named.by.doi"
            ),
            make_record(3, title="A fourth trial whose notice names it by title"),
            # Notices: one names record 2 by DOI in its text, one record 3 by repeating its title.
            make_record(
                4,
                title="Retraction notice",
                publication_type="Retraction of Publication",
                abstract="This article (doi:10.1000/named.by.doi) has been retracted at the authors' request.",
                doi="10.1000/notice.1",
            ),
            make_record(
                5, title="Retraction: A fourth trial whose notice names it by title", doi="10.1000/notice.2"
            ),
            make_record(
                6, title="Retraction of T cells from the thymus in mice"
            ),  # reads as a notice, names nothing
            make_record(7, title="Trial seven, untouched"),
        ],
    )
    flagged = retracted_units(conn)
    assert flagged[ids[0]] == "title marks it retracted"
    assert flagged[ids[1]] == "publication type: retracted publication"
    assert flagged[ids[2]] == f"named by retraction notice {ids[4]}"
    assert flagged[ids[3]] == f"named by retraction notice {ids[5]}"
    assert ids[7] not in flagged and ids[4] not in flagged and ids[5] not in flagged


def test_the_screen_and_the_report_show_the_flag(db, conn):
    ids = add_records(db, [make_record(0, title="Retracted article: a trial of CAR T cells"), make_record(1)])
    shown = run(ScreenApp(db, stage="ta", reviewer="kofi", seed=1), "s", "q")
    flagged_view = next(text for text in shown if "a trial of CAR T cells" in text)
    assert "RETRACTED: title marks it retracted" in flagged_view
    document = build_report(conn).document
    assert document["retracted"] == [
        {
            "record_id": ids[0],
            "title": "Retracted article: a trial of CAR T cells",
            "reason": "title marks it retracted",
            "ta": "pending",
            "ft": "",
        }
    ]
    assert "retracted" in [table.name for table in report_tables(document)]
    json.dumps(document)  # stays JSON


def test_a_record_added_later_is_flagged_at_once(db, conn):
    add_records(db, [make_record(0)])
    assert retracted_units(conn) == {}
    later = add_records(db, [make_record(1, title="Retracted: a later record")], database="Embase")
    assert retracted_units(conn) == {later[0]: "title marks it retracted"}  # another connection wrote
