"""Per-key limits in async Redis: window boundaries, clocks, members, blocking."""

from __future__ import annotations

import asyncio

import pytest
import redis
import redis.asyncio as aredis

from ch_llm_architecture.naive_limiter import CheckThenAddWindow
from ch_llm_architecture.per_key import PerKeyLimiter
from tests.support.services import RedisServer


class MsClock:
    def __init__(self, t: int) -> None:
        self.t = t

    def __call__(self) -> int:
        return self.t


async def admitted(limiter: PerKeyLimiter, key: str, hits: int) -> int:
    return sum([await limiter.hit(key) == 0.0 for _ in range(hits)])


@pytest.mark.parametrize(("algorithm", "expected"), [("fixed", 20), ("sliding", 10)])
def test_across_a_window_boundary_fixed_admits_twice_the_limit(
    redis_server: RedisServer, algorithm: str, expected: int
) -> None:
    clock = MsClock(59_990)  # 10 ms before a minute boundary

    async def scenario() -> int:
        async with aredis.Redis.from_url(redis_server.url) as client:
            limiter = PerKeyLimiter(
                client,
                10,
                60.0,
                algorithm=algorithm,
                now_ms=clock,  # type: ignore[arg-type]
            )
            before = await admitted(limiter, "tenant-a", 10)
            clock.t = 60_010  # 20 ms later, in the next fixed window
            return before + await admitted(limiter, "tenant-a", 10)

    got = asyncio.run(scenario())
    print(f"{algorithm}: {got} requests admitted within 20 ms (limit 10 per 60 s)")
    assert got == expected


@pytest.mark.parametrize(
    ("algorithm", "retry_after"), [("fixed", 0.01), ("sliding", 60.0)]
)
def test_a_rejection_says_when_to_retry(
    redis_server: RedisServer, algorithm: str, retry_after: float
) -> None:
    clock = MsClock(59_990)

    async def scenario() -> float:
        async with aredis.Redis.from_url(redis_server.url) as client:
            limiter = PerKeyLimiter(client, 1, 60.0, algorithm=algorithm, now_ms=clock)  # type: ignore[arg-type]
            assert await limiter.hit("k") == 0.0
            return await limiter.hit("k")

    assert asyncio.run(scenario()) == pytest.approx(retry_after)


def test_redis_time_drives_the_window_when_no_clock_is_pinned(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> tuple[int, float, int]:
        async with aredis.Redis.from_url(redis_server.url) as client:
            limiter = PerKeyLimiter(client, 3, 5.0)
            count = await admitted(limiter, "t", 4)
            ttl = await client.pttl("quota:sliding:t")
            return count, await limiter.hit("t"), ttl

    count, wait, ttl = asyncio.run(scenario())
    assert count == 3
    assert 4.0 < wait <= 5.0
    assert 0 < ttl <= 5000  # every key the limiter writes expires


def test_check_then_add_over_admits_under_concurrency(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> int:
        async with aredis.Redis.from_url(redis_server.url) as client:
            t = iter(range(1000, 2000))  # distinct times: no member collisions
            window = CheckThenAddWindow(client, 10, 60.0, now=lambda: next(t) / 1000)
            ok = await asyncio.gather(*(window.try_acquire("w") for _ in range(50)))
            assert await window.try_acquire("w") is False  # sequentially it refuses
            return ok.count(True)

    assert asyncio.run(scenario()) > 10


def test_equal_timestamps_collide_and_undercount(redis_server: RedisServer) -> None:
    async def scenario() -> tuple[int, int]:
        async with aredis.Redis.from_url(redis_server.url) as client:
            window = CheckThenAddWindow(client, 3, 60.0, now=lambda: 5.0)
            ok = [await window.try_acquire("w") for _ in range(10)]
            return ok.count(True), await client.zcard("w")

    admitted_count, stored = asyncio.run(scenario())
    assert (admitted_count, stored) == (10, 1)  # ten admitted, one remembered


def test_pod_clocks_with_different_origins_break_a_shared_window(
    redis_server: RedisServer,
) -> None:
    # loop.time() is a monotonic clock with an arbitrary origin (on Linux,
    # roughly the node's uptime): pod A's node booted days before pod B's.
    async def scenario() -> tuple[int, int]:
        async with aredis.Redis.from_url(redis_server.url) as client:
            ticks = iter(range(10_000))
            pod_a = CheckThenAddWindow(
                client, 5, 60.0, now=lambda: 400_000 + next(ticks) / 1000
            )
            pod_b = CheckThenAddWindow(
                client, 5, 60.0, now=lambda: 50 + next(ticks) / 1000
            )
            naive = sum([await pod_b.try_acquire("shared") for _ in range(5)])
            naive += sum([await pod_a.try_acquire("shared") for _ in range(5)])
            lua = PerKeyLimiter(client, 5, 60.0)  # Redis TIME: one clock
            fixed = await admitted(lua, "shared2", 5) + await admitted(
                lua, "shared2", 5
            )
            return naive, fixed

    naive, fixed = asyncio.run(scenario())
    assert naive == 10  # pod A trimmed pod B's entries as "older than a minute"
    assert fixed == 5


def test_a_sync_redis_call_in_async_code_stops_the_event_loop(
    redis_server: RedisServer,
) -> None:
    async def ticker(ticks: list[int]) -> None:
        while True:
            ticks.append(1)
            await asyncio.sleep(0.01)

    async def scenario() -> tuple[int, int]:
        ticks: list[int] = []
        task = asyncio.create_task(ticker(ticks))
        await asyncio.sleep(0)  # the ticker has ticked once
        with redis.Redis.from_url(redis_server.url) as sync_client:
            sync_client.blpop(["nothing"], timeout=0.3)  # blocks the whole loop
        during_sync = len(ticks) - 1
        ticks.clear()
        async with aredis.Redis.from_url(redis_server.url) as client:
            await client.blpop(["nothing"], timeout=0.3)  # other tasks run
        during_async = len(ticks)
        task.cancel()
        return during_sync, during_async

    during_sync, during_async = asyncio.run(scenario())
    assert during_sync == 0
    assert during_async >= 3
