"""APScheduler 3 inside a FastAPI lifespan: one scheduler per process.

``BOOK_TICK_SECONDS`` sets the interval; ``BOOK_TICK_LOCK=1`` turns on the
Redis claim that makes a tick run once across all processes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import redis
import redis.asyncio as aioredis
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from fastapi import FastAPI

from ch_background_work.redis_lock import claim_tick

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # every process computes the same ticks


# [start jobs]
async def usage_report(r: aioredis.Redis, interval: float, guarded: bool) -> None:
    """A coroutine job: it runs as a task on the app's event loop."""
    tick = int(time.time() // interval)  # fire times are multiples of interval
    if guarded and not await claim_tick(r, "usage-report", tick, int(interval * 2000)):
        return  # another process owns this tick
    await r.hincrby("runs", str(tick), 1)
    await r.rpush("coroutine-job-threads", threading.current_thread().name)


def refresh_prices(url: str) -> None:
    """A plain function: AsyncIOExecutor hands it to the loop's thread pool."""
    with redis.Redis.from_url(url, decode_responses=True) as r:
        r.rpush("thread-job-threads", threading.current_thread().name)


# [end jobs]


# [start lifespan]
@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    url = os.environ["BOOK_REDIS_URL"]
    interval = float(os.environ.get("BOOK_TICK_SECONDS", "60"))
    guarded = os.environ.get("BOOK_TICK_LOCK") == "1"
    r = aioredis.Redis.from_url(url, decode_responses=True)
    scheduler = AsyncIOScheduler(timezone=UTC)
    every = IntervalTrigger(seconds=interval, start_date=EPOCH)
    scheduler.add_job(
        usage_report, every, args=(r, interval, guarded), id="usage-report",
        max_instances=1, coalesce=True, misfire_grace_time=int(interval) or 1,
    )  # fmt: skip
    scheduler.add_job(refresh_prices, every, args=(url,), id="refresh-prices")
    scheduler.start()  # binds to the running loop: start it inside the lifespan
    await r.rpush("schedulers", os.getpid())
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)  # cancels coroutine jobs still running
        await r.aclose()


app = FastAPI(lifespan=lifespan)
# [end lifespan]
