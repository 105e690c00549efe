"""CPU-bound work from async code: a process pool owned by the application."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager

from ch_asyncio_structured._work import count_primes, digest_with_pid


# [start process-pool]
@asynccontextmanager
async def cpu_pool(workers: int) -> AsyncIterator[ProcessPoolExecutor]:
    """Create the pool once (in a FastAPI lifespan, say) and shut it down."""
    context = multiprocessing.get_context("spawn")  # portable; no fork surprises
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        yield pool
    finally:
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


async def count_primes_in_parallel(
    pool: ProcessPoolExecutor, limits: list[int]
) -> list[int]:
    loop = asyncio.get_running_loop()
    jobs = [loop.run_in_executor(pool, count_primes, n) for n in limits]
    # gather, not TaskGroup: a job already running in a child process cannot
    # be cancelled anyway, and run_in_executor returns futures, not coroutines
    return list(await asyncio.gather(*jobs))


# [end process-pool]


async def digest_elsewhere(
    pool: ProcessPoolExecutor, payload: bytes
) -> tuple[str, int]:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, digest_with_pid, payload)


async def _demo() -> None:
    async with cpu_pool(workers=2) as pool:
        assert await count_primes_in_parallel(pool, [10, 100]) == [4, 25]
        _, pid = await digest_elsewhere(pool, b"prompt")
        assert pid != os.getpid()


if __name__ == "__main__":
    asyncio.run(_demo())
