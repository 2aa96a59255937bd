"""Mean and SD from a median with IQR or range: hand calculations with R's qnorm written down."""

import pytest

from cartsle_cli.stats.conversions import mean_sd_from_quantiles

# R: qnorm((0.75*30 - 0.125)/(30 + 0.25)) = 0.642326583936; qnorm((30 - 0.375)/(30 + 0.25)) = 2.040281322010


def test_wan_2014_from_the_iqr():
    # mean (2 + 4 + 7) / 3 = 4.333333; SD (7 - 2) / (2 * 0.642326583936) = 3.892060
    mean, sd = mean_sd_from_quantiles([4], [2], [7], [30], "iqr", "wan2014")
    assert mean[0] == pytest.approx(13 / 3) and sd[0] == pytest.approx(5 / (2 * 0.642326583936), abs=1e-9)


def test_luo_2018_mean_from_the_iqr():
    # w = 0.7 + 0.39/30 = 0.713; mean 0.713 * 4.5 + 0.287 * 4 = 4.3565
    mean, _ = mean_sd_from_quantiles([4], [2], [7], [30], "iqr", "luo2018")
    assert mean[0] == pytest.approx(4.3565, abs=1e-12)


def test_from_the_range():
    # Wan: mean (0 + 8 + 15) / 4 = 5.75, SD 15 / (2 * 2.040281322010); Luo: w = 4 / (4 + 30^0.75)
    mean, sd = mean_sd_from_quantiles([4], [0], [15], [30], "range", "wan2014")
    assert mean[0] == 5.75 and sd[0] == pytest.approx(15 / (2 * 2.040281322010), abs=1e-9)
    luo, _ = mean_sd_from_quantiles([4], [0], [15], [30], "range", "luo2018")
    w = 4 / (4 + 30**0.75)
    assert luo[0] == pytest.approx(w * 7.5 + (1 - w) * 4, abs=1e-12)
