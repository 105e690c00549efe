"""time.sleep in async def serialises requests; asyncio.sleep and def do not."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest

from ch_concurrency_models import sleep_endpoints
from tests.support.services import UvicornServer

APP = "ch_concurrency_models.sleep_endpoints:app"
REQUESTS = 4
DELAY = 0.5


async def _burst(url: str, path: str) -> tuple[float, int]:
    """Send REQUESTS concurrent requests; return the wall time and server peak."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        await client.post("/peak")  # reset
        start = time.perf_counter()
        replies = await asyncio.gather(
            *(client.get(path, params={"delay": DELAY}) for _ in range(REQUESTS))
        )
        elapsed = time.perf_counter() - start
        assert all(r.status_code == 200 for r in replies)
        peak = (await client.post("/peak")).json()["peak"]
    return elapsed, peak


@pytest.fixture
def server(uvicorn_server: Callable[..., UvicornServer]) -> UvicornServer:
    return uvicorn_server(APP)


@pytest.mark.slow
def test_time_sleep_in_async_def_serialises_requests(server: UvicornServer) -> None:
    elapsed, peak = asyncio.run(_burst(server.url, "/blocking"))
    assert peak == 1  # never two requests inside the endpoint at once
    assert elapsed >= REQUESTS * DELAY * 0.95  # 4 x 0.5 s, one after another


def test_asyncio_sleep_lets_requests_overlap(server: UvicornServer) -> None:
    elapsed, peak = asyncio.run(_burst(server.url, "/cooperative"))
    assert peak == REQUESTS  # all four waited at the same time
    assert elapsed < REQUESTS * DELAY * 0.6  # far below the 2 s of the serial case


def test_sync_def_endpoint_runs_in_the_thread_pool(server: UvicornServer) -> None:
    elapsed, peak = asyncio.run(_burst(server.url, "/sync"))
    assert peak == REQUESTS  # four pool threads slept side by side
    assert elapsed < REQUESTS * DELAY * 0.6


async def _in_process_peak(path: str) -> int:
    """The same burst, in-process: the app shares this test's event loop."""
    transport = httpx.ASGITransport(app=sleep_endpoints.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        await client.post("/peak")
        replies = await asyncio.gather(
            *(client.get(path, params={"delay": 0.05}) for _ in range(3))
        )
        assert [r.json() for r in replies] == [{"slept": 0.05}] * 3
        return int((await client.post("/peak")).json()["peak"])


def test_in_process_the_blocking_endpoint_also_runs_one_at_a_time() -> None:
    assert asyncio.run(_in_process_peak("/blocking")) == 1
    assert asyncio.run(_in_process_peak("/cooperative")) == 3
    assert asyncio.run(_in_process_peak("/sync")) == 3
