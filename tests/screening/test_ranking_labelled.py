"""Reading labelled sets for simulation: ASReview/SYNERGY CSV layouts and RIS with ASReview notes."""

from __future__ import annotations

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.ranking import read_labelled


def test_synergy_csv_label_included_is_found_without_being_named(shared):
    labelled = read_labelled(shared / "labelled-screening/srd__Cohen_2006_local_ADHD.csv")
    # PROVENANCE.md: 851 records, 20 final includes; label_abstract_screening is not the label
    assert labelled.label_column == "label_included"
    assert (len(labelled.labels), labelled.includes) == (851, 20)
    assert labelled.record_ids[:2] == ["1", "2"]
    assert labelled.texts[0].startswith("The effectiveness of clonidine")


def test_named_label_column_wins_and_yes_no_values_are_read(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text(
        "Title,Abstract,included,my_label\nA,x,1,yes\nB,y,0,no\nC,z,0,Excluded\n", encoding="utf-8"
    )
    labelled = read_labelled(path, "my_label")
    assert labelled.labels == [1, 0, 0]
    assert labelled.record_ids == ["1", "2", "3"]


def test_unlabelled_row_is_refused_with_its_row(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text("title,abstract,included\nA,x,1\nB,y,\n", encoding="utf-8")
    with pytest.raises(CartsleError) as error:
        read_labelled(path)
    assert "row 3" in str(error.value) and "included" in str(error.value)


def test_missing_label_column_names_the_columns_present(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text("title,abstract\nA,x\n", encoding="utf-8")
    with pytest.raises(CartsleError, match="no label column"):
        read_labelled(path)


def test_ris_with_asreview_notes_is_read(tmp_path):
    path = tmp_path / "set.ris"
    path.write_text(
        "TY  - JOUR\nTI  - Aspirin after stroke\nAB  - A trial.\nN1  - ASReview_relevant\nER  - \n\n"
        "TY  - JOUR\nTI  - Knee surgery\nAB  - A cohort.\nN1  - ASReview_irrelevant\nER  - \n",
        encoding="utf-8",
    )
    labelled = read_labelled(path)
    assert labelled.labels == [1, 0]
    assert labelled.texts[0] == "Aspirin after stroke A trial."
