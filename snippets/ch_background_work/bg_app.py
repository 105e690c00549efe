"""FastAPI BackgroundTasks: when they run, where, and what they lose.

Run it with ``BOOK_REDIS_URL=redis://... uvicorn ch_background_work.bg_app:app``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import redis
import redis.asyncio as aioredis
from fastapi import BackgroundTasks, Depends, FastAPI, Request


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    url = os.environ["BOOK_REDIS_URL"]
    # socket_timeout above the 60 s BLPOP below (redis-py 8 defaults to 5 s)
    app.state.redis = aioredis.Redis.from_url(
        url, decode_responses=True, socket_timeout=90
    )
    yield
    await app.state.redis.aclose()


app = FastAPI(lifespan=lifespan)


def get_redis(request: Request) -> aioredis.Redis:
    client: aioredis.Redis = request.app.state.redis
    return client


Store = Annotated[aioredis.Redis, Depends(get_redis)]


def stamp() -> str:
    return json.dumps({"pid": os.getpid(), "t": time.time()})


# [start after-response]
async def write_report(r: aioredis.Redis, report_id: str) -> None:
    await r.rpush(f"{report_id}:started", stamp())
    await r.blpop([f"{report_id}:gate"], timeout=60)  # the slow part
    await r.rpush(f"{report_id}:done", stamp())


@app.post("/reports/{report_id}")
async def create_report(
    report_id: str, background: BackgroundTasks, r: Store
) -> dict[str, float | int]:
    background.add_task(write_report, r, report_id)
    return {"pid": os.getpid(), "handler_returned": time.time()}


# [end after-response]


# [start in-order]
async def step(r: aioredis.Redis, name: str) -> None:
    await r.rpush("steps", name)


async def fail(r: aioredis.Redis) -> None:
    await r.rpush("steps", "fail")
    raise RuntimeError("the second background task failed")


@app.post("/chain")
async def chain(background: BackgroundTasks, r: Store) -> dict[str, str]:
    background.add_task(step, r, "first")
    background.add_task(fail, r)
    background.add_task(step, r, "third")  # never runs
    return {"status": "accepted"}


# [end in-order]


# [start sync-task]
def blocking_audit(url: str) -> None:
    """A sync task: Starlette runs it in AnyIO's shared worker threads."""
    with redis.Redis.from_url(url, decode_responses=True) as r:
        r.rpush("threads", threading.current_thread().name)


@app.post("/audit")
async def audit(background: BackgroundTasks) -> dict[str, str]:
    background.add_task(blocking_audit, os.environ["BOOK_REDIS_URL"])
    return {"handler_thread": threading.current_thread().name}


@app.get("/sync-endpoint")
def sync_endpoint() -> dict[str, str]:  # a def endpoint: same thread pool
    return {"handler_thread": threading.current_thread().name}


# [end sync-task]
