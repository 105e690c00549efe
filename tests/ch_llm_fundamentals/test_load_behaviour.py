"""Little's law, jitter, retry layers, idempotency and slots, at the real vendor.

The listings that use the openai SDK are imported inside their tests: the SDK
costs half a second of CPU to import, and every xdist worker collects this file.
"""

import asyncio
import math

import pytest

from ch_llm_fundamentals import jitter_demo, little_demo
from ch_llm_fundamentals.errors import RetriesExhausted
from ch_llm_fundamentals.rate_limiter import TokenBucket
from ch_llm_fundamentals.semaphore_backoff import (
    attempts_in,
    retrying_call,
    worker_backoff_inside,
    worker_backoff_outside,
)
from ch_llm_fundamentals.vendor_client import VendorClient, VendorSettings
from tests.support.vendor import FakeVendor


@pytest.mark.slow
@pytest.mark.parametrize(("burst", "low"), [(1, 5), (10, 15)])
def test_in_flight_is_rate_times_latency_plus_burst(
    fake_vendor: FakeVendor, burst: int, low: int
) -> None:
    rate = 20.0
    fake_vendor.configure(latency=0.5)
    # rate x latency = 20/s x 0.5 s = 10 in flight; the burst adds on top,
    # so a burst of 10 must push the peak well past 10 (low = 15).
    asyncio.run(
        little_demo.drive(
            fake_vendor.completions_url, rate=rate, burst=burst, requests=30
        )
    )
    peak = fake_vendor.stats()["peak_in_flight"]
    # Little's law uses the time calls really spent in flight. On a loaded
    # machine that is longer than the configured 0.5 s, so the bound takes the
    # longest time the vendor measured, plus two calls for arrival skew.
    longest = max(r.t_end - r.t for r in fake_vendor.requests() if r.t_end)
    assert longest >= 0.5
    assert low <= peak <= burst + math.ceil(rate * longest) + 2


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_synchronised_retries_bunch_up_without_full_jitter(seed: int) -> None:
    def peaks(name: str) -> list[int]:
        policy = jitter_demo.backoffs(seed=seed, base=1.0)[name]
        times = [jitter_demo.retry_times(100, n, policy) for n in range(5)]
        return [jitter_demo.busiest_bucket(t, 1.0) for t in times]

    assert peaks("none") == [100] * 5  # every retry wave hits in one second
    assert min(peaks("additive")) >= 35  # a 1 s random term barely spreads them
    assert peaks("full")[-1] <= 20  # the window doubles, the peak keeps falling


def test_synchronised_clients_all_come_back(fake_vendor: FakeVendor) -> None:
    clients = 10
    fake_vendor.configure(fault="status", fault_status=503, fault_first=clients)
    policy = jitter_demo.backoffs(seed=3, base=0.05)["full"]
    asyncio.run(jitter_demo.many_clients(fake_vendor.completions_url, clients, policy))
    statuses = [r.status for r in fake_vendor.requests()]
    assert statuses == [503] * clients + [200] * clients


def test_retry_layers_multiply_attempts(fake_vendor: FakeVendor) -> None:
    from ch_llm_fundamentals import sdk_retries

    fake_vendor.configure(
        fault="status", fault_status=503, fault_probability=1.0, fault_retry_after_ms=1
    )

    async def go(max_retries: int) -> None:
        async with sdk_retries.make_sdk_client(
            fake_vendor.url, max_retries=max_retries
        ) as sdk:
            await sdk_retries.gateway_call(sdk, attempts=3, tries=3)

    asyncio.run(go(max_retries=2))
    records = fake_vendor.requests()
    assert len(records) == 3 * 3 * 3  # SDK x ours x gateway: 27 for one request
    assert [r.attempt for r in records[:3]] == [0, 1, 2]  # x-stainless-retry-count
    fake_vendor.reset()
    fake_vendor.configure(fault="status", fault_status=503, fault_probability=1.0)
    asyncio.run(go(max_retries=0))
    assert len(fake_vendor.requests()) == 3 * 3


def test_sdk_call_succeeds_when_the_vendor_does(fake_vendor: FakeVendor) -> None:
    from ch_llm_fundamentals import sdk_retries

    async def go() -> str | None:
        async with sdk_retries.make_sdk_client(fake_vendor.url, max_retries=0) as sdk:
            return await sdk_retries.app_call(sdk, attempts=1)

    assert asyncio.run(go()) == " ".join(f"word{i}" for i in range(8))


