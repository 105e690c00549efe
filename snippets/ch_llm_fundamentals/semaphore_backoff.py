"""Backing off while holding a slot wastes the slot."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

Attempt = Callable[[], Awaitable[None]]


# [start backoff-inside]
async def worker_backoff_inside(
    slots: asyncio.Semaphore, attempt: Attempt, backoff: float, until: float
) -> None:
    while time.monotonic() < until:
        async with slots:
            await attempt()  # fails
            await asyncio.sleep(backoff)  # WRONG: sleeps holding the slot


# [end backoff-inside]


# [start backoff-outside]
async def worker_backoff_outside(
    slots: asyncio.Semaphore, attempt: Attempt, backoff: float, until: float
) -> None:
    while time.monotonic() < until:
        async with slots:
            await attempt()  # fails
        await asyncio.sleep(backoff)  # slot released: others use it meanwhile


# [end backoff-outside]


async def attempts_in(
    worker: Callable[
        [asyncio.Semaphore, Attempt, float, float], Coroutine[Any, Any, None]
    ],
    *,
    slots: int,
    workers: int,
    call: float,
    backoff: float,
    duration: float,
) -> int:
    """How many attempts ``workers`` workers complete in ``duration`` seconds."""
    semaphore = asyncio.Semaphore(slots)
    done = 0

    async def attempt() -> None:
        nonlocal done
        await asyncio.sleep(call)
        done += 1

    until = time.monotonic() + duration
    async with asyncio.TaskGroup() as tg:
        for _ in range(workers):
            tg.create_task(worker(semaphore, attempt, backoff, until))
    return done


# [start reacquire-deadlock]
async def retrying_call(slots: asyncio.Semaphore, attempt: Attempt) -> None:
    async with slots:  # a retry helper takes a slot ...
        await guarded_attempt(slots, attempt)


async def guarded_attempt(slots: asyncio.Semaphore, attempt: Attempt) -> None:
    async with slots:  # ... and the code it wraps takes another: with every
        await attempt()  # slot held by callers in the outer layer, none frees


# [end reacquire-deadlock]
