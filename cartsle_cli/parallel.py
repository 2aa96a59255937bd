"""Chunks of work shared between this process and worker processes, the results in order.

A step over a million records (normalising them for dedup) is cut into chunks; while worker
processes take chunks, this process reads the next ones and does a share itself whenever the
workers have enough queued. Each result is ``work(chunk)`` whoever computed it, and the results
come in the order of the chunks, so nothing downstream depends on the number of workers or on
timing. An exception raised by ``work`` is raised here, at its chunk's turn, as it would have been
without workers.

Workers are started by ``spawn`` (a fresh interpreter), never by a fork of this process: its
other threads (the progress bar's) could hold a lock at the moment of a fork. They ignore Ctrl-C,
which this process handles by stopping them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from cartsle_cli.errors import CartsleError

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

# Chunks waiting for each worker: enough that a worker never waits for this process, few enough
# that little memory is held by chunks in flight.
QUEUED_PER_WORKER = 2


def spare_cores() -> int:
    """Worker processes worth starting: ``CARTSLE_WORKERS`` when set (0: none), else the cores this
    process may run on less its own."""
    setting = os.environ.get("CARTSLE_WORKERS", "").strip()
    if setting:
        try:
            return max(int(setting), 0)
        except ValueError:
            raise CartsleError(f"CARTSLE_WORKERS must be a whole number, not {setting!r}") from None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(cores - 1, 0)


def map_in_order(
    work: Callable[[Chunk], Result], chunks: Iterable[Chunk], *, workers: int, what: str
) -> Iterator[Result]:
    """``work(chunk)`` of each chunk, in order, with up to ``workers`` worker processes (none: all
    here). ``work`` must be a module-level function, which the workers import by name. A worker
    process that dies (killed, out of memory) raises :class:`CartsleError` naming ``what``."""
    if workers < 1:
        yield from map(work, chunks)
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_ctrl_c
    )
    try:
        yield from _shared(pool, work, chunks, workers)
    except BrokenProcessPool:
        raise CartsleError(
            f"a worker process {what} stopped (killed or out of memory); "
            "run again, or with CARTSLE_WORKERS=0 to use no worker processes"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _shared(
    pool: ProcessPoolExecutor, work: Callable[[Chunk], Result], chunks: Iterable[Chunk], workers: int
) -> Iterator[Result]:
    pending: deque[Future[Result]] = deque()
    for chunk in chunks:
        if sum(not future.done() for future in pending) < QUEUED_PER_WORKER * workers:
            pending.append(pool.submit(work, chunk))
        else:
            pending.append(_here(work, chunk))
        while pending and pending[0].done():
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _here(work: Callable[[Chunk], Result], chunk: Chunk) -> Future[Result]:
    """``work(chunk)`` done in this process, as a finished future: an exception waits for its turn."""
    future: Future[Result] = Future()
    try:
        future.set_result(work(chunk))
    except Exception as error:
        future.set_exception(error)
    return future


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
