"""Swallowing CancelledError defeats the timeout around it."""

from __future__ import annotations

import asyncio


# [start swallow]
async def stubborn_call(events: list[str], latency: float = 10) -> str:
    try:
        await asyncio.sleep(latency)  # the vendor call
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
async def cooperative_call(events: list[str], latency: float = 10) -> str:
    try:
        await asyncio.sleep(latency)
        return "completion"
    except asyncio.CancelledError:
        events.append("cleanup, then re-raise")
        raise  # let the timeout (or whoever cancelled) see it


# [end reraise]


async def _cooperative_times_out(events: list[str]) -> bool:
    try:
        async with asyncio.timeout(0.01):
            await cooperative_call(events)
    except TimeoutError:
        return True
    return False  # pragma: no cover - only if the timeout failed to fire


if __name__ == "__main__":
    assert asyncio.run(stubborn_call([], latency=0)) == "completion"
    assert asyncio.run(cooperative_call([], latency=0)) == "completion"
    events: list[str] = []
    assert asyncio.run(call_with_budget(events)) == "late answer"
    assert events == [
        "caught CancelledError, carrying on",
        "no TimeoutError; deadline.expired() = True",
    ]
    cooperative: list[str] = []
    assert asyncio.run(_cooperative_times_out(cooperative))
    assert cooperative == ["cleanup, then re-raise"]
