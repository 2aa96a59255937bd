"""Python's cycle collector held off while a step builds many objects that form no cycle.

Reading an export, normalising records for deduplication and computing a review's stage outcomes
each build hundreds of thousands of dicts, tuples and lists. None of them is in a reference cycle,
so plain reference counting frees them all; but every few hundred new objects the cycle collector
walks everything still alive, which cost a third of those steps' time at 100,000 records. The
collector is switched back on (if it was on) however the step ends, and then collects anything a
cycle did keep.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

Step = TypeVar("Step", bound=Callable[..., object])


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused; a caller who had it off finds it off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_cyclic_gc(step: Step) -> Step:
    """``step`` (a reader, say) always runs with the cyclic garbage collector paused."""

    @functools.wraps(step)
    def paused(*args: object, **kwargs: object) -> object:
        with cyclic_gc_paused():
            return step(*args, **kwargs)

    return paused  # type: ignore[return-value]
