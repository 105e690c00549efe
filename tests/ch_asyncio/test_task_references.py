"""The event loop keeps only weak references to tasks."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from typing import Any

import pytest

from ch_asyncio.task_references import TaskSupervisor, fire_and_forget, wait_for_reply


def _record_loop_errors(contexts: list[dict[str, Any]]) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: contexts.append(context))


def test_unreferenced_task_parked_on_private_future_is_garbage_collected() -> None:
    events: list[str] = []
    contexts: list[dict[str, Any]] = []

    async def main() -> tuple[bool, list[str]]:
        _record_loop_errors(contexts)
        await fire_and_forget(events)
        (task,) = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        ref = weakref.ref(task)
        del task
        gc.collect()  # the task, its coroutine and its future form a garbage cycle
        return ref() is None, list(events)

    collected, seen = asyncio.run(main())
    assert collected, "the loop kept the task alive: the claim is false"
    # The coroutine was closed by the garbage collector: its finally ran with
    # GeneratorExit, not CancelledError, and the loop reported the pending task.
    assert seen == ["wait_for_reply: finally"]
    messages = [c["message"] for c in contexts]
    assert "Task was destroyed but it is pending!" in messages


def test_sleeping_task_is_kept_alive_by_the_loop_timer() -> None:
    """The precise mechanism: a timer handle references the sleep future."""

    async def sleeper() -> None:
        await asyncio.sleep(30)

    async def main() -> bool:
        ref = weakref.ref(asyncio.create_task(sleeper()))
        await asyncio.sleep(0)
        gc.collect()
        task = ref()
        alive = task is not None
        if task is not None:
            task.cancel()
        return alive

    assert asyncio.run(main())


def test_supervisor_keeps_the_parked_task_alive_and_forgets_it_when_done() -> None:
    async def main() -> None:
        supervisor = TaskSupervisor()
        events: list[str] = []
        ref = weakref.ref(supervisor.spawn(wait_for_reply(events), name="reply"))
        await asyncio.sleep(0)
        gc.collect()
        task = ref()
        assert task is not None, "the supervisor's strong reference was not enough"
        assert len(supervisor) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert len(supervisor) == 0  # add_done_callback(discard) ran
        assert events == ["wait_for_reply: finally"]

    asyncio.run(main())


def test_supervisor_logs_a_failed_task_instead_of_never_retrieved(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fail() -> None:
        raise ValueError("vendor quota exceeded")

    async def main() -> None:
        supervisor = TaskSupervisor()
        task = supervisor.spawn(fail(), name="refresh-quota")
        await asyncio.wait([task])

    with caplog.at_level(logging.ERROR):
        asyncio.run(main())
    (record,) = [r for r in caplog.records if r.name == "ch_asyncio.task_references"]
    assert record.getMessage() == "background task refresh-quota failed"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)
    assert not [r for r in caplog.records if "never retrieved" in r.getMessage()]


def test_forgotten_failure_is_reported_only_when_the_task_is_destroyed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from ch_asyncio.task_references import forget_failure

    with caplog.at_level(logging.ERROR, logger="asyncio"):
        asyncio.run(forget_failure())
        gc.collect()
    (record,) = [r for r in caplog.records if r.name == "asyncio"]
    assert record.getMessage().startswith("Task exception was never retrieved")
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ConnectionError)
