"""The merged record declares the same bibliographic fields as a Record, in the same order: merge
fills exactly :data:`BIBLIOGRAPHIC_FIELDS`, so a field added to one must be added to the others."""

from __future__ import annotations

from dataclasses import fields

from cartsle_cli.dedup.merge import MergedRecord
from cartsle_cli.formats.record import BIBLIOGRAPHIC_FIELDS, Record


def test_a_merged_record_has_every_bibliographic_field_and_only_those_besides_its_own():
    own = ("cluster_id", "filled_from", "sources")
    names = [f.name for f in fields(MergedRecord) if f.name not in own]
    assert names == list(BIBLIOGRAPHIC_FIELDS)


def test_a_record_declares_the_bibliographic_fields_in_their_order():
    names = [f.name for f in fields(Record) if f.name in BIBLIOGRAPHIC_FIELDS]
    assert names == list(BIBLIOGRAPHIC_FIELDS)
