"""The Lua token bucket in a real Redis: atomic, token-weighted, fails over."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as redis

from ch_llm_architecture.global_limiter import (
    FailoverLimiter,
    GlobalLimiter,
    LocalBucket,
    QuotaShortfall,
    VendorBudget,
    acquire,
)
from ch_llm_architecture.naive_limiter import GetThenSetBucket
from tests.support.services import RedisServer

BUDGET = VendorBudget(
    requests_per_second=5, request_burst=10, tokens_per_second=500, token_burst=1000
)


class ManualClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def granted(
    limiter: GlobalLimiter | LocalBucket | FailoverLimiter, cost: int = 1
) -> bool:
    try:
        await limiter.reserve(cost, max_wait=0.0)
    except QuotaShortfall:
        return False
    return True


def test_concurrent_reservations_get_exactly_the_burst(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> list[bool]:
        async with redis.Redis.from_url(redis_server.url) as client:
            limiter = GlobalLimiter(client, BUDGET, now=ManualClock())
            return list(await asyncio.gather(*(granted(limiter) for _ in range(20))))

    results = asyncio.run(scenario())
    assert results.count(True) == 10


def test_get_then_set_over_admits_and_the_lua_bucket_never_does(
    redis_server: RedisServer,
) -> None:
    clock = ManualClock()

    async def scenario() -> tuple[int, list[int]]:
        async with redis.Redis.from_url(redis_server.url) as client:
            naive = GetThenSetBucket(client, rate=0.001, burst=10, now=clock)
            naive_ok = await asyncio.gather(
                *(naive.try_acquire("naive") for _ in range(50))
            )
            # One at a time it does run dry, eventually: it is not broken, only racy.
            later = [await naive.try_acquire("naive") for _ in range(10)]
            assert later[-1] is False
            lua_counts = []
            for round_ in range(5):
                limiter = GlobalLimiter(client, BUDGET, key=f"lua{round_}", now=clock)
                ok = await asyncio.gather(*(granted(limiter) for _ in range(50)))
                lua_counts.append(ok.count(True))
            return naive_ok.count(True), lua_counts

    naive_count, lua_counts = asyncio.run(scenario())
    print(f"burst 10: naive admitted {naive_count} of 50, Lua {lua_counts}")
    assert naive_count > 10  # every client read the same full bucket
    assert lua_counts == [10] * 5


def test_the_bucket_charges_tokens_as_well_as_requests(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> tuple[list[bool], float]:
        async with redis.Redis.from_url(redis_server.url) as client:
            limiter = GlobalLimiter(client, BUDGET, now=ManualClock())
            results = [await granted(limiter, cost=400) for _ in range(3)]
            wait = await limiter.reserve(400, max_wait=10.0)
            return results, wait

    results, wait = asyncio.run(scenario())
    # 1000 tokens: two calls of 400 fit, the third does not, though 8 of the
    # 10 request slots are still free.
    assert results == [True, True, False]
    assert wait == pytest.approx((400 - 200) / 500)


def test_a_caller_gets_its_wait_time_and_later_callers_queue_behind(
    redis_server: RedisServer,
) -> None:
    budget = VendorBudget(5, 1, 1000, 1000)

    async def scenario() -> list[float]:
        async with redis.Redis.from_url(redis_server.url) as client:
            limiter = GlobalLimiter(client, budget, now=ManualClock())
            return [await limiter.reserve(1, max_wait=1.0) for _ in range(4)]

    assert asyncio.run(scenario()) == pytest.approx([0.0, 0.2, 0.4, 0.6])


def test_a_rejected_reservation_changes_nothing(redis_server: RedisServer) -> None:
    budget = VendorBudget(5, 1, 1000, 1000)

    async def scenario() -> tuple[dict[bytes, bytes], dict[bytes, bytes], float]:
        async with redis.Redis.from_url(redis_server.url) as client:
            limiter = GlobalLimiter(client, budget, now=ManualClock())
            await limiter.reserve(1, max_wait=0.0)
            before = await client.hgetall(limiter.key)
            with pytest.raises(QuotaShortfall) as info:
                await limiter.reserve(1, max_wait=0.1)
            return before, await client.hgetall(limiter.key), info.value.retry_after

    before, after, retry_after = asyncio.run(scenario())
    assert before == after
    assert retry_after == pytest.approx(0.2)


def test_without_a_pinned_clock_the_script_reads_redis_time(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> tuple[float, float, int]:
        async with redis.Redis.from_url(redis_server.url) as client:
            limiter = GlobalLimiter(client, BUDGET)
            seconds, micros = await client.time()
            await limiter.reserve(1, max_wait=0.0)
            stamp = float(await client.hget(limiter.key, "ts") or 0)
            return seconds + micros / 1e6, stamp, await client.ttl(limiter.key)

    redis_now, stamp, ttl = asyncio.run(scenario())
    assert 0 <= stamp - redis_now < 5.0  # Redis's clock, not a pod's monotonic one
    assert 0 < ttl <= 4  # the key expires: an idle bucket leaves nothing behind


def test_a_cost_larger_than_the_token_burst_is_an_error(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        async with redis.Redis.from_url(redis_server.url) as client:
            with pytest.raises(ValueError, match="exceeds the token burst"):
                await GlobalLimiter(client, BUDGET).reserve(1001, max_wait=1.0)
        with pytest.raises(ValueError, match="exceeds the token burst"):
            await LocalBucket(BUDGET).reserve(1001, max_wait=1.0)

    asyncio.run(scenario())


def test_acquire_sleeps_for_the_returned_wait() -> None:
    clock = ManualClock()
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)

    async def scenario() -> None:
        bucket = LocalBucket(VendorBudget(5, 1, 1000, 1000), clock=clock)
        for _ in range(3):
            await acquire(bucket, 1, max_wait=1.0, sleep=sleep)

    asyncio.run(scenario())
    assert slept == pytest.approx([0.2, 0.4])  # the first had no wait


def test_redis_down_falls_back_to_the_static_share_and_recovers() -> None:
    server = RedisServer().start()
    clock = ManualClock()
    budget = VendorBudget(30, 3, 3000, 3000)  # three pods: 10/s and burst 1 each

    async def scenario() -> list[tuple[str, bool]]:
        client = redis.Redis.from_url(
            server.url, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        limiter = FailoverLimiter(
            GlobalLimiter(client, budget, now=clock), pods=3, clock=clock
        )

        async def step() -> tuple[str, bool]:
            ok = await granted(limiter)
            return limiter.mode, ok

        log = [await step()]
        server.stop()
        log += [await step() for _ in range(3)]  # share: burst 1, clock stopped
        clock.t += 0.1  # the share refills at 10 per second: one more
        log.append(await step())
        server.dir.mkdir(parents=True, exist_ok=True)
        server.start()  # the same port again
        log.append(await step())  # still local: Redis is re-checked later
        clock.t += limiter.recheck_after
        log.append(await step())
        await client.aclose()
        return log

    try:
        log = asyncio.run(scenario())
    finally:
        server.stop()
    assert log == [
        ("global", True),
        ("local", True),
        ("local", False),
        ("local", False),
        ("local", True),
        ("local", False),
        ("global", True),
    ]
