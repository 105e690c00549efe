"""Clients that fail together retry together, unless the backoff is random."""

import asyncio
import random
from collections import Counter
from collections.abc import Callable

import httpx
from ch_llm_fundamentals.retry_policy import full_jitter, no_jitter

PAYLOAD = {"model": "fake-1", "messages": [{"role": "user", "content": "hi"}]}
Backoff = Callable[[int], float]


# [start synchronised]
async def one_client(http: httpx.AsyncClient, url: str, backoff: Backoff) -> None:
    for attempt in range(3):
        response = await http.post(url, json=PAYLOAD)
        if response.status_code != 503:
            return
        await asyncio.sleep(backoff(attempt))


async def many_clients(url: str, clients: int, backoff: Backoff) -> None:
    """``clients`` callers that all start (and fail) at the same moment."""
    async with httpx.AsyncClient(timeout=10.0) as http, asyncio.TaskGroup() as tg:
        for _ in range(clients):
            tg.create_task(one_client(http, url, backoff))


# [end synchronised]


def backoffs(seed: int, base: float) -> dict[str, Backoff]:
    rng = random.Random(seed)
    return {
        "none": lambda n: no_jitter(n, base=base, cap=10 * base),
        "full": lambda n: full_jitter(n, base=base, cap=10 * base, rand=rng.random),
    }


def per_bucket(times: list[float], start: float, width: float) -> Counter[int]:
    """How many arrivals fall in each ``width``-second bucket after ``start``."""
    return Counter(int((t - start) / width) for t in times)