def test_idempotency_key_makes_the_retry_a_replay(fake_vendor: FakeVendor) -> None:
    # The first attempt outlives our 0.2 s call timeout; the vendor finishes it.
    fake_vendor.configure(fault="slow", fault_first=1, slow_seconds=0.6)
    settings = VendorSettings(
        base_url=fake_vendor.url,
        rate=100.0,
        call_timeout=0.2,
        backoff_base=0.3,
        max_attempts=5,
    )

    async def go() -> int:
        async with VendorClient(settings, rand=lambda: 1.0) as client:
            completion = await client.complete("charge me once")
            return completion.attempts

    attempts = asyncio.run(go())
    records = fake_vendor.requests()
    assert attempts == len(records) >= 2
    assert len({r.idempotency_key for r in records}) == 1
    assert sum(r.billed for r in records) == 1  # the work was done once
    assert records[-1].outcome == "replayed"


def test_without_a_key_a_timed_out_call_is_not_repeated(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.configure(fault="slow", fault_first=1, slow_seconds=1.5)
    settings = VendorSettings(
        base_url=fake_vendor.url, rate=100.0, call_timeout=0.5, idempotency_keys=False
    )

    async def go() -> None:
        async with VendorClient(settings) as client:
            await client.complete("maybe charged")

    with pytest.raises(RetriesExhausted, match="TimeoutError") as info:
        asyncio.run(go())
    assert info.value.attempts == 1  # the client gave up instead of retrying
    # A loaded vendor may not even have read the request within the timeout;
    # whatever reached it, nothing reached it twice.
    assert len(fake_vendor.settled(at_least=0)) <= 1


def test_backing_off_inside_the_semaphore_halves_throughput() -> None:
    def measure(worker: object) -> int:
        return asyncio.run(
            attempts_in(
                worker,  # type: ignore[arg-type]
                slots=2,
                workers=4,
                call=0.02,
                backoff=0.04,
                duration=0.6,
            )
        )

    inside = measure(worker_backoff_inside)
    outside = measure(worker_backoff_outside)
    # Inside: each slot is busy 0.06 s per attempt; outside only 0.02 s.
    assert outside >= 1.5 * inside


def test_acquiring_the_same_semaphore_twice_deadlocks() -> None:
    async def nothing() -> None:
        return None

    async def go() -> None:
        slots = asyncio.Semaphore(1)
        async with asyncio.timeout(0.2):
            await retrying_call(slots, nothing)

    with pytest.raises(TimeoutError):  # it would wait forever
        asyncio.run(go())


def test_the_book_bucket_serves_waiters_in_arrival_order() -> None:
    bucket = TokenBucket(50.0, 1)  # one start every 20 ms
    order: list[int] = []

    async def caller(i: int) -> None:
        await bucket.acquire(max_wait=10.0)
        order.append(i)

    async def go() -> None:
        async with asyncio.TaskGroup() as tg:
            for i in range(5):
                tg.create_task(caller(i))

    asyncio.run(go())
    assert order == [0, 1, 2, 3, 4]  # reservations are taken in arrival order


def test_the_client_closes_its_connection_pool() -> None:
    async def go() -> VendorClient:
        async with VendorClient(VendorSettings(base_url="http://x", rate=1.0)) as c:
            assert not c.is_closed
        return c

    assert asyncio.run(go()).is_closed


def test_asyncio_is_the_standard_library_not_a_dependency() -> None:
    import sysconfig
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    assert Path(asyncio.__file__).is_relative_to(stdlib)
    for name in ("pyproject.toml", "requirements.lock"):
        lines = (root / name).read_text().lower().splitlines()
        assert not [x for x in lines if x.strip().strip('",').startswith("asyncio")]


def test_two_slots_let_the_nested_acquire_through() -> None:
    calls: list[str] = []

    async def record() -> None:
        calls.append("attempt")

    asyncio.run(retrying_call(asyncio.Semaphore(2), record))
    assert calls == ["attempt"]


def test_a_cancelled_waiter_gives_its_token_back() -> None:
    async def go() -> float:
        bucket = TokenBucket(1.0, 1)
        await bucket.acquire(max_wait=0)  # takes the only token
        waiter = asyncio.create_task(bucket.acquire(max_wait=10))
        await asyncio.sleep(0.05)
        assert bucket._level < 0  # the waiter reserved the next token
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return bucket._level

    assert -0.5 < asyncio.run(go()) <= 0.5


def test_gateway_stops_after_a_success(fake_vendor: FakeVendor) -> None:
    from ch_llm_fundamentals import sdk_retries

    async def go() -> None:
        async with sdk_retries.make_sdk_client(fake_vendor.url, max_retries=0) as sdk:
            await sdk_retries.gateway_call(sdk, attempts=3, tries=3)

    asyncio.run(go())
    assert len(fake_vendor.requests()) == 1
