"""Chunks shared with worker processes: the results of doing them all here, in order, whoever
computed each; a worker's exception raised at its chunk's turn; a worker that dies, one clear error."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.parallel import map_in_order, spare_cores


def square_and_pid(numbers: list[int]) -> tuple[list[int], int]:
    return [number * number for number in numbers], os.getpid()


def fail_on_seven(numbers: list[int]) -> list[int]:
    if 7 in numbers:
        raise ValueError("seven")
    return numbers


def die_in_a_worker(numbers: list[int]) -> list[int]:
    if multiprocessing.parent_process() is not None:  # a worker process, never the test's own
        os._exit(3)
    return numbers


CHUNKS = [list(range(start, start + 5)) for start in range(0, 200, 5)]


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_results_are_those_of_doing_every_chunk_here_in_order(workers):
    results = list(map_in_order(square_and_pid, CHUNKS, workers=workers, what="squaring"))
    assert [squares for squares, _ in results] == [[n * n for n in chunk] for chunk in CHUNKS]
    pids = {pid for _, pid in results}
    if workers:
        assert os.getpid() in pids and len(pids) > 1  # this process did a share, a worker the rest
    else:
        assert pids == {os.getpid()}


@pytest.mark.parametrize("workers", [0, 1])
def test_an_exception_in_a_chunk_is_raised_at_its_turn(workers):
    chunks = [[n] for n in range(12)]
    done = []
    with pytest.raises(ValueError, match="seven"):
        for result in map_in_order(fail_on_seven, chunks, workers=workers, what="checking"):
            done.append(result)
    assert done == [[n] for n in range(7)]


def test_a_worker_that_dies_is_one_clear_error():
    with pytest.raises(CartsleError, match="a worker process normalising records stopped"):
        list(map_in_order(die_in_a_worker, [[1], [2], [3]], workers=1, what="normalising records"))


def test_the_number_of_workers_can_be_set(monkeypatch):
    monkeypatch.setenv("CARTSLE_WORKERS", "0")
    assert spare_cores() == 0
    monkeypatch.setenv("CARTSLE_WORKERS", "3")
    assert spare_cores() == 3
    monkeypatch.setenv("CARTSLE_WORKERS", "two")
    with pytest.raises(CartsleError, match="CARTSLE_WORKERS"):
        spare_cores()
    monkeypatch.delenv("CARTSLE_WORKERS")
    assert spare_cores() == max(len(os.sched_getaffinity(0)) - 1, 0)
