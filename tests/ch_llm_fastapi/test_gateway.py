"""The gateway's classification, one outcome per case, without a network."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from ch_llm_fastapi.gateway import VendorGateway, retry_after_seconds
from ch_llm_fastapi.metrics import Metrics
from ch_llm_fastapi.problems import (
    BadUpstream,
    Overloaded,
    PromptRejected,
    ServiceProblem,
    UpstreamTimeout,
)
from ch_llm_fastapi.settings import Settings


async def no_sleep(_: float) -> None:
    return None


def outcome(
    handler: Callable[[httpx.Request], httpx.Response], **settings: float
) -> type[ServiceProblem]:
    async def scenario() -> type[ServiceProblem]:
        config = Settings(vendor_url="http://v", **settings)  # type: ignore[arg-type]
        transport = httpx.MockTransport(handler)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as c:
            gw = VendorGateway(c, config, Metrics(), sleep=no_sleep)
            with pytest.raises(ServiceProblem) as info:
                await gw.complete({})
        return type(info.value)

    return asyncio.run(scenario())


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("slow", request=request)


def test_read_timeouts_end_as_504() -> None:
    assert outcome(timeout) is UpstreamTimeout


def test_vendor_400_is_prompt_rejected() -> None:
    assert outcome(lambda _: httpx.Response(400)) is PromptRejected


def test_non_retryable_5xx_is_502_at_once() -> None:
    calls: list[int] = []

    def handler(_: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(501)

    assert outcome(handler) is BadUpstream
    assert len(calls) == 1


def test_spent_deadline_stops_before_another_attempt() -> None:
    calls: list[int] = []

    def handler(_: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, headers={"retry-after-ms": "1"})

    async def oversleep(_: float) -> None:
        await asyncio.sleep(0.3)  # a sleep that overruns what it was asked for

    async def scenario() -> type[ServiceProblem]:
        settings = Settings(vendor_url="http://v", deadline=0.5, max_attempts=10)
        transport = httpx.MockTransport(handler)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as c:
            gw = VendorGateway(c, settings, Metrics(), sleep=oversleep)
            with pytest.raises(ServiceProblem) as info:
                await gw.complete({})
        return type(info.value)

    assert asyncio.run(scenario()) is BadUpstream
    assert 1 <= len(calls) <= 2  # never ten: the deadline ended the loop


def test_retry_after_in_seconds_is_read() -> None:
    assert retry_after_seconds(httpx.Response(429, headers={"retry-after": "3"})) == 3
    assert retry_after_seconds(httpx.Response(429)) is None


def test_no_slot_within_admission_timeout_is_overloaded() -> None:
    async def scenario() -> None:
        settings = Settings(
            vendor_url="http://v", max_in_flight=1, admission_timeout=0.01
        )
        async with httpx.AsyncClient(base_url="http://v") as client:
            gw = VendorGateway(client, settings, Metrics())
            async with gw.slot():
                with pytest.raises(Overloaded):
                    async with gw.slot():
                        pass  # pragma: no cover - never admitted

    asyncio.run(scenario())


def test_starts_beyond_the_vendor_rate_are_overloaded() -> None:
    # A burst of 2, then 1 start per second: within an admission timeout of
    # 0.1 s the third start cannot get a token, and is refused at once.
    async def scenario() -> None:
        settings = Settings(
            vendor_url="http://v", vendor_rate=1.0, vendor_burst=2,
            admission_timeout=0.1,
        )  # fmt: skip
        async with httpx.AsyncClient(base_url="http://v") as client:
            gw = VendorGateway(client, settings, Metrics())
            for _ in range(2):
                async with gw.slot():
                    pass
            with pytest.raises(Overloaded, match="vendor rate budget spent"):
                async with gw.slot():
                    pass  # pragma: no cover - never admitted
            assert gw.slots._value == settings.max_in_flight  # the slot went back

    asyncio.run(scenario())


def test_default_slots_follow_littles_law_plus_the_burst() -> None:
    settings = Settings()
    typical_latency = 0.4  # seconds, the figure the chapter sizes with
    in_flight = settings.vendor_rate * typical_latency + settings.vendor_burst
    assert settings.max_in_flight == in_flight == 8


def test_cancelled_while_waiting_for_a_token_gives_the_slot_back() -> None:
    async def scenario() -> None:
        waiting = asyncio.Event()

        async def parked_sleep(_: float) -> None:
            waiting.set()  # the token wait has begun
            await asyncio.Event().wait()  # and never ends by itself

        settings = Settings(
            vendor_url="http://v", vendor_rate=1.0, vendor_burst=1,
            admission_timeout=5.0,
        )  # fmt: skip
        async with httpx.AsyncClient(base_url="http://v") as client:
            gw = VendorGateway(client, settings, Metrics(), sleep=parked_sleep)
            async with gw.slot():  # takes the only token
                pass

            async def second_call() -> None:
                async with gw.slot():
                    pass  # pragma: no cover - cancelled before admission

            task = asyncio.create_task(second_call())
            await waiting.wait()
            assert gw.slots._value == settings.max_in_flight - 1  # slot held
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert gw.slots._value == settings.max_in_flight  # given back

    asyncio.run(scenario())
