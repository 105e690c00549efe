"""A CPU-bound coroutine blocks the event loop; offloading keeps it responsive."""

from __future__ import annotations

import asyncio
import logging

import pytest

from ch_concurrency_models import blocking_loop


def test_cpu_bound_coroutine_stops_a_concurrent_ticker() -> None:
    gap = asyncio.run(blocking_loop.longest_gap(blocking_loop.cpu_in_coroutine, 0.3))
    # A 10 ms ticker went silent for the whole 300 ms of CPU work.
    assert gap >= 0.29


def test_cpu_work_in_a_thread_leaves_the_ticker_running() -> None:
    gap = asyncio.run(blocking_loop.longest_gap(blocking_loop.cpu_in_thread, 0.3))
    # The ticker still fires: its worst gap is far below the 300 ms of work
    # (the GIL is handed back every 5 ms; 150 ms leaves room for a busy machine).
    assert gap < 0.15


def test_debug_mode_logs_the_slow_step(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="asyncio"):
        blocking_loop.run_in_debug_mode()
    slow = [r.getMessage() for r in caplog.records if r.name == "asyncio"]
    assert any("Executing" in m and "took" in m for m in slow), slow
