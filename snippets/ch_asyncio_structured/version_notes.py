"""Behaviour that changed between 3.11 and 3.13: check what your Python does."""

from __future__ import annotations

import asyncio
import sys


# [start taskgroup-cancelling-count]
async def _fail_soon() -> None:
    await asyncio.sleep(0.01)
    raise ValueError("child failed")


async def cancelling_after_group_failure() -> int:
    """A child fails while the body already waits in __aexit__."""
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(_fail_soon())
    except* ValueError:
        pass
    task = asyncio.current_task()
    assert task is not None
    return task.cancelling()  # 1 on 3.11 and 3.12 (a stale count); 0 on 3.13+


# [end taskgroup-cancelling-count]


# [start eager-tasks]
async def child_ran_at_create() -> bool:
    ran: list[str] = []

    async def child() -> None:
        ran.append("child")

    task = asyncio.create_task(child())
    started = ran == ["child"]  # did the child run before create_task returned?
    await task
    return started


async def with_eager_tasks() -> bool:  # pragma: no cover - needs 3.12+
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)  # type: ignore[attr-defined,unused-ignore]
    return await child_ran_at_create()


# [end eager-tasks]


if __name__ == "__main__":
    count = asyncio.run(cancelling_after_group_failure())
    assert count == (0 if sys.version_info >= (3, 13) else 1)
    assert asyncio.run(child_ran_at_create()) is False
    if sys.version_info >= (3, 12):  # pragma: no cover - runs on 3.12 and later
        assert asyncio.run(with_eager_tasks()) is True
