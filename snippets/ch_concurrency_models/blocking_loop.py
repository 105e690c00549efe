"""A CPU-bound coroutine stalls the event loop; offloading it does not."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable


# [start ticker]
async def ticker(interval: float, stop: asyncio.Event) -> list[float]:
    """Wake up every ``interval`` seconds and record when it really woke."""
    ticks = [time.perf_counter()]
    while not stop.is_set():
        await asyncio.sleep(interval)
        ticks.append(time.perf_counter())
    return ticks


def busy(seconds: float) -> None:
    """Pure-Python CPU work: holds the thread (and the GIL) for ``seconds``."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pass


async def cpu_in_coroutine(seconds: float) -> None:
    busy(seconds)  # no await: the event loop cannot run anything else


async def cpu_in_thread(seconds: float) -> None:
    await asyncio.to_thread(busy, seconds)  # the loop keeps running meanwhile


async def longest_gap(
    work: Callable[[float], Awaitable[None]], seconds: float
) -> float:
    """Run ``work`` next to a 10 ms ticker; return the ticker's longest gap."""
    stop = asyncio.Event()
    tick_task = asyncio.create_task(ticker(0.01, stop))
    await asyncio.sleep(0.05)  # let the ticker settle into its rhythm
    await work(seconds)
    stop.set()
    ticks = await tick_task
    return max(later - earlier for earlier, later in itertools.pairwise(ticks))


# [end ticker]


# [start debug-mode]
async def handler_with_blocking_call() -> None:
    time.sleep(0.15)  # noqa: ASYNC251 - the mistake debug mode exists to catch


def run_in_debug_mode() -> None:
    """Debug mode logs every callback or task step slower than 100 ms."""
    asyncio.run(handler_with_blocking_call(), debug=True)


# [end debug-mode]


if __name__ == "__main__":
    blocked = asyncio.run(longest_gap(cpu_in_coroutine, 0.3))
    assert blocked >= 0.29, blocked  # the ticker missed every tick for 0.3 s
    offloaded = asyncio.run(longest_gap(cpu_in_thread, 0.3))
    assert offloaded < blocked, (offloaded, blocked)
