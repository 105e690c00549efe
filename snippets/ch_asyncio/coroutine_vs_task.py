"""Awaiting a coroutine runs it now; create_task only schedules it."""

from __future__ import annotations

import asyncio


# [start await-inline]
async def step(events: list[str], name: str) -> str:
    events.append(name)
    return name.upper()


async def await_inline(events: list[str]) -> str:
    events.append("caller: before await")
    result = await step(events, "child")  # runs now, inside the caller's task
    events.append("caller: after await")
    return result


# [end await-inline]


# [start create-task-order]
async def schedule_task(events: list[str]) -> str:
    task = asyncio.create_task(step(events, "child"))  # scheduled, not started
    events.append("caller: task created")
    events.append(f"caller: task done? {task.done()}")
    await asyncio.sleep(0)  # yield to the loop: now the child gets its turn
    events.append(f"caller: after yield, task done? {task.done()}")
    return await task


# [end create-task-order]


if __name__ == "__main__":
    inline: list[str] = []
    assert asyncio.run(await_inline(inline)) == "CHILD"
    assert inline == ["caller: before await", "child", "caller: after await"]
    scheduled: list[str] = []
    assert asyncio.run(schedule_task(scheduled)) == "CHILD"
    assert scheduled == [
        "caller: task created",
        "caller: task done? False",
        "child",
        "caller: after yield, task done? True",
    ]
