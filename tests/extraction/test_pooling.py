import pandas as pd
import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.store import load_extraction
from cartsle_cli.review.pooling import PoolOptions, Share, pool_review, shares
from cartsle_cli.store import open_review
from tests.extraction.conftest import include_studies


def test_shares_count_each_value_most_frequent_first_with_half_up_percent():
    # 12 of 14 CD19 = 85.7 -> 86%; 2 of 14 = 14.3 -> 14%.
    found = shares(pd.Series(["CD19"] * 12 + ["CD19-BCMA"] * 2))
    assert found == [Share("CD19", 12, 14), Share("CD19-BCMA", 2, 14)]
    assert [share.text for share in found] == ["12/14 (86%)", "2/14 (14%)"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (PoolOptions(method="fixed"), "unknown method 'fixed'"),
        (PoolOptions(scale="arcsine"), "unknown scale 'arcsine'"),
        (PoolOptions(method="glmm", scale="raw"), "the GLMM works on the logit scale"),
    ],
)
def test_impossible_options_are_refused_before_any_work(options, message):
    with pytest.raises(CartsleError, match=message):
        options.check()


def test_pool_review_reads_the_current_load_and_names_its_options(db, pair):
    ids = include_studies(db, [("Alpha", 2022, False), ("Beta", 2024, True)])
    conn = open_review(db)
    load_extraction(conn, *pair)
    result = pool_review(conn, PoolOptions(method="dl", scale="ft"))
    assert (result.overview.studies, result.overview.participants) == (2, 5)
    assert [share.label for share in result.overview.sources] == ["databases", "other methods"]
    assert (result.safety.method, result.safety.scale) == ("dl", "ft")
    assert result.to_dict()["options"] == {"method": "dl", "scale": "ft", "quantile_method": "linear"}
    assert ids == ["Alpha 2022", "Beta 2024"]
