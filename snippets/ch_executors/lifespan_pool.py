"""A process pool created once per app, owned by the FastAPI lifespan.

Serve it with ``uvicorn ch_executors.lifespan_pool:app``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, Request

from ch_executors._work import count_words, pid_of


# [start lifespan]
class State(TypedDict):
    cpu_pool: ProcessPoolExecutor


def default_pool() -> ProcessPoolExecutor:
    workers = int(os.environ.get("CPU_WORKERS", "2"))  # from the pod's CPU budget
    ctx = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def create_app(make_pool: Callable[[], ProcessPoolExecutor] = default_pool) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        pool = make_pool()  # started once, before the first request
        try:
            yield {"cpu_pool": pool}
        finally:  # on shutdown: drop queued work, wait for running work
            pool.shutdown(wait=True, cancel_futures=True)

    app = FastAPI(lifespan=lifespan)
    add_routes(app)
    return app


# [end lifespan]


# [start endpoint]
async def cpu_pool(request: Request) -> ProcessPoolExecutor:  # async: no thread
    pool: ProcessPoolExecutor = request.state.cpu_pool
    return pool


CpuPool = Annotated[ProcessPoolExecutor, Depends(cpu_pool)]


def add_routes(app: FastAPI) -> None:
    @app.post("/count")
    async def count(text: str, pool: CpuPool) -> dict[str, int]:
        loop = asyncio.get_running_loop()
        words = await loop.run_in_executor(pool, count_words, text)
        return {"words": words}

    @app.get("/worker-pid")
    async def worker_pid(pool: CpuPool) -> dict[str, int]:
        loop = asyncio.get_running_loop()
        return {"pid": await loop.run_in_executor(pool, pid_of, None)}


# [end endpoint]

app = create_app()
