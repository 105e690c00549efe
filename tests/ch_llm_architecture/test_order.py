"""Cheap rejections come first and never spend a global vendor token."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
import redis.asyncio as redis

from ch_llm_architecture.global_limiter import GlobalLimiter, VendorBudget
from ch_llm_architecture.order import Checks, Rejected, admitted, token_first
from ch_llm_architecture.per_key import PerKeyLimiter
from tests.support.services import RedisServer

BUDGET = VendorBudget(1, 5, 1000, 1000)


class Switch:
    def __init__(self, allow: bool = True) -> None:
        self.allowed = allow

    def allow(self) -> bool:
        return self.allowed


async def no_sleep(delay: float) -> None:
    await asyncio.sleep(0)


def make_checks(client: redis.Redis, **overrides: object) -> Checks:
    fields: dict[str, object] = {
        "api_keys": {"key-1": "tenant-1"},
        "quota": PerKeyLimiter(client, 1, 60.0, now_ms=lambda: 1_000),
        "breaker": Switch(),
        "slots": asyncio.Semaphore(1),
        "max_waiting": 1,
        "slot_wait": 0.05,
        "limiter": GlobalLimiter(client, BUDGET, now=lambda: 100.0),
        "sleep": no_sleep,
    }
    fields.update(overrides)
    return Checks(**fields)  # type: ignore[arg-type]


async def bucket(client: redis.Redis) -> dict[bytes, bytes]:
    return await client.hgetall("vendor:{openai}:bucket")


async def over_quota(checks: Checks) -> None:
    await await_admitted(checks, "key-1")  # the key's 1 per minute is spent


async def await_admitted(checks: Checks, key: str | None) -> None:
    async with admitted(checks, key, 10):
        raise AssertionError("should have been rejected")  # pragma: no cover


async def unknown_key(checks: Checks) -> None:
    await await_admitted(checks, "stolen-key")


async def breaker_open(checks: Checks) -> None:
    assert isinstance(checks.breaker, Switch)
    checks.breaker.allowed = False
    await await_admitted(checks, "key-1")


async def shedding(checks: Checks) -> None:
    checks.waiting = checks.max_waiting  # a queue that is already full
    await await_admitted(checks, "key-1")


@pytest.mark.parametrize(
    ("reject", "status", "reason"),
    [
        (unknown_key, 401, "unknown API key"),
        (over_quota, 429, "per-key quota"),
        (breaker_open, 503, "breaker open"),
        (shedding, 503, "shedding"),
    ],
)
def test_a_rejected_request_consumes_no_global_token(
    redis_server: RedisServer,
    reject: Callable[[Checks], Awaitable[None]],
    status: int,
    reason: str,
) -> None:
    async def scenario() -> tuple[Rejected, dict[bytes, bytes], dict[bytes, bytes]]:
        async with redis.Redis.from_url(redis_server.url) as client:
            checks = make_checks(client)
            async with admitted(checks, "key-1", 10):  # one real call first
                pass
            if reject is not over_quota:
                checks.quota = PerKeyLimiter(client, 100, 60.0)
            before = await bucket(client)
            with pytest.raises(Rejected) as info:
                await reject(checks)
            return info.value, before, await bucket(client)

    rejected, before, after = asyncio.run(scenario())
    assert (rejected.status, rejected.reason) == (status, reason)
    assert (rejected.headers() == {}) is (status == 401)  # 429 and 503 say when
    assert before == after  # the vendor budget is exactly as it was
    assert float(after[b"req"]) == pytest.approx(4.0)  # the one admitted call


def test_waiting_for_a_slot_is_bounded_and_spends_no_token(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> tuple[Rejected, dict[bytes, bytes], dict[bytes, bytes]]:
        async with redis.Redis.from_url(redis_server.url) as client:
            checks = make_checks(client, quota=PerKeyLimiter(client, 100, 60.0))
            async with admitted(checks, "key-1", 10):  # holds the only slot
                before = await bucket(client)
                with pytest.raises(Rejected) as info:
                    await await_admitted(checks, "key-1")
                after = await bucket(client)
            return info.value, before, after

    rejected, before, after = asyncio.run(scenario())
    assert (rejected.status, rejected.reason) == (503, "no local slot")
    assert rejected.headers() == {"Retry-After": "1"}
    assert before == after


def test_an_exhausted_vendor_budget_is_a_503_not_a_429(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> Rejected:
        async with redis.Redis.from_url(redis_server.url) as client:
            checks = make_checks(
                client,
                quota=PerKeyLimiter(client, 100, 60.0),
                limiter=GlobalLimiter(client, VendorBudget(0.5, 1, 1000, 1000)),
            )
            async with admitted(checks, "key-1", 10):
                pass
            with pytest.raises(Rejected) as info:
                await await_admitted(checks, "key-1")
            return info.value

    rejected = asyncio.run(scenario())
    assert (rejected.status, rejected.reason) == (503, "vendor budget")
    assert rejected.headers() == {"Retry-After": "2"}  # 1 request per 2 s


def test_taking_the_token_before_the_slot_wastes_tokens(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> tuple[float, float]:
        async with redis.Redis.from_url(redis_server.url) as client:
            checks = make_checks(client, quota=PerKeyLimiter(client, 100, 60.0))
            async with token_first(checks, 10):  # one request holds the slot
                for _ in range(3):
                    with pytest.raises(Rejected):
                        async with token_first(checks, 10):
                            pass  # pragma: no cover - never admitted
            wrong = float((await bucket(client))[b"req"])
            await client.delete("vendor:{openai}:bucket")
            async with admitted(checks, "key-1", 10):
                for _ in range(3):
                    with pytest.raises(Rejected):
                        await await_admitted(checks, "key-1")
            right = float((await bucket(client))[b"req"])
            return wrong, right

    wrong, right = asyncio.run(scenario())
    assert wrong == pytest.approx(1.0)  # 4 tokens gone, 1 request sent
    assert right == pytest.approx(4.0)  # 1 token gone, 1 request sent
