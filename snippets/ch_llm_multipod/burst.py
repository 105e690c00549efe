"""A burst worked with numbers: who starts, who waits, who fails, and when.

Everything arrives at t = 0 at one pod. Time is virtual: the simulation
computes when each slot and each limiter token becomes free, so the answer is
exact and takes no time to compute.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections import Counter
from dataclasses import dataclass


# [start simulate]
@dataclass(frozen=True)
class Burst:
    arrivals: int
    slots: int  # the pod's semaphore
    call_seconds: float  # how long each vendor call holds its slot
    admission_timeout: float  # the whole wait: token and slot together
    limiter_burst: int | None = None  # a token bucket BEFORE the semaphore
    limiter_rate: float = 0.0  # tokens per second after the burst


def simulate(b: Burst) -> Counter[str]:
    free_at = [0.0] * b.slots  # when each slot is next free (a heap)
    outcome: Counter[str] = Counter()
    for i in range(b.arrivals):
        token_at = 0.0
        if b.limiter_burst is not None:
            extra = i - b.limiter_burst + 1  # tokens needed beyond the burst
            token_at = extra / b.limiter_rate if extra > 0 else 0.0
            if token_at > b.admission_timeout:  # the bucket says no at once
                outcome["failed at once (no token)"] += 1
                continue
        start = max(token_at, free_at[0])
        if start > b.admission_timeout:
            outcome["failed after waiting"] += 1
            if b.limiter_burst is not None:
                outcome["tokens wasted"] += 1
            continue
        heapq.heapreplace(free_at, start + b.call_seconds)
        outcome["started at once" if start == 0 else "started later"] += 1
    return outcome


# [end simulate]


# [start real]
async def real_burst(
    arrivals: int, slots: int, call_seconds: float, admission_timeout: float
) -> Counter[str]:
    """The same burst on a real asyncio.Semaphore, in real (short) time."""
    semaphore = asyncio.Semaphore(slots)
    outcome: Counter[str] = Counter()

    async def request() -> None:
        started = time.monotonic()
        try:
            async with asyncio.timeout(admission_timeout):  # the wait only
                await semaphore.acquire()
        except TimeoutError:
            outcome["failed after waiting"] += 1
            return
        try:
            waited = time.monotonic() - started
            outcome["started at once" if waited < 0.01 else "started later"] += 1
            await asyncio.sleep(call_seconds)  # the vendor call
        finally:
            semaphore.release()

    async with asyncio.TaskGroup() as tg:
        for _ in range(arrivals):
            tg.create_task(request())
    return outcome


# [end real]
