"""The report of a review with nothing to pool says why, in pool_review's own words, though it
no longer calls pool_review to find out (pandas and SciPy stay unloaded)."""

from __future__ import annotations

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.report.document import build_report
from cartsle_cli.review.pool_options import PoolOptions
from cartsle_cli.review.pooling import pool_review
from cartsle_cli.store import open_review


@pytest.mark.parametrize(
    "options",
    [PoolOptions(), PoolOptions(method="nonsense"), PoolOptions(method="glmm", scale="ft")],
    ids=["no protocol", "unknown method", "glmm off the logit scale"],
)
def test_the_pool_note_is_pool_reviews_error(tmp_path, options):
    conn = open_review(tmp_path / "review.db", create=True)
    with pytest.raises(CartsleError) as raised:
        pool_review(conn, options)
    report = build_report(conn, options)
    assert report.pool is None
    assert report.document["pool_note"] == str(raised.value)
    assert report.document["certainty"] == [] and report.document["sensitivity_without_high_risk"] == []
