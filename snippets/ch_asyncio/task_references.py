"""The loop holds tasks weakly: keep your own strong reference to each one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)


# [start orphan-task]
async def wait_for_reply(events: list[str]) -> None:
    # The future stands for a reply that only this task can reach: nothing
    # outside the task holds it, as with a connection the task itself owns.
    reply = asyncio.get_running_loop().create_future()
    try:
        await reply
    finally:
        events.append("wait_for_reply: finally")


async def fire_and_forget(events: list[str]) -> None:
    asyncio.create_task(wait_for_reply(events))  # noqa: RUF006 - the mistake shown
    await asyncio.sleep(0)  # the task starts and parks on its future


# [end orphan-task]


# [start never-retrieved]
async def refresh_cache() -> None:
    raise ConnectionError("cache node unreachable")


async def forget_failure() -> None:
    asyncio.create_task(refresh_cache())  # noqa: RUF006 - the mistake shown
    await asyncio.sleep(0)  # the task runs, fails, and nobody looks
    # When the last reference to the failed task goes, the loop logs
    # "Task exception was never retrieved" on the "asyncio" logger.


# [end never-retrieved]


# [start task-supervisor]
class TaskSupervisor:
    """Own background tasks: keep them alive, log failures, cancel on close."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)  # the strong reference the loop does not keep
        task.add_done_callback(self._on_done)
        return task

    def _on_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error(
                "background task %s failed",
                task.get_name(),
                exc_info=task.exception(),
            )

    def __len__(self) -> int:
        return len(self._tasks)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


# [end task-supervisor]


async def _demo() -> None:
    supervisor = TaskSupervisor()

    async def fail() -> None:
        raise ValueError("vendor quota exceeded")

    events: list[str] = []
    supervisor.spawn(fail(), name="refresh-quota")
    parked = supervisor.spawn(wait_for_reply(events), name="wait-for-reply")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert len(supervisor) == 1  # the failed task discarded itself
    await supervisor.aclose()
    assert parked.cancelled()
    assert events == ["wait_for_reply: finally"]
    assert len(supervisor) == 0


if __name__ == "__main__":
    asyncio.run(_demo())
    asyncio.run(forget_failure())
