"""Little's law at a real vendor: in flight = start rate x latency, plus burst."""

import asyncio

import httpx

from ch_llm_fundamentals.rate_limiter import TokenBucket

PAYLOAD = {"model": "fake-1", "messages": [{"role": "user", "content": "hi"}]}


# [start drive]
async def drive(url: str, *, rate: float, burst: int, requests: int) -> None:
    """Start ``requests`` calls as fast as a token bucket allows."""
    bucket = TokenBucket(rate, burst)
    limits = httpx.Limits(max_connections=None)  # let the bucket be the limit
    async with (
        httpx.AsyncClient(timeout=10.0, limits=limits) as http,
        asyncio.TaskGroup() as tg,
    ):
        for _ in range(requests):
            await bucket.acquire(max_wait=60.0)
            tg.create_task(http.post(url, json=PAYLOAD))


# [end drive]
