"""The book's vendor client: every protection from this chapter, composed.

Usage (one per process, created in the FastAPI lifespan, see ch-llm-fastapi)::

    settings = VendorSettings(base_url="http://vendor", rate=10.0, burst=2)
    async with VendorClient(settings) as client:
        completion = await client.complete("Say hello", max_tokens=64)

``complete`` raises only :class:`VendorError` subclasses (and
``CancelledError``): ``AdmissionRejected`` (no slot or rate token within the
admission timeout: answer 503 with Retry-After), ``DeadlineExceeded`` (the
overall deadline passed, or a requested wait would pass it: 504),
``RetriesExhausted`` (every attempt failed retryably: 503, or 502 when the
last failure was a bad answer), ``VendorRejected`` (the vendor refused the
request, e.g. 400: map to a 4xx the caller can fix, or 500 for 401/403) and
``BadVendorResponse`` (a 200 whose body is not a completion: 502).
``client.stats`` counts attempts, statuses, retries by reason and rejections.
Inject ``clock``, ``sleep``, ``rand`` and ``transport`` in unit tests.

[1] These lines run: test_the_deadline_caps_the_attempt_and_no_retry_follows
and test_admission_rejects_when_no_slot_frees_in_time assert the exceptions
they raise. Coverage's tracer on CPython 3.11 sometimes loses the rest of a
coroutine frame after a timeout cancelled one of its awaits, so they are
excluded from the line count, not from the tests.
"""

import asyncio
import contextlib
import random
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx

from ch_llm_fundamentals.errors import (
    AdmissionRejected,
    BadVendorResponse,
    DeadlineExceeded,
    RetriesExhausted,
    VendorError,
    VendorRejected,
)
from ch_llm_fundamentals.rate_limiter import (
    Clock,
    Sleep,
    TokenBucket,
    max_in_flight,
)
from ch_llm_fundamentals.retry_policy import classify, full_jitter, retry_after_seconds


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    request_id: str | None
    attempts: int


# [start settings]
@dataclass(frozen=True, kw_only=True)
class VendorSettings:
    base_url: str
    api_key: str = "not-a-real-key"
    model: str = "fake-1"
    rate: float  # starts per second this process may send (its share of RPM)
    burst: int = 1  # starts the limiter allows at once
    admission_timeout: float = 1.0  # bounds only the wait for slot + token
    call_timeout: float = 30.0  # one attempt, first byte to last
    deadline: float = 60.0  # the whole logical request, retries included
    connect_timeout: float = 3.0
    write_timeout: float = 10.0
    pool_timeout: float = 1.0
    max_attempts: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    concurrency: int | None = None  # None: sized from Little's law
    idempotency_keys: bool = True
    label: str = "book"  # sent as x-client, recorded by the fake vendor

    @property
    def max_in_flight(self) -> int:
        if self.concurrency is not None:
            return self.concurrency
        return max_in_flight(self.rate, self.call_timeout, self.burst)

    def http_timeout(self) -> httpx.Timeout:
        # read applies per chunk; the whole attempt is bounded by call_timeout
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.call_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )

    def http_limits(self) -> httpx.Limits:
        # never fewer connections than slots, or slots turn into PoolTimeouts
        return httpx.Limits(
            max_connections=self.max_in_flight,
            max_keepalive_connections=self.max_in_flight,
        )


# [end settings]


