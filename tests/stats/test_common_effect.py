"""Mantel-Haenszel and Peto pooling against metafor 3.8-1's rma.mh and rma.peto (default arguments).

R: y <- dat.yusuf1985[dat.yusuf1985$table == "6" & dat.yusuf1985$trial != "Snow 1", ]
   r <- rma.mh(measure=M, ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)       # bcg
   r <- rma.mh(measure=M, ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=y)                  # yusuf
   r <- rma.mh(measure=M, ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=dat.hine1989)       # hine
   r <- rma.mh(measure=M, ai=ai, n1i=n1, ci=ci, n2i=n2)                            # hand-made zeros
   print(c(r$beta, r$se, r$QE, r$QEp, r$I2)); weights(r)[1:3]
"""

import pytest
from metafor_datasets import BCG, HINE, YUSUF, YUSUF_LABELS, ZERO, ZERO_LABELS

from cartsle_cli.stats import effect_sizes as es
from cartsle_cli.stats import meta

TOL = 1e-6
DATA = {"bcg": (BCG, None), "yusuf": (YUSUF, YUSUF_LABELS), "hine": (HINE, None), "zero": (ZERO, ZERO_LABELS)}

MANTEL_HAENSZEL = [
    ("bcg", "OR", [-4.73410988389e-01, 4.10077784042e-02, 1.63942579569e02, 8.24945255100e-29, 9.26803640448e01]),
    ("bcg", "RR", [-4.53709604684e-01, 3.93373668713e-02, 1.52567553587e02, 1.70758753152e-26, 9.21346316973e01]),
    ("bcg", "RD", [-3.28818183261e-03, 2.86656748527e-04, 3.86775941837e02, 2.38206256506e-75, 9.68974285363e01]),
    ("yusuf", "OR", [-0.0689617411863, 0.1191880841790, 9.4233180510788, 0.9260385512144, 0]),
    ("yusuf", "RR", [-0.0588745063525, 0.1014412755236, 9.2763357709742, 0.9311914991956, 0]),
    ("yusuf", "RD", [-0.00545459518636, 0.00943650418641, 10.35076681486917, 0.88826030893985, 0]),
    ("hine", "OR", [0.581819897097, 0.280804674663, 1.515264000274, 0.911301659608, 0]),
    ("hine", "RR", [0.550735185309, 0.266571896395, 1.579849599648, 0.903675321433, 0]),
    ("hine", "RD", [0.0280832651572, 0.0133343625043, 0.8705397402430, 0.9723176676832, 0]),
    ("zero", "OR", [-0.764999161883, 0.420385760343, 0.897152729641, 0.826114866090, 0]),
    ("zero", "RR", [-0.656732458291, 0.364224313306, 0.863845425943, 0.834142789022, 0]),
    ("zero", "RD", [-0.0708844249368, 0.0381495726579, 1.2384483930712, 0.7437983302549, 0]),
]  # fmt: skip


def _numbers(result):
    return [result.estimate_transformed, result.se_transformed, result.q, result.q_p, result.i2]


@pytest.mark.parametrize("name, measure, expected", MANTEL_HAENSZEL)
def test_mantel_haenszel_matches_rma_mh(name, measure, expected):
    data, labels = DATA[name]
    result = meta.pool(es.binary(*data, measure, labels=labels), method="mh")
    got = _numbers(result)
    assert got[:3] + got[4:] == pytest.approx(expected[:3] + expected[4:], abs=TOL)
    assert got[3] == pytest.approx(expected[3], rel=1e-6)
    assert "Mantel-Haenszel" in result.method.line()


def test_mantel_haenszel_weights_match_metafor():
    # weights(rma.mh(measure="OR", ..., data=y))[1:3]: 7.58789341947 9.63245547052 7.18209399118
    result = meta.pool(es.binary(*YUSUF, "OR", labels=YUSUF_LABELS), method="mh")
    assert [s.weight for s in result.studies[:3]] == pytest.approx(
        [7.58789341947, 9.63245547052, 7.18209399118], abs=TOL
    )
    assert {e.study for e in result.excluded} == {"Pitt", "Hutton", "Yusuf"}


@pytest.mark.parametrize(
    "name, expected",
    [
        # rma.peto(ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=y): weights(r)[1:3] 7.76987103457 9.50169705506 8.32520067701
        ("yusuf", [-0.0691676322365, 0.1193808058543, 10.8274846793742, 0.8653902592907, 0]),
        # rma.peto(ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
        (
            "bcg",
            [-4.74446310941e-01, 4.06590807446e-02, 1.67730167511e02, 1.38975434718e-29, 9.28456519313e01],
        ),
        # rma.peto(ai=ai, n1i=n1, ci=ci, n2i=n2)
        ("zero", [-0.733089790293, 0.398960570070, 1.353595272419, 0.716447375298, 0]),
    ],
)
def test_peto_matches_rma_peto(name, expected):
    data, labels = DATA[name]
    result = meta.pool(es.binary(*data, "OR", labels=labels), method="peto")
    got = _numbers(result)
    assert got[:3] + got[4:] == pytest.approx(expected[:3] + expected[4:], abs=TOL)
    assert got[3] == pytest.approx(expected[3], rel=1e-6)
    if name == "yusuf":
        assert [s.weight for s in result.studies[:3]] == pytest.approx(
            [7.76987103457, 9.50169705506, 8.32520067701], abs=TOL
        )


def test_swapping_arms_negates_the_mantel_haenszel_and_peto_log_odds_ratio():
    a, n1, c, n2 = YUSUF
    for method in ("mh", "peto"):
        forward = meta.pool(es.binary(a, n1, c, n2, "OR"), method=method)
        backward = meta.pool(es.binary(c, n2, a, n1, "OR"), method=method)
        assert forward.estimate_transformed == pytest.approx(-backward.estimate_transformed, abs=1e-12)
        assert forward.se_transformed == pytest.approx(backward.se_transformed, abs=1e-12)
