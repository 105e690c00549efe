"""nginx as the gateway: every config passes `nginx -t`; what limit_req limits."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.multipod_pods import Nginx, Pods, render_nginx
from tests.support.services import ROOT

CONFIGS = sorted((ROOT / "snippets").glob("ch_llm_*/**/*.conf"))
GATEWAY = ROOT / "snippets/ch_llm_architecture/nginx/gateway.conf"
BUFFERING = ROOT / "snippets/ch_llm_architecture/nginx/buffering.conf"


@pytest.fixture(scope="module")
def pods() -> Iterator[Pods]:
    with Pods(3, app="ch_llm_architecture.server_limits:probe_app") as running:
        yield running


def test_every_nginx_config_in_the_book_passes_nginx_t() -> None:
    assert len(CONFIGS) >= 2
    for conf in CONFIGS:
        nginx = Nginx(conf.read_text())  # exactly the file the book shows
        try:
            result = nginx.check()
        finally:
            nginx.stop()
        assert result.returncode == 0, f"{conf.name}: {result.stderr}"
        assert "test is successful" in result.stderr


async def burst(url: str, count: int, source: str = "127.0.0.1") -> Counter[int]:
    transport = httpx.AsyncHTTPTransport(local_address=source)
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        answers = await asyncio.gather(
            *(client.get(f"{url}/v1/whoami") for _ in range(count))
        )
    return Counter(a.status_code for a in answers)


def in_front_of(pods: Pods, conf: Path) -> Nginx:
    """A book config pointed at these pods; ``with`` starts and stops it."""
    nginx = Nginx("")
    nginx.conf.write_text(render_nginx(conf.read_text(), nginx.port, pods.ports))
    return nginx


def test_limit_req_keeps_one_bucket_per_client_address(pods: Pods) -> None:
    with in_front_of(pods, GATEWAY) as nginx:
        first = asyncio.run(burst(nginx.url, 20, "127.0.0.1"))
        second = asyncio.run(burst(nginx.url, 20, "127.0.0.2"))
    print(f"client 127.0.0.1: {dict(first)}; client 127.0.0.2: {dict(second)}")
    # 60 r/m with burst 5 and nodelay: 1 + 5 pass at once, the rest get 429.
    assert first == Counter({200: 6, 429: 14})
    assert second == Counter({200: 6, 429: 14})  # a new address, a new bucket


def test_two_nginx_instances_let_twice_the_rate_through(pods: Pods) -> None:
    with in_front_of(pods, GATEWAY) as one, in_front_of(pods, GATEWAY) as two:
        a = asyncio.run(burst(one.url, 20))
        b = asyncio.run(burst(two.url, 20))
    print(f"instance 1: {dict(a)}; instance 2: {dict(b)}")
    assert a[200] + b[200] == 12  # each instance keeps its own zone


async def first_event_before_release(nginx_url: str, pod_url: str) -> bool:
    """Did anything of the stream reach the client before the pod finished it?"""
    first: asyncio.Queue[str] = asyncio.Queue()

    async def read() -> str:
        async with (
            httpx.AsyncClient(timeout=10) as client,
            client.stream("GET", f"{nginx_url}/v1/stream") as response,
        ):
            chunks = [chunk async for chunk in tee(response.aiter_text(), first)]
        return "".join(chunks)

    async with asyncio.TaskGroup() as tg:
        reader = tg.create_task(read())
        try:
            async with asyncio.timeout(1.5):
                early = await first.get() == "data: first\n\n"
        except TimeoutError:
            early = False  # not even the headers arrived
        async with httpx.AsyncClient(timeout=10) as client:
            (await client.post(f"{pod_url}/release")).raise_for_status()
    assert reader.result() == "data: first\n\ndata: last\n\n"
    return early


async def tee(
    chunks: AsyncIterator[str], queue: asyncio.Queue[str]
) -> AsyncIterator[str]:
    async for chunk in chunks:
        queue.put_nowait(chunk)
        yield chunk


@pytest.mark.slow
def test_response_buffering_holds_a_stream_and_limits_nothing() -> None:
    with Pods(1, app="ch_llm_architecture.stream_gate:app") as gate:
        with in_front_of(gate, BUFFERING) as buffered:
            smalls = asyncio.run(
                asyncio.wait_for(many_small(buffered.url, 30), timeout=30)
            )
            held = asyncio.run(first_event_before_release(buffered.url, gate.urls[0]))
        with in_front_of(gate, GATEWAY) as gateway:
            passed = asyncio.run(first_event_before_release(gateway.url, gate.urls[0]))
    assert smalls == Counter({200: 30})  # "bounded buffers" rejected nothing
    assert held is False  # buffered: the first event waited for the last
    assert passed is True  # proxy_buffering off: it arrived at once


async def many_small(url: str, count: int) -> Counter[int]:
    async with httpx.AsyncClient(timeout=10) as client:
        answers = await asyncio.gather(
            *(client.get(f"{url}/v1/small") for _ in range(count))
        )
    return Counter(a.status_code for a in answers)