class VendorClient:
    def __init__(
        self,
        settings: VendorSettings,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._clock, self._sleep, self._rand = clock, sleep, rand
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            timeout=settings.http_timeout(),
            limits=settings.http_limits(),
            headers={"authorization": f"Bearer {settings.api_key}"},
            transport=transport,
        )
        self._slots = asyncio.Semaphore(settings.max_in_flight)
        self._bucket = TokenBucket(
            settings.rate, settings.burst, clock=clock, sleep=sleep
        )
        self.stats: Counter[str] = Counter()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    # [start admission]
    @contextlib.asynccontextmanager
    async def _admitted(self, budget: float) -> AsyncIterator[None]:
        """Hold a concurrency slot and a rate token; wait at most ``budget``."""
        started = self._clock()
        try:
            async with asyncio.timeout(budget):  # bounds the wait, not the call
                await self._slots.acquire()
        except TimeoutError:
            self.stats["rejected_slot"] += 1
            waited = self._clock() - started
            raise AdmissionRejected("slot", waited) from None  # pragma: no cover - [1]
        try:
            left = budget - (self._clock() - started)
            try:
                await self._bucket.acquire(max_wait=left)
            except AdmissionRejected:
                self.stats["rejected_rate"] += 1
                raise
            yield
        finally:
            self._slots.release()

    # [end admission]

    # [start complete]
    async def complete(
        self, prompt: str, *, max_tokens: int = 256, idempotency_key: str | None = None
    ) -> Completion:
        s = self.settings
        deadline = self._clock() + s.deadline
        if idempotency_key is None and s.idempotency_keys:
            idempotency_key = uuid.uuid4().hex  # one key for every attempt
        payload = {
            "model": s.model,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
        }
        for attempt in range(s.max_attempts):
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise DeadlineExceeded(f"deadline passed before attempt {attempt}")
            async with self._admitted(min(s.admission_timeout, remaining)):
                call_budget = min(s.call_timeout, deadline - self._clock())
                outcome = await self._attempt(
                    payload, idempotency_key, attempt, call_budget
                )
            # The slot is released here: we never back off while holding it.
            if isinstance(outcome, Completion):
                return outcome
            if self._clock() >= deadline:  # pragma: no cover - see note [1]
                raise DeadlineExceeded(f"deadline passed during attempt {attempt}")
            decision = classify(outcome, idempotent=idempotency_key is not None)
            if not decision.retry:
                raise self._final_error(outcome, decision.reason)
            if attempt + 1 == s.max_attempts:
                raise RetriesExhausted(attempt + 1, decision.reason)
            delay = self._backoff(attempt, outcome)
            if self._clock() + delay >= deadline:
                raise DeadlineExceeded(
                    f"{decision.reason}: a {delay:.2f} s wait ends too late"
                )
            self.stats[f"retry_{decision.reason}"] += 1
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - loop always returns

    # [end complete]

    def _backoff(self, attempt: int, outcome: httpx.Response | BaseException) -> float:
        s = self.settings
        delay = full_jitter(
            attempt, base=s.backoff_base, cap=s.backoff_cap, rand=self._rand
        )
        if isinstance(outcome, httpx.Response):
            asked = retry_after_seconds(outcome.headers, wall_clock=time.time())
            if asked is not None:
                delay = max(delay, asked)  # never earlier than the vendor asked
        return delay

    def _final_error(
        self, outcome: httpx.Response | BaseException, reason: str
    ) -> VendorError:
        if isinstance(outcome, httpx.Response):
            return VendorRejected(outcome.status_code, outcome.text)
        return RetriesExhausted(1, reason)  # a non-retryable transport failure

    # [start attempt]
    async def _attempt(
        self, payload: dict[str, Any], key: str | None, attempt: int, budget: float
    ) -> Completion | httpx.Response | BaseException:
        headers = {"x-attempt": str(attempt), "x-client": self.settings.label}
        if key is not None:
            headers["idempotency-key"] = key
        self.stats["attempts"] += 1
        try:
            async with asyncio.timeout(budget):  # the whole attempt, all chunks
                response = await self._http.post(
                    "/v1/chat/completions", json=payload, headers=headers
                )
        except (httpx.TransportError, TimeoutError) as exc:
            self.stats[f"error_{type(exc).__name__}"] += 1
            return exc
        self.stats[f"status_{response.status_code}"] += 1
        if response.status_code != 200:
            return response
        return self._parse(response, attempt)

    # [end attempt]

    def _parse(self, response: httpx.Response, attempt: int) -> Completion:
        try:
            body = response.json()
            return Completion(
                text=body["choices"][0]["message"]["content"],
                prompt_tokens=body["usage"]["prompt_tokens"],
                completion_tokens=body["usage"]["completion_tokens"],
                request_id=response.headers.get("x-request-id"),
                attempts=attempt + 1,
            )
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise BadVendorResponse(
                f"not a completion: {response.text[:200]!r}"
            ) from exc
