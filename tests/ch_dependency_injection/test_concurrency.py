from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from ch_dependency_injection import concurrency

from ._asgi import lifespan_client


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(concurrency, "gauge", concurrency.Gauge())


async def until(predicate: Callable[[], bool]) -> None:
    """Wait, at most 5 s, until the app's gauge says what the test needs."""
    async with asyncio.timeout(5.0):
        while not predicate():  # noqa: ASYNC110 - the gauge has no event to await
            await asyncio.sleep(0.001)


async def settle() -> None:
    for _ in range(200):  # let every runnable task take its next step
        await asyncio.sleep(0)


async def hold(paths: list[str]) -> tuple[int, int, list[int]]:
    concurrency.gate = asyncio.Event()
    transport = httpx.ASGITransport(app=concurrency.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        tasks = [asyncio.create_task(client.get(p)) for p in paths]
        await until(lambda: concurrency.gauge.active >= 2)
        await settle()
        held = concurrency.gauge.entered
        concurrency.gate.set()
        codes = [r.status_code for r in await asyncio.gather(*tasks)]
    return held, concurrency.gauge.peak, codes


def test_max_concurrency_admits_two_at_a_time() -> None:
    held, peak, codes = asyncio.run(hold(["/summarise"] * 6))
    assert held == 2
    assert peak == 2
    assert codes == [200] * 6


def test_one_alias_shares_its_limit_across_routes() -> None:
    held, peak, _ = asyncio.run(hold(["/summarise", "/translate"] * 3))
    assert (held, peak) == (2, 2)


def test_a_new_depends_object_has_its_own_limit() -> None:
    held, peak, _ = asyncio.run(hold(["/summarise", "/classify"] * 3))
    assert (held, peak) == (4, 4)


def test_bounded_wait_rejects_with_503_instead_of_queueing() -> None:
    async def scenario() -> list[httpx.Response]:
        concurrency.gate = asyncio.Event()
        async with lifespan_client(concurrency.bounded) as client:
            held = [asyncio.create_task(client.get("/summarise")) for _ in range(2)]
            await until(lambda: concurrency.gauge.active == 2)
            rejected = await client.get("/summarise")  # waits 0.05 s, then 503
            concurrency.gate.set()
            return [rejected, *await asyncio.gather(*held)]

    rejected, *served = asyncio.run(scenario())
    assert rejected.status_code == 503
    assert rejected.headers["retry-after"] == "1"
    assert [r.status_code for r in served] == [200, 200]
