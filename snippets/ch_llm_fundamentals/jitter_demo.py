"""Clients that fail together retry together, unless the backoff is random."""

import asyncio
import random
from collections import Counter
from collections.abc import Callable

import httpx

from ch_llm_fundamentals.retry_policy import additive_jitter, full_jitter, no_jitter

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
        "additive": lambda n: additive_jitter(
            n, base=base, cap=10 * base, rand=rng.random
        ),
        "full": lambda n: full_jitter(n, base=base, cap=10 * base, rand=rng.random),
    }


# [start schedule]
def retry_times(clients: int, retry: int, backoff: Backoff) -> list[float]:
    """When each of ``clients`` sends retry number ``retry`` (0 = the first).

    They all failed at t = 0, and every earlier retry failed too (the vendor
    is still overloaded), so each waited backoff(0) + ... + backoff(retry).
    """
    return [sum(backoff(n) for n in range(retry + 1)) for _ in range(clients)]


def busiest_bucket(times: list[float], width: float) -> int:
    """Retries landing in the busiest ``width``-second interval."""
    return max(Counter(int(t / width) for t in times).values())


# [end schedule]
