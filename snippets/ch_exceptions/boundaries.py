"""Catch-alls belong at system boundaries: a worker loop and a scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    prompt: str


Handler = Callable[[Job], Awaitable[None]]


# [start worker-loop]
async def worker_loop(queue: asyncio.Queue[Job], handle: Handler) -> None:
    while True:  # ends only by cancellation, which `except Exception` lets through
        job = await queue.get()
        try:
            await handle(job)
        except Exception:  # the boundary: one bad job must not stop the worker
            logger.exception("job %s failed", job.id)  # ERROR + full traceback
        finally:
            queue.task_done()


# [end worker-loop]


# [start warning-only]
async def run_quietly(job: Job, handle: Handler) -> None:
    try:
        await handle(job)
    except Exception:
        logger.warning("job %s failed, continuing", job.id)  # the mistake: no traceback


# [end warning-only]


# [start scheduler]
async def run_every(
    interval: float, job: Callable[[], Awaitable[None]], stop: asyncio.Event
) -> None:
    while not stop.is_set():
        try:
            await job()
        except Exception:  # the boundary: the next tick must still happen
            logger.exception("scheduled job %s failed", job.__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


# [end scheduler]
