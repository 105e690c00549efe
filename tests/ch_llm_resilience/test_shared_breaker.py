"""Shared breaker state in real Redis: atomic scripts, a TTL, fail-open."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
import redis.asyncio as aioredis

from ch_llm_fundamentals._fake_clock import FakeClock
from ch_llm_resilience.breaker import BreakerOpen, State, Verdict
from ch_llm_resilience.pods import (
    OutageCost,
    local_cost,
    shared_cost,
    simulate_local,
    simulate_shared,
)
from ch_llm_resilience.shared_breaker import SharedBreaker, SharedBreakerOpen
from tests.support.services import RedisServer

T = TypeVar("T")


def run(redis_url: str, body: Callable[[list[aioredis.Redis]], Awaitable[T]]) -> T:
    """Run ``body`` with three Redis clients: three pods' connections."""

    async def go() -> T:
        clients = [aioredis.Redis.from_url(redis_url) for _ in range(3)]
        try:
            return await body(clients)
        finally:
            for client in clients:
                await client.aclose()

    return asyncio.run(go())


def pods(
    clients: list[aioredis.Redis], clock: FakeClock, **kw: float
) -> list[SharedBreaker]:
    options = {"min_calls": 6, "open_for": 10.0, "trial_calls": 2} | kw
    return [
        SharedBreaker(c, "llm", clock=clock.now, **options)  # type: ignore[arg-type]
        for c in clients
    ]


def test_failures_from_all_pods_open_one_shared_breaker(
    redis_server: RedisServer,
) -> None:
    clock = FakeClock(1000.0)

    async def body(clients: list[aioredis.Redis]) -> list[str]:
        a, b, c = pods(clients, clock)
        states = []
        for pod in (a, b, a, b, a, b):  # three failures each from two pods
            states.append(await pod.record(await pod.acquire(), Verdict.FAILURE))
        with pytest.raises(SharedBreakerOpen) as caught:
            await c.acquire()  # a pod that never saw a failure
        assert caught.value.retry_after == pytest.approx(10.0)
        return states

    assert run(redis_server.url, body) == ["closed"] * 5 + ["open"]


def test_half_open_admits_trial_calls_across_pods_atomically(
    redis_server: RedisServer,
) -> None:
    clock = FakeClock(1000.0)

    async def body(clients: list[aioredis.Redis]) -> list[bool]:
        breakers = pods(clients, clock)
        for _ in range(6):
            await breakers[0].record(await breakers[0].acquire(), Verdict.FAILURE)
        clock.time += 10.0

        async def try_acquire(pod: SharedBreaker) -> bool:
            try:
                await pod.acquire()
            except SharedBreakerOpen:
                return False
            return True

        # 60 concurrent callers on three pods race for the two probe slots.
        return await asyncio.gather(*(try_acquire(breakers[i % 3]) for i in range(60)))

    admitted = run(redis_server.url, body)
    assert sum(admitted) == 2


def test_trial_successes_close_and_a_trial_failure_reopens(
    redis_server: RedisServer,
) -> None:
    clock = FakeClock(1000.0)

    async def body(clients: list[aioredis.Redis]) -> list[str]:
        a, b, _ = pods(clients, clock)
        for _ in range(6):
            await a.record(await a.acquire(), Verdict.FAILURE)
        clock.time += 10.0
        first, second = await a.acquire(), await b.acquire()
        seen = [await a.record(first, Verdict.FAILURE)]  # still down
        seen.append(await b.record(second, Verdict.SUCCESS))  # stale by now
        clock.time += 10.0
        first, second = await a.acquire(), await b.acquire()
        seen.append(await a.record(first, Verdict.SUCCESS))
        seen.append(await b.record(second, Verdict.SUCCESS))
        await b.acquire()  # closed: admitted, not a trial
        return seen

    assert run(redis_server.url, body) == ["open", "stale", "half_open", "closed"]


def test_ignored_outcomes_never_open_the_shared_breaker(
    redis_server: RedisServer,
) -> None:
    clock = FakeClock(1000.0)

    async def body(clients: list[aioredis.Redis]) -> str:
        (a, *_) = pods(clients, clock)
        for _ in range(50):  # 400s, 429s, admission timeouts
            await a.record(await a.acquire(), Verdict.IGNORE)
        return await a.record(await a.acquire(), Verdict.SUCCESS)

    assert run(redis_server.url, body) == "closed"


