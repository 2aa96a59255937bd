"""The sample reviews: a deterministic generator of a synthetic systematic review (search exports,
ground truth, screening decisions, extraction files) that reproduces the abstract's Results, and
(:mod:`.trials`) comparative reviews of published trial-level data; :mod:`.registry` names them
for `cartsle demo --sample NAME`."""

from cartsle_cli.sample.generate import SEARCH_FILES, write_sample

__all__ = ["SEARCH_FILES", "write_sample"]
