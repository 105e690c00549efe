"""A bounded queue and a fixed set of workers: backpressure for free."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterable

Handler = Callable[[str], Awaitable[None]]


# [start queue-workers]
async def worker(queue: asyncio.Queue[str], handle: Handler) -> None:
    while True:
        item = await queue.get()
        try:
            await handle(item)
        finally:
            queue.task_done()  # exactly once per get(), even on failure


async def process_all(items: Iterable[str], handle: Handler, workers: int) -> None:
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=workers * 2)
    async with asyncio.TaskGroup() as tg:
        pool = [tg.create_task(worker(queue, handle)) for _ in range(workers)]
        for item in items:
            await queue.put(item)  # blocks while the queue is full
        await queue.join()  # every item handled
        for task in pool:
            task.cancel()  # workers loop forever: stop them explicitly


# [end queue-workers]


# [start queue-shutdown]
async def worker_until_shutdown(  # pragma: no cover - needs 3.13+
    queue: asyncio.Queue[str], handle: Handler
) -> None:
    """3.13+: get() raises QueueShutDown once the queue is shut and drained."""
    while True:
        try:
            item = await queue.get()
        except asyncio.QueueShutDown:  # type: ignore[attr-defined,unused-ignore]
            return
        try:
            await handle(item)
        finally:
            queue.task_done()


async def process_all_313(  # pragma: no cover - needs 3.13+
    items: Iterable[str], handle: Handler, workers: int
) -> None:
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=workers * 2)
    async with asyncio.TaskGroup() as tg:
        for _ in range(workers):
            tg.create_task(worker_until_shutdown(queue, handle))
        for item in items:
            await queue.put(item)
        queue.shutdown()  # type: ignore[attr-defined,unused-ignore]
        # workers drain what is left, then return on their own


# [end queue-shutdown]


async def run_pipeline(items: list[str], handle: Handler, workers: int) -> None:
    """Pick the shutdown style the running Python supports."""
    if sys.version_info >= (3, 13):  # pragma: no cover - runs on 3.13 and later
        await process_all_313(items, handle, workers)
    else:
        await process_all(items, handle, workers)


if __name__ == "__main__":
    handled: list[str] = []

    async def record(item: str) -> None:
        await asyncio.sleep(0)
        handled.append(item)

    items = [f"doc-{i}" for i in range(10)]
    asyncio.run(process_all(items, record, workers=3))
    assert sorted(handled) == sorted(items)
    handled.clear()
    asyncio.run(run_pipeline(items, record, workers=3))
    assert sorted(handled) == sorted(items)
