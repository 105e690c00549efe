"""Starlette's thread pool: 40 tokens, shared by sync endpoints and dependencies.

Serve it with ``uvicorn ch_concurrency_models.thread_tokens:app``; set
``BOOK_THREAD_TOKENS`` to change the pool's size at startup.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI


# [start default-tokens]
async def _tokens() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


def default_thread_tokens() -> float:
    """How many threads AnyIO (and so Starlette and FastAPI) lends out at once."""
    return anyio.run(_tokens)


# [end default-tokens]


# [start lifespan-tokens]
@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    tokens = os.environ.get("BOOK_THREAD_TOKENS")
    if tokens is not None:  # size the shared pool once, at startup
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = int(tokens)
    yield


app = FastAPI(lifespan=lifespan)
# [end lifespan-tokens]

gate = threading.Event()  # holds sync work until a test releases it
entered = threading.Semaphore(0)  # one release per sync call that started


# [start shared-pool]
def slow_lookup() -> str:  # a sync dependency: FastAPI runs it in the pool
    entered.release()
    gate.wait(timeout=30)
    return "looked up"


@app.get("/sync-endpoint")
def sync_endpoint() -> dict[str, str]:  # a sync endpoint: also in the pool
    entered.release()
    gate.wait(timeout=30)
    return {"from": "sync endpoint"}


@app.get("/async-with-sync-dependency")
async def async_with_sync_dependency(
    value: Annotated[str, Depends(slow_lookup)],
) -> dict[str, str]:
    return {"from": value}


# [end shared-pool]


@app.get("/tokens")
async def tokens() -> dict[str, float]:
    limiter = anyio.to_thread.current_default_thread_limiter()
    return {"total": limiter.total_tokens, "borrowed": limiter.borrowed_tokens}


@app.post("/wait-entered")
async def wait_entered(count: int) -> dict[str, bool]:
    """Wait (in a worker thread of our own) until ``count`` sync calls started."""

    def take() -> bool:
        return all(entered.acquire(timeout=10) for _ in range(count))

    # A dedicated limiter: this must not need a token from the shared pool.
    ok = await anyio.to_thread.run_sync(take, limiter=anyio.CapacityLimiter(1))
    return {"entered": ok}


@app.post("/release")
async def release() -> dict[str, bool]:
    gate.set()
    return {"released": True}


if __name__ == "__main__":
    assert default_thread_tokens() == 40
