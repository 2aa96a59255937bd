from cartsle_cli.extraction.numbers import (
    count_of,
    interval,
    number,
    percent_half_up,
    percent_range,
    round_half_up,
)


def test_percentages_round_half_up_as_the_abstract_does():
    # Abstract: 29 of 40 normalised anti-dsDNA "(73%)" and 37 of 40 complement "(93%)":
    # 72.5 and 92.5 round up (round-half-even would give 72 and 92).
    assert count_of(29, 40) == "29/40 (73%)"
    assert count_of(37, 40) == "37/40 (93%)"
    # 56/98 = 57.14 -> 57; 1/56 = 1.79 -> 2; 0 of anything is 0.
    assert count_of(56, 98) == "56/98 (57%)"
    assert percent_half_up(1, 56) == 2 and percent_half_up(0, 7) == 0 and percent_half_up(7, 7) == 100


def test_decimals_round_half_up_on_the_number_the_reader_sees():
    assert round_half_up(9.25) == "9.3"  # binary 9.25 is exact; half-even would give 9.2
    assert round_half_up(2.675, 2) == "2.68"  # binary 2.675 is 2.67499..., the reader sees 2.675
    assert round_half_up(-0.04) == "0.0"
    assert number(6.0) == "6" and number(12.75) == "12.8" and number(None) == ""
    assert percent_range(0.4700, 0.66851) == "47.0-66.9%"


def test_interval_with_a_negative_bound_is_not_written_with_a_dash():
    assert interval(9.031754, 14.968246) == "9.0-15.0"
    assert interval(-1.021156, 3.421156) == "-1.0 to 3.4"
    assert percent_range(-0.0123, 0.2) == "-1.2 to 20.0%"
    assert interval(None, 3.0) == ""
