"""A coroutine that swallows CancelledError makes its timeout silent."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from ch_asyncio.swallowed_cancel import call_with_budget, cooperative_call


def test_swallowed_cancellation_means_the_timeout_never_fires() -> None:
    events: list[str] = []
    started = time.monotonic()
    answer = asyncio.run(call_with_budget(events))  # no TimeoutError raised
    elapsed = time.monotonic() - started
    assert answer == "late answer"
    assert events == [
        "caught CancelledError, carrying on",
        "no TimeoutError; deadline.expired() = True",  # the only trace left
    ]
    assert elapsed >= 0.05  # the extra work ran past the 0.01 s budget


def test_reraising_lets_the_timeout_fire() -> None:
    events: list[str] = []

    async def main() -> None:
        async with asyncio.timeout(0.01):
            await cooperative_call(events)

    with pytest.raises(TimeoutError):
        asyncio.run(main())
    assert events == ["cleanup, then re-raise"]


def test_swallowing_an_outside_cancel_leaves_the_task_marked_as_cancelling() -> None:
    """Why the docs require uncancel() after a deliberate swallow."""

    async def swallow() -> int:
        with contextlib.suppress(asyncio.CancelledError):  # swallowed, no uncancel()
            await asyncio.sleep(10)
        task = asyncio.current_task()
        assert task is not None
        return task.cancelling()

    async def main() -> int:
        task = asyncio.create_task(swallow())
        await asyncio.sleep(0)
        task.cancel()
        return await task

    assert asyncio.run(main()) == 1
