"""The vendor gateway: admission, per-attempt timeout, deadline, retries."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import httpx

from ch_llm_fastapi.logs import log
from ch_llm_fastapi.metrics import Metrics
from ch_llm_fastapi.problems import (
    BadUpstream,
    Overloaded,
    PromptRejected,
    UpstreamTimeout,
)
from ch_llm_fastapi.settings import Settings
from ch_llm_fundamentals.errors import AdmissionRejected
from ch_llm_fundamentals.rate_limiter import TokenBucket

RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class Retry(Exception):
    """One attempt failed in a way that another attempt may fix."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def retry_after_seconds(response: httpx.Response) -> float | None:
    if (ms := response.headers.get("retry-after-ms")) is not None:
        return float(ms) / 1000
    if (seconds := response.headers.get("retry-after", "")).isdigit():
        return float(seconds)
    return None


class VendorGateway:
    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        metrics: Metrics,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.client = client
        self.settings = settings
        self.metrics = metrics
        self.slots = asyncio.Semaphore(settings.max_in_flight)
        self.rate = TokenBucket(
            settings.vendor_rate, settings.vendor_burst, sleep=sleep
        )
        self.sleep = sleep
        self.rng = rng

    # [start slot]
    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        admit_by = loop.time() + self.settings.admission_timeout  # bounds waits only
        try:
            async with asyncio.timeout_at(admit_by):
                await self.slots.acquire()  # first a slot among the in-flight calls
        except TimeoutError:
            raise Overloaded("no capacity for vendor calls", retry_after=1) from None
        admitted = False
        try:  # then a start within the vendor's rate, in what is left of the wait
            await self.rate.acquire(max_wait=max(0.0, admit_by - loop.time()))
            admitted = True
        except AdmissionRejected:
            raise Overloaded("vendor rate budget spent", retry_after=1) from None
        finally:
            if not admitted:  # refused or cancelled: the slot goes back
                self.slots.release()
        self.metrics.in_flight.inc()
        try:
            yield
        finally:  # runs on success, error and cancellation alike
            self.metrics.in_flight.dec()
            self.slots.release()

    # [end slot]

    # [start attempt]
    async def attempt(
        self, body: dict[str, Any], attempt: int, key: str, remaining: float
    ) -> dict[str, Any]:
        headers = {"idempotency-key": key, "x-attempt": str(attempt)}
        async with self.slot():
            try:
                async with asyncio.timeout(
                    min(self.settings.attempt_timeout, remaining)
                ):
                    response = await self.client.post(
                        "/v1/chat/completions", json=body, headers=headers
                    )
            except (TimeoutError, httpx.TimeoutException):
                raise Retry("timeout") from None
            except httpx.TransportError:
                raise Retry("connection") from None
        if response.status_code in RETRYABLE_STATUS:
            raise Retry(str(response.status_code), retry_after_seconds(response))
        if 400 <= response.status_code < 500:
            raise PromptRejected("the model rejected this request")
        if response.status_code != 200:
            raise BadUpstream(f"vendor answered {response.status_code}")
        try:
            answer: dict[str, Any] = response.json()
            answer["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise BadUpstream("vendor answer was not a completion") from None
        return answer

    # [end attempt]

    # [start complete]
    async def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.deadline
        key = uuid4().hex  # one key for every attempt of this logical call
        last: Retry | None = None
        for attempt in range(self.settings.max_attempts):
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                return await self.attempt(body, attempt, key, remaining)
            except Retry as failure:
                last = failure
            if attempt + 1 == self.settings.max_attempts:
                break
            cap = min(
                self.settings.backoff_cap, self.settings.backoff_base * 2**attempt
            )
            wait = last.wait if last.wait is not None else self.rng() * cap
            if loop.time() + wait >= deadline:
                break  # sleeping would outlive the caller's deadline
            self.metrics.retries.labels(reason=last.reason).inc()
            log.info("retrying vendor call", reason=last.reason, wait=round(wait, 3))
            await self.sleep(wait)  # outside the slot: others may use it
        raise self.final_problem(last)

    # [end complete]

    # [start final]
    @staticmethod
    def final_problem(last: Retry | None) -> Exception:
        if last is None or last.reason == "timeout":
            return UpstreamTimeout("the model did not answer within the deadline")
        if last.reason == "429":
            return Overloaded("the model's capacity is exhausted", last.wait or 1)
        return BadUpstream(f"the model failed ({last.reason})")

    # [end final]

    # [start open-stream]
    @asynccontextmanager
    async def stream(self, body: dict[str, Any]) -> AsyncIterator[httpx.Response]:
        async with self.slot():  # held for the whole stream
            request = self.client.build_request(
                "POST", "/v1/chat/completions", json={**body, "stream": True}
            )
            try:
                response = await self.client.send(request, stream=True)
            except httpx.TimeoutException:
                raise UpstreamTimeout("the model did not start answering") from None
            except httpx.TransportError:
                raise BadUpstream("the model could not be reached") from None
            try:
                if response.status_code != 200:
                    raise self.final_problem(Retry(str(response.status_code), 1))
                yield response
            finally:
                await response.aclose()  # FastAPI shields yield-dependency teardown

    # [end open-stream]
