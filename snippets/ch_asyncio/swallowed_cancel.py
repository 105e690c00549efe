"""Swallowing CancelledError defeats the timeout around it."""

from __future__ import annotations

import asyncio


# [start swallow]
async def stubborn_call(events: list[str]) -> str:
    try:
        await asyncio.sleep(10)  # the vendor call
        return "completion"
    except asyncio.CancelledError:  # the mistake: treat cancellation as an error
        events.append("caught CancelledError, carrying on")
        await asyncio.sleep(0.05)  # more work the deadline was meant to stop
        return "late answer"


async def call_with_budget(events: list[str]) -> str:
    async with asyncio.timeout(0.01) as deadline:
        answer = await stubborn_call(events)
    events.append(f"no TimeoutError; deadline.expired() = {deadline.expired()}")
    return answer


# [end swallow]


# [start reraise]
async def cooperative_call(events: list[str]) -> str:
    try:
        await asyncio.sleep(10)
        return "completion"
    except asyncio.CancelledError:
        events.append("cleanup, then re-raise")
        raise  # let the timeout (or whoever cancelled) see it


# [end reraise]


async def _demo() -> None:
    events: list[str] = []
    assert await call_with_budget(events) == "late answer"
    assert events == [
        "caught CancelledError, carrying on",
        "no TimeoutError; deadline.expired() = True",
    ]
    cooperative: list[str] = []
    timed_out = False
    try:
        async with asyncio.timeout(0.01):
            await cooperative_call(cooperative)
    except TimeoutError:
        timed_out = True
    assert timed_out
    assert cooperative == ["cleanup, then re-raise"]


if __name__ == "__main__":
    asyncio.run(_demo())
