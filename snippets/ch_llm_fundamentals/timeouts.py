"""httpx timeouts: what each one bounds, and the total deadline none of them is."""

import asyncio

import httpx

# [start explicit-timeouts]
LLM_TIMEOUT = httpx.Timeout(
    connect=3.0,  # TCP (and TLS) handshake with the vendor
    read=60.0,  # longest silence between two chunks of the answer
    write=10.0,  # longest stall while sending one chunk of the request
    pool=1.0,  # longest wait for a free connection from our own pool
)
LLM_LIMITS = httpx.Limits(
    max_connections=50,  # at least the semaphore's size (see below)
    max_keepalive_connections=50,
    keepalive_expiry=30.0,
)


def make_client(base_url: str) -> httpx.AsyncClient:
    """One per process, created in the lifespan and closed with aclose()."""
    return httpx.AsyncClient(base_url=base_url, timeout=LLM_TIMEOUT, limits=LLM_LIMITS)


# [end explicit-timeouts]

PAYLOAD = {"model": "fake-1", "messages": [{"role": "user", "content": "hi"}]}


# [start per-chunk]
async def post_with_read_timeout(url: str, read: float) -> httpx.Response:
    """Only httpx's read timeout: it restarts at every chunk that arrives."""
    timeout = httpx.Timeout(5.0, read=read)
    async with httpx.AsyncClient(timeout=timeout) as client:
        return await client.post(url, json=PAYLOAD)


async def post_with_deadline(url: str, read: float, total: float) -> httpx.Response:
    """The same call inside a total deadline that covers every chunk."""
    async with asyncio.timeout(total):
        return await post_with_read_timeout(url, read)


# [end per-chunk]