def test_the_open_state_carries_a_ttl_and_uses_redis_time(
    redis_server: RedisServer,
) -> None:
    async def body(clients: list[aioredis.Redis]) -> tuple[int, float]:
        breaker = SharedBreaker(
            clients[0], "llm", min_calls=3, open_for=5.0, trial_ttl=20.0
        )  # no clock: the scripts read Redis TIME
        for _ in range(3):
            await breaker.record(await breaker.acquire(), Verdict.FAILURE)
        with pytest.raises(SharedBreakerOpen) as caught:
            await breaker.acquire()
        return await clients[0].pttl("{breaker:llm}:state"), caught.value.retry_after

    ttl_ms, retry_after = run(redis_server.url, body)
    assert 20_000 < ttl_ms <= 25_000  # open_for + trial_ttl: never open forever
    assert 0 < retry_after <= 5.0


def test_an_expired_state_means_closed(redis_server: RedisServer) -> None:
    clock = FakeClock(1000.0)

    async def body(clients: list[aioredis.Redis]) -> str:
        (a, *_) = pods(clients, clock)
        for _ in range(6):
            await a.record(await a.acquire(), Verdict.FAILURE)
        await clients[0].delete("{breaker:llm}:state")  # what the TTL does
        permit = await a.acquire()
        assert not permit.trial
        return await a.record(permit, Verdict.SUCCESS)

    assert run(redis_server.url, body) == "closed"


def test_redis_down_falls_back_to_the_local_breaker(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = RedisServer().start()  # our own: this test stops it

    async def body() -> list[str]:
        client = aioredis.Redis.from_url(server.url, socket_timeout=1.0)
        try:
            breaker = SharedBreaker(client, "llm", min_calls=4, open_for=10.0)
            permit = await breaker.acquire()
            assert permit.local is None  # Redis decides while it is up
            await breaker.record(permit, Verdict.FAILURE)
            server.stop()
            states = []
            for _ in range(4):
                permit = await breaker.acquire()  # no exception: fail open
                states.append(await breaker.record(permit, Verdict.FAILURE))
            with pytest.raises(BreakerOpen):  # the local breaker rejects
                await breaker.acquire()
            states.append("rejected")
            return states
        finally:
            await client.aclose()

    try:
        with caplog.at_level(logging.WARNING):
            states = asyncio.run(body())
    finally:
        server.stop()
    assert states == ["local-closed"] * 3 + ["local-open", "rejected"]
    assert "using local breaker" in caplog.text


def test_an_outcome_redis_cannot_take_is_dropped_not_raised() -> None:
    server = RedisServer().start()

    async def body() -> str:
        client = aioredis.Redis.from_url(server.url, socket_timeout=1.0)
        try:
            breaker = SharedBreaker(client, "llm")
            permit = await breaker.acquire()
            server.stop()  # the call ran; Redis went away before we recorded
            return await breaker.record(permit, Verdict.FAILURE)
        finally:
            await client.aclose()

    try:
        assert asyncio.run(body()) == "unrecorded"
    finally:
        server.stop()


def test_local_breakers_cost_pods_times_min_calls() -> None:
    simulated = simulate_local(pods=5, rate=100.0, min_calls=10, window=30.0)
    computed = local_cost(pods=5, rate=100.0, min_calls=10, window=30.0, trial_calls=2)
    assert computed is not None
    assert simulated.wasted_calls == computed.wasted_calls == 50
    assert simulated.seconds_to_open == pytest.approx(computed.seconds_to_open)


def test_local_breakers_never_open_when_pods_see_too_few_calls() -> None:
    assert (
        local_cost(pods=20, rate=10.0, min_calls=20, window=30.0, trial_calls=2) is None
    )
    with pytest.raises(RuntimeError, match="never opened"):
        simulate_local(pods=20, rate=10.0, min_calls=20, window=30.0)


def test_a_shared_breaker_opens_after_min_calls_in_total(
    redis_server: RedisServer,
) -> None:
    clock = FakeClock(1000.0)

    async def body(clients: list[aioredis.Redis]) -> OutageCost:
        breakers = pods(clients, clock, min_calls=10)
        return await simulate_shared(breakers, rate=100.0)

    simulated = run(redis_server.url, body)
    computed = shared_cost(rate=100.0, min_calls=10, trial_calls=2)
    assert simulated.wasted_calls == computed.wasted_calls == 10  # not 3 x 10
    assert simulated.seconds_to_open == pytest.approx(computed.seconds_to_open)


def test_breaker_state_enum_is_shared_vocabulary() -> None:
    assert {s.value for s in State} == {"closed", "open", "half_open"}
