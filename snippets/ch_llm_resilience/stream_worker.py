"""A worker process: ``python -m ch_llm_resilience.stream_worker URL NAME SECONDS``.

Each job "calls the model" for SECONDS (a sleep stands in for the vendor).
Under the tests (BOOK_SNIPPET_TEST=1) it runs a two-job demo and exits.
"""

# book: requires redis

import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis.asyncio as aioredis

from ch_llm_resilience.streams import RESULTS, enqueue, ensure_group, work_once


# [start worker-main]
async def serve(url: str, consumer: str, seconds: float, *, forever: bool) -> int:
    async def call_model(prompt: str) -> str:
        await asyncio.sleep(seconds)
        return f"answer to {prompt}"

    done = 0
    async with aioredis.Redis.from_url(url) as r:
        await ensure_group(r)
        while True:
            job = await work_once(r, consumer, call_model, block_ms=200)
            done += job is not None
            if job is None and not forever:
                return done


# [end worker-main]


async def demo(url: str) -> None:
    async with aioredis.Redis.from_url(url) as r:
        await r.delete("llm:jobs", RESULTS)
        await ensure_group(r)
        jobs = [await enqueue(r, "one"), await enqueue(r, "two")]
        assert await serve(url, "demo", 0.0, forever=False) == 2
        answers = await r.hmget(RESULTS, jobs)
        assert answers == [b"answer to one", b"answer to two"]


if __name__ == "__main__":
    if os.environ.get("BOOK_SNIPPET_TEST") == "1":
        asyncio.run(demo(os.environ["BOOK_REDIS_URL"]))
    else:  # pragma: no cover - a real worker process, killed by the tests
        url, name, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
        asyncio.run(serve(url, name, seconds, forever=True))
