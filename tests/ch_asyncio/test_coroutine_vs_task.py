"""await runs a coroutine at once; create_task runs it at the next yield."""

from __future__ import annotations

import asyncio
import inspect

from ch_asyncio.coroutine_vs_task import await_inline, schedule_task, step


def test_awaiting_a_coroutine_runs_it_inline() -> None:
    events: list[str] = []
    assert asyncio.run(await_inline(events)) == "CHILD"
    assert events == ["caller: before await", "child", "caller: after await"]


def test_create_task_does_not_run_the_task_until_the_caller_yields() -> None:
    events: list[str] = []
    assert asyncio.run(schedule_task(events)) == "CHILD"
    assert events == [
        "caller: task created",
        "caller: task done? False",
        "child",
        "caller: after yield, task done? True",
    ]


def test_calling_an_async_function_runs_none_of_its_body() -> None:
    events: list[str] = []
    coro = step(events, "child")
    assert inspect.getcoroutinestate(coro) == "CORO_CREATED"
    assert events == []
    coro.close()
