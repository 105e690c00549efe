"""as_completed yields in completion order; map in input order, raising in place."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest

from ch_executors import map_eager, ordering


def test_as_completed_yields_in_completion_order() -> None:
    assert ordering.in_completion_order([1, 2, 3], finish_order=[3, 1, 2]) == [3, 1, 2]


def test_map_yields_in_input_order() -> None:
    assert ordering.in_input_order([1, 2, 3], finish_order=[3, 1, 2]) == [1, 2, 3]


def test_map_raises_when_iteration_reaches_the_failed_item() -> None:
    seen: list[int] = []
    with pytest.raises(ValueError, match="bad item -3"):
        ordering.consume_map([1, 2, -3, 4], seen)
    assert seen == [1, 2]  # the two before it arrived; item 4 never reached you


def test_submit_keeps_each_failure_in_its_own_future() -> None:
    gate = threading.Event()
    gate.set()
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(ordering.gated_job, i, gate) for i in (1, 2, -3, 4)]
        outcomes = {
            f.result() if not f.exception() else "error" for f in as_completed(futures)
        }
    assert outcomes == {1, 2, 4, "error"}


def test_map_pulls_the_whole_input_before_the_first_result() -> None:
    assert map_eager.first_result_after(10_000) == (0, 10_000)
