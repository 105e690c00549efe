from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
import pytest

from ch_llm_fastapi import cancellation


@pytest.fixture(autouse=True)
def no_events() -> None:
    cancellation.events.clear()


async def cancel_while_running(
    wrapper: Callable[[Any], Coroutine[Any, Any, None]],
) -> None:
    started = asyncio.Event()

    async def work() -> None:
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(wrapper(work()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_except_exception_misses_cancellation() -> None:
    asyncio.run(cancel_while_running(cancellation.cleanup_in_except_exception))
    assert cancellation.events == []


def test_finally_runs_on_cancellation_and_can_await() -> None:
    asyncio.run(cancel_while_running(cancellation.cleanup_in_finally))
    assert cancellation.events == ["released"]


def test_handler_after_timeout_is_not_under_cancellation() -> None:
    outcome = asyncio.run(cancellation.cleanup_after_timeout(asyncio.sleep(10)))
    assert outcome == "timed out"
    assert cancellation.events == ["released"]


async def cancel_scope_around(
    func: Callable[[], Coroutine[Any, Any, None]],
) -> None:
    async with anyio.create_task_group() as group:  # what StreamingResponse does
        group.start_soon(func)
        await asyncio.sleep(0)  # let it reach sleep_forever
        group.cancel_scope.cancel()


def test_level_cancellation_cuts_an_unshielded_cleanup() -> None:
    asyncio.run(cancel_scope_around(cancellation.stream_cleanup_unshielded))
    assert cancellation.events == []


def test_shielded_cleanup_completes_under_level_cancellation() -> None:
    asyncio.run(cancel_scope_around(cancellation.stream_cleanup_shielded))
    assert cancellation.events == ["released"]


def test_except_exception_does_run_for_ordinary_errors() -> None:
    async def failing() -> None:
        raise ValueError("vendor said no")

    with pytest.raises(ValueError, match="said no"):
        asyncio.run(cancellation.cleanup_in_except_exception(failing()))
    assert cancellation.events == ["released"]


def test_work_inside_the_timeout_returns_normally() -> None:
    assert asyncio.run(cancellation.cleanup_after_timeout(asyncio.sleep(0))) == "done"
    assert cancellation.events == []
