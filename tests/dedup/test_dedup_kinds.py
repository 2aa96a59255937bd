"""Publication kinds read from title, type, journal and DOI."""

from __future__ import annotations

import pytest

from cartsle_cli.dedup.kinds import Kind, kind_of, part_of


@pytest.mark.parametrize(
    "title, publication_type, journal, doi, kind",
    [
        ("Response to thrombolysis in older adults with stroke", None, "Stroke", None, Kind.ARTICLE),
        ("Correction of hyponatraemia after subarachnoid haemorrhage", None, "Stroke", None, Kind.ARTICLE),
        ("Response to the letter by Smith et al", None, "Stroke", None, Kind.REPLY),
        ("Correction to: Early mobilisation after stroke", None, "Stroke", None, Kind.ERRATUM),
        ("Early mobilisation after stroke", "Published Erratum", "Stroke", None, Kind.ERRATUM),
        ("Retraction notice to: early mobilisation", None, "Stroke", None, Kind.RETRACTION),
        ("Re: Early mobilisation after stroke", None, "Stroke", None, Kind.COMMENT),
        ("Early mobilisation after stroke", "Conference Abstract", "Stroke", None, Kind.CONFERENCE),
        ("Early mobilisation after stroke", "CONF", None, None, Kind.CONFERENCE),
        ("Early mobilisation after stroke", None, "Dissertation Abstracts International", None, Kind.ARTICLE),
        ("Early mobilisation after stroke", None, None, "10.1101/2020.03.01.20029710", Kind.PREPRINT),
        ("Early mobilisation after stroke", None, "Genes & Development", "10.1101/gad.1234", Kind.ARTICLE),
        ("Early mobilisation after stroke", None, "Research Square", None, Kind.PREPRINT),
    ],
)
def test_kind_of(title, publication_type, journal, doi, kind):
    assert kind_of(title, publication_type, journal, doi) is kind


def test_part_numbers_in_words_digits_and_roman_numerals_are_one_number():
    assert part_of("stroke care part ii methods") == part_of("stroke care part 2 methods") == "2"
    assert part_of("stroke care part one") == "1"
    assert part_of("stroke care in parts of europe") is None
