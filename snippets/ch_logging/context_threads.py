"""Context variables follow asyncio tasks and to_thread, not run_in_executor."""

from __future__ import annotations

import asyncio
import contextvars
import logging

from ch_logging.jsonlog import request_id

log = logging.getLogger("ch_logging.context_threads")


# [start tasks]
async def handle(rid: str, ready: asyncio.Event, go: asyncio.Event) -> None:
    request_id.set(rid)  # changes THIS task's copy of the context only
    ready.set()
    await go.wait()  # the other request runs and sets its own id meanwhile
    log.info("handled", extra={"seen": request_id.get()})


async def two_requests() -> None:
    ready_a, ready_b, go = asyncio.Event(), asyncio.Event(), asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        tg.create_task(handle("req-a", ready_a, go))
        tg.create_task(handle("req-b", ready_b, go))
        await ready_a.wait()
        await ready_b.wait()  # both ids are set before either one logs
        go.set()
        # [end tasks]


# [start threads]
def current_id() -> str:
    return request_id.get()  # runs in a worker thread


async def seen_in_threads() -> dict[str, str]:
    request_id.set("req-7")
    loop = asyncio.get_running_loop()
    return {
        "to_thread": await asyncio.to_thread(current_id),
        "run_in_executor": await loop.run_in_executor(None, current_id),
        "run_in_executor + copy_context": await loop.run_in_executor(
            None, contextvars.copy_context().run, current_id
        ),
    }
    # [end threads]


if __name__ == "__main__":
    seen = asyncio.run(seen_in_threads())
    assert seen["to_thread"] == "req-7"
    assert seen["run_in_executor"] == "-"
    assert seen["run_in_executor + copy_context"] == "req-7"
    asyncio.run(two_requests())
