import pandas as pd
import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.extraction.store import load_extraction
from cartsle_cli.protocol import parse_protocol
from cartsle_cli.review.pooling import PoolOptions, Share, _characteristic, pool_review
from cartsle_cli.store import open_review
from tests.extraction.conftest import include_studies, load_seed_protocol


def test_counts_of_a_characteristic_are_most_frequent_first_with_half_up_percent():
    # 12 of 14 CD19 = 85.7 -> 86%; 2 of 14 = 14.3 -> 14%.
    (target,) = parse_protocol(
        '[design]\ntype = "single-arm"\nparticipants = "n"\n[[characteristics]]\nname = "n"\ntype = "integer"\n'
        '[[characteristics]]\nname = "target"\nrole = "subgroup"\n'
    ).characteristics[1:]
    studies = pd.DataFrame({"target": ["CD19"] * 12 + ["CD19-BCMA"] * 2})
    found = _characteristic(studies, ["s"] * 14, target).shares
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
    load_seed_protocol(conn)
    load_extraction(conn, pair)
    result = pool_review(conn, PoolOptions(method="dl", scale="ft"))
    assert (result.overview.studies, result.overview.participants) == (2, 5)
    assert [share.label for share in result.overview.sources] == ["databases", "other methods"]
    crs = result.analysis("crs")
    assert (crs.method, crs.measure) == ("dl", "PFT")
    assert crs.proportion.meta.method.estimator.endswith("DerSimonian-Laird")
    # outcomes no study reports are left out, and named
    assert "heme_tox_g34" in result.not_reported and result.analysis("heme_tox_g34") is None
    assert result.to_dict()["options"] == {"method": "dl", "scale": "ft", "quantile_method": "linear"}
    assert ids == ["Alpha 2022", "Beta 2024"]


def test_declared_extras_of_a_single_arm_analysis_reach_the_result(db, pair, tmp_path):
    from cartsle_cli.protocol.presets import preset_text
    from cartsle_cli.protocol.store import load_protocol

    text = preset_text("car-t-sle").replace(
        '[[outcomes.analyses]]\nmeasure = "PLO"\nmethod = "glmm"\n\n[[outcomes]]\nid = "icans"',
        '[[outcomes.analyses]]\nmeasure = "PLO"\nmethod = "reml"\nsubgroups = ["origin"]\n'
        'sensitivity = ["leave-one-out"]\n\n[[outcomes]]\nid = "icans"',
    )
    assert 'subgroups = ["origin"]\nsensitivity' in text
    protocol = tmp_path / "protocol.toml"
    protocol.write_text(text)
    include_studies(db, [("Alpha", 2022, False), ("Beta", 2024, True)])
    conn = open_review(db)
    load_protocol(conn, protocol)
    load_extraction(conn, pair)
    crs = pool_review(conn).analysis("crs")
    # CRS 2/3 (Alpha, autologous) and 0/2 (Beta, allogeneic): one study per subgroup
    (by_origin,) = crs.extras.subgroups
    assert [s.level for s in by_origin.subgroups] == ["autologous", "allogeneic"]
    assert [o.study for o in crs.extras.leave_one_out.omitted] == ["Alpha 2022", "Beta 2024"]
    assert pool_review(conn).to_dict()["analyses"][1]["extras"]["subgroups"][0]["variable"] == "origin"
