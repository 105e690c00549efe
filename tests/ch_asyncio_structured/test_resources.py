"""Async context managers and async generators clean up deterministically."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from ch_asyncio_structured.agen_aclosing import (
    first_token,
    first_token_leaky,
    token_stream,
)
from ch_asyncio_structured.async_resources import connect, fan_out_to_shards


def test_asynccontextmanager_cleans_up_when_the_body_is_cancelled() -> None:
    log: list[str] = []

    async def use_connection(entered: asyncio.Event) -> None:
        async with connect("vendor", log):
            entered.set()
            await asyncio.sleep(10)

    async def main() -> None:
        entered = asyncio.Event()
        task = asyncio.create_task(use_connection(entered))
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert log == ["opened vendor", "closed vendor"]


def test_asynccontextmanager_cleans_up_on_an_exception() -> None:
    log: list[str] = []

    async def main() -> None:
        async with connect("vendor", log):
            raise KeyError("bad payload")

    with pytest.raises(KeyError):
        asyncio.run(main())
    assert log == ["opened vendor", "closed vendor"]


def test_exit_stack_unwinds_in_reverse_order() -> None:
    log: list[str] = []
    assert asyncio.run(fan_out_to_shards(["a", "b", "c"], log)) == ["a", "b", "c"]
    assert log == [
        "opened a",
        "opened b",
        "opened c",
        "metrics flushed",
        "closed c",
        "closed b",
        "closed a",
    ]


def test_exit_stack_closes_what_was_opened_when_a_later_open_fails() -> None:
    log: list[str] = []

    async def open_two() -> None:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(connect("a", log))
            raise ConnectionError("shard b refused")

    with pytest.raises(ConnectionError):
        asyncio.run(open_two())
    assert log == ["opened a", "closed a"]


def test_async_generator_finally_does_not_run_at_break_without_aclosing() -> None:
    log: list[str] = []

    async def main() -> list[str]:
        assert await first_token_leaky(log) == "The"
        return list(log)  # still inside the loop: what has happened so far

    during = asyncio.run(main())
    assert during == ["stream opened", "caller moved on"]  # no "stream closed"
    # asyncio.run closes leftover async generators on its way out
    assert log == ["stream opened", "caller moved on", "stream closed"]


def test_aclosing_runs_the_finally_before_the_next_line() -> None:
    log: list[str] = []
    assert asyncio.run(first_token(log)) == "The"
    assert log == ["stream opened", "stream closed", "caller moved on"]


def test_a_generator_drained_to_the_end_closes_itself() -> None:
    log: list[str] = []

    async def main() -> str:
        return "".join([token async for token in token_stream(log)])

    assert asyncio.run(main()) == "The answer is 42"
    assert log == ["stream opened", "stream closed"]
