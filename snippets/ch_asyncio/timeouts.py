"""asyncio.timeout: one deadline per block, nested deadlines, reschedule."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator


# [start basic-timeout]
async def call_vendor(latency: float) -> str:
    await asyncio.sleep(latency)  # stands in for the HTTP call
    return "completion"


async def answer_or_fallback(latency: float, budget: float) -> str:
    try:
        async with asyncio.timeout(budget):
            return await call_vendor(latency)
    except TimeoutError:  # the built-in; asyncio.TimeoutError is an alias
        return "fallback"


# [end basic-timeout]


# [start nested-deadlines]
async def nested(outer_budget: float, inner_budget: float) -> dict[str, object]:
    report: dict[str, object] = {"inner handler ran": False}
    try:
        async with asyncio.timeout(outer_budget) as outer:
            try:
                async with asyncio.timeout(inner_budget) as inner:
                    await asyncio.sleep(10)
            except TimeoutError:
                report["inner handler ran"] = True
                raise
    except TimeoutError:
        report["raised"] = "TimeoutError"
    report["outer expired"] = outer.expired()
    report["inner expired"] = inner.expired()
    return report


# [end nested-deadlines]


# [start idle-timeout]
async def read_stream(chunks: AsyncIterator[str], idle: float) -> list[str]:
    """Allow any total duration, but at most `idle` seconds between chunks."""
    received: list[str] = []
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(idle) as deadline:
        async for chunk in chunks:
            received.append(chunk)
            deadline.reschedule(loop.time() + idle)  # push the deadline on
    return received


# [end idle-timeout]


async def chunks_with_gaps(gaps: list[float]) -> AsyncIterator[str]:
    """A fake token stream: wait gaps[i] seconds before chunk i."""
    for index, gap in enumerate(gaps):
        await asyncio.sleep(gap)
        yield f"token-{index}"


# [start await-after-timeout]
async def record_and_fallback(events: list[str]) -> str:
    try:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(10)
    except TimeoutError:
        await asyncio.sleep(0)  # awaiting here is fine: no shield needed
        task = asyncio.current_task()
        assert task is not None
        events.append(f"cancelling() in handler = {task.cancelling()}")
    return "fallback"


# [end await-after-timeout]


async def _stall_detected() -> bool:
    try:
        await read_stream(chunks_with_gaps([0, 10]), idle=0.02)
    except TimeoutError:
        return True
    return False  # pragma: no cover - only if the idle timeout failed to fire


if __name__ == "__main__":
    assert asyncio.run(answer_or_fallback(latency=0, budget=5)) == "completion"
    assert asyncio.run(answer_or_fallback(latency=10, budget=0.01)) == "fallback"
    assert asyncio.run(nested(outer_budget=0.05, inner_budget=30)) == {
        "inner handler ran": False,
        "raised": "TimeoutError",
        "outer expired": True,
        "inner expired": False,
    }
    assert len(asyncio.run(read_stream(chunks_with_gaps([0, 0, 0]), idle=1))) == 3
    assert asyncio.run(_stall_detected())
    handler_events: list[str] = []
    assert asyncio.run(record_and_fallback(handler_events)) == "fallback"
    assert handler_events == ["cancelling() in handler = 0"]
