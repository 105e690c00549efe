"""as_completed hands results over in completion order, not argument order."""

from __future__ import annotations

import asyncio
import sys


async def answer(name: str, release: asyncio.Event) -> str:
    await release.wait()
    return name


# [start as-completed]
async def first_come_first_served(
    gates: dict[str, asyncio.Event], order: list[str]
) -> list[str]:
    calls = [asyncio.create_task(answer(name, gate)) for name, gate in gates.items()]
    received: list[str] = []
    for next_done in asyncio.as_completed(calls):
        received.append(await next_done)  # the earliest finished call first
        if len(received) < len(order):
            gates[order[len(received)]].set()  # let the next one finish
    return received


# [end as-completed]


# [start as-completed-313]
async def completed_tasks(tasks: list[asyncio.Task[str]]) -> list[asyncio.Task[str]]:
    """3.13+: `async for` yields the original task objects as they finish."""
    if sys.version_info >= (3, 13):  # pragma: no cover - runs on 3.13 and later
        return [task async for task in asyncio.as_completed(tasks)]
    # 3.11 and 3.12: as_completed yields new awaitables, so use wait()
    finished: list[asyncio.Task[str]] = []
    pending = set(tasks)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        finished.extend(done)
    return finished


# [end as-completed-313]


async def _demo() -> None:
    names = ["slow", "medium", "fast"]
    gates = {name: asyncio.Event() for name in names}
    order = ["fast", "medium", "slow"]
    gates[order[0]].set()
    assert await first_come_first_served(gates, order) == order
    ready = asyncio.Event()
    ready.set()
    tasks = [asyncio.create_task(answer(n, ready)) for n in names]
    done = await completed_tasks(tasks)
    assert sorted(t.result() for t in done) == sorted(names)
    assert all(t in tasks for t in done)


if __name__ == "__main__":
    asyncio.run(_demo())
