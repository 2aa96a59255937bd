"""Shared by the protocol tests here and the CLI's (tests/cli/test_protocol.py)."""

from __future__ import annotations

# The smallest valid comparative protocol: two arms, one subgroup characteristic, one binary
# outcome pooled as an odds ratio by region.
MINIMAL = """\
format = 1
title = "Two-arm trials"

[design]
type = "comparative"

[[design.arms]]
id = "treated"
role = "intervention"

[[design.arms]]
id = "control"
role = "control"

[[characteristics]]
name = "region"
type = "choice"
values = ["north", "south"]
role = "subgroup"

[[outcomes]]
id = "death"
type = "binary"

[[outcomes.analyses]]
measure = "OR"
subgroups = ["region"]
"""
