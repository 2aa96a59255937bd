"""The store's JSON columns read back (a record's authors, keywords and fields), by whoever reads them."""

from __future__ import annotations

import json
from typing import Any

import orjson


def load_json(text: str) -> Any:
    """``json.loads(text)``, by orjson (which the store writes with) for the speed: a million
    records' author lists are read in each dedup run. Text orjson refuses (a lone surrogate escape,
    which the standard library reads) goes to json.loads, which gives or raises the same as before."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
