"""asyncio.timeout: built-in TimeoutError, nesting, reschedule, expired()."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

from ch_asyncio.timeouts import (
    answer_or_fallback,
    chunks_with_gaps,
    nested,
    read_stream,
    record_and_fallback,
)


def test_timeout_raises_the_builtin_timeout_error() -> None:
    assert asyncio.TimeoutError is TimeoutError

    async def main() -> None:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(10)

    with pytest.raises(TimeoutError) as caught:
        asyncio.run(main())
    assert type(caught.value) is TimeoutError
    # The CancelledError that the deadline injected is kept on the exception:
    # as __cause__ since gh-102780 (3.12, backported to 3.11.3), as
    # __context__ only on 3.11.0 to 3.11.2.
    assert isinstance(caught.value.__context__, asyncio.CancelledError)
    if sys.version_info >= (3, 11, 3):
        assert isinstance(caught.value.__cause__, asyncio.CancelledError)
    else:  # pragma: no cover - early 3.11 releases only
        assert caught.value.__cause__ is None


def test_answer_or_fallback_returns_fallback_only_when_the_budget_runs_out() -> None:
    assert asyncio.run(answer_or_fallback(latency=0, budget=5)) == "completion"
    assert asyncio.run(answer_or_fallback(latency=10, budget=0.01)) == "fallback"


def test_earlier_outer_deadline_fires_and_only_the_outer_manager_converts() -> None:
    started = time.monotonic()
    report = asyncio.run(nested(outer_budget=0.05, inner_budget=30))
    elapsed = time.monotonic() - started
    assert report == {
        "inner handler ran": False,  # the inner block saw CancelledError
        "raised": "TimeoutError",
        "outer expired": True,
        "inner expired": False,
    }
    assert elapsed < 10  # far below the inner 30 s budget and the 10 s sleep


def test_earlier_inner_deadline_fires_inside_a_longer_outer_one() -> None:
    report = asyncio.run(nested(outer_budget=30, inner_budget=0.05))
    assert report == {
        "inner handler ran": True,
        "raised": "TimeoutError",
        "outer expired": False,
        "inner expired": True,
    }


def test_reschedule_allows_a_long_stream_with_short_gaps() -> None:
    # 12 chunks, 0.05 s apart: about 0.6 s in total, longer than the 0.4 s
    # idle budget, so the stream finishes only because each chunk moves the
    # deadline on. Each gap would have to stretch 8x to fail.
    chunks = asyncio.run(read_stream(chunks_with_gaps([0.05] * 12), idle=0.4))
    assert chunks == [f"token-{i}" for i in range(12)]


def test_without_reschedule_the_same_stream_times_out() -> None:
    async def no_reschedule() -> list[str]:
        received: list[str] = []
        async with asyncio.timeout(0.4):
            async for chunk in chunks_with_gaps([0.05] * 12):
                received.append(chunk)
        return received

    with pytest.raises(TimeoutError):
        asyncio.run(no_reschedule())


def test_idle_timeout_fires_on_a_stall() -> None:
    with pytest.raises(TimeoutError):
        asyncio.run(read_stream(chunks_with_gaps([0, 10]), idle=0.05))


def test_handler_after_timeout_can_await_because_the_task_was_uncancelled() -> None:
    events: list[str] = []
    assert asyncio.run(record_and_fallback(events)) == "fallback"
    assert events == ["cancelling() in handler = 0"]


def test_expired_and_when_report_the_deadline() -> None:
    async def main() -> tuple[bool, bool, float | None]:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(None) as cm:  # no deadline yet
            no_deadline = cm.when()
            cm.reschedule(loop.time() + 30)
            before = cm.expired()
            await asyncio.sleep(0)
        assert no_deadline is None
        return before, cm.expired(), cm.when()

    before, after, when = asyncio.run(main())
    assert (before, after) == (False, False)
    assert when is not None
