"""Each httpx timeout, what it bounds, and the deadline none of them gives you."""

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import httpx
import pytest

from ch_llm_fundamentals import timeouts
from tests.support.vendor import FakeVendor


@pytest.fixture
def full_listener() -> Iterator[int]:
    """A port whose accept queue is full: new handshakes are never answered."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):  # enough to fill a backlog of 0 (+1) on Linux
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    server.close()


def test_connect_timeout_bounds_the_handshake(full_listener: int) -> None:
    timeout = httpx.Timeout(5.0, connect=0.2)
    with pytest.raises(httpx.ConnectTimeout):
        httpx.get(f"http://127.0.0.1:{full_listener}/", timeout=timeout)


def test_connect_error_is_not_a_timeout(free_port: int) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{free_port}/", timeout=1.0)


def test_write_timeout_bounds_a_stalled_upload() -> None:
    with socket.socket() as server:  # accepts, never reads
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        timeout = httpx.Timeout(5.0, write=0.2)
        with pytest.raises(httpx.WriteTimeout):
            httpx.post(
                f"http://127.0.0.1:{port}/", content=b"x" * 64_000_000, timeout=timeout
            )


def test_pool_timeout_is_our_own_saturation(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(latency=1.5)

    async def go() -> None:
        limits = httpx.Limits(max_connections=1)
        timeout = httpx.Timeout(5.0, pool=0.1)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            first = asyncio.create_task(
                client.post(fake_vendor.completions_url, json=timeouts.PAYLOAD)
            )
            # Once the vendor is answering it, the first call holds the only
            # connection for the next 1.5 s.
            await asyncio.to_thread(fake_vendor.wait_in_flight, 1)
            with pytest.raises(httpx.PoolTimeout):
                await client.post(fake_vendor.completions_url, json=timeouts.PAYLOAD)
            assert (await first).status_code == 200

    asyncio.run(go())
    assert len(fake_vendor.requests()) == 1  # the second never left this process


def test_read_timeout_fires_on_silence(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(fault="hang", fault_first=1)
    with pytest.raises(httpx.ReadTimeout):
        asyncio.run(timeouts.post_with_read_timeout(fake_vendor.completions_url, 0.2))


def test_read_timeout_is_per_chunk_so_a_trickle_outlives_it(
    fake_vendor: FakeVendor,
) -> None:
    # 6 chunks, 0.25 s apart: 1.25 s in total, never silent for 0.6 s.
    fake_vendor.configure(
        fault="trickle", fault_first=2, trickle_chunks=6, trickle_interval=0.25
    )
    loop_time = asyncio.run(_timed(fake_vendor, 0.6))
    assert loop_time > 1.2  # well past the 0.6 s "read timeout"
    with pytest.raises(TimeoutError):
        asyncio.run(
            timeouts.post_with_deadline(
                fake_vendor.completions_url, read=0.6, total=0.6
            )
        )


async def _timed(vendor: FakeVendor, read: float) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await timeouts.post_with_read_timeout(vendor.completions_url, read)
    assert response.status_code == 200
    assert response.json()["object"] == "chat.completion"
    return loop.time() - started


def test_httpx_timeouts_are_not_builtin_timeout_errors() -> None:
    assert not issubclass(httpx.TimeoutException, TimeoutError)
    caught_by = "nothing"
    try:
        raise httpx.ReadTimeout("silent")
    except TimeoutError:  # pragma: no cover - the point: never runs
        caught_by = "except TimeoutError"
    except httpx.TimeoutException:
        caught_by = "except httpx.TimeoutException"
    assert caught_by == "except httpx.TimeoutException"


def test_book_client_settings_are_explicit() -> None:
    assert timeouts.LLM_TIMEOUT.read == 60.0
    assert timeouts.LLM_TIMEOUT.pool == 1.0
    assert timeouts.LLM_LIMITS.max_connections == 50

    async def go() -> None:
        async with timeouts.make_client("http://vendor") as client:
            assert client.timeout == timeouts.LLM_TIMEOUT

    asyncio.run(go())
