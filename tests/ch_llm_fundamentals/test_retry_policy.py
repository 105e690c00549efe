"""Retry classification, backoff, Retry-After and deadlines, with a fake clock."""

import asyncio
import email.utils
import json
import math

import httpx
import pytest

from ch_llm_fundamentals._fake_clock import FakeClock
from ch_llm_fundamentals.errors import (
    AdmissionRejected,
    BadVendorResponse,
    DeadlineExceeded,
    RetriesExhausted,
    VendorRejected,
)
from ch_llm_fundamentals.retry_policy import (
    additive_jitter,
    classify,
    full_jitter,
    no_jitter,
    retry_after_seconds,
)
from ch_llm_fundamentals.vendor_client import VendorClient, VendorSettings

OK_BODY = {
    "choices": [{"message": {"content": "hello"}}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1},
}
REQUEST = httpx.Request("POST", "http://vendor/v1/chat/completions")


def respond(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=REQUEST)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(status: int) -> None:
    assert classify(respond(status), idempotent=False).retry


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 501, 505])
def test_caller_errors_and_permanent_statuses_are_not_retried(status: int) -> None:
    assert not classify(respond(status), idempotent=True).retry


@pytest.mark.parametrize(
    ("error", "idempotent", "retry"),
    [
        (httpx.ConnectError("refused", request=REQUEST), False, True),
        (httpx.ConnectTimeout("slow handshake", request=REQUEST), False, True),
        (httpx.PoolTimeout("pool full", request=REQUEST), True, False),
        (httpx.ReadTimeout("silent", request=REQUEST), False, False),
        (httpx.ReadTimeout("silent", request=REQUEST), True, True),
        (httpx.WriteTimeout("stalled", request=REQUEST), False, False),
        (httpx.ReadError("reset", request=REQUEST), False, False),
        (httpx.ReadError("reset", request=REQUEST), True, True),
        (httpx.RemoteProtocolError("cut", request=REQUEST), True, True),
        (TimeoutError(), False, False),
        (TimeoutError(), True, True),
        (ValueError("a bug"), True, False),
    ],
)
def test_exceptions_are_retried_only_when_safe(
    error: BaseException, idempotent: bool, retry: bool
) -> None:
    assert classify(error, idempotent=idempotent).retry is retry


def test_full_jitter_stays_within_the_exponential_envelope() -> None:
    assert full_jitter(3, base=0.5, cap=8.0, rand=lambda: 1.0) == 4.0
    assert full_jitter(10, base=0.5, cap=8.0, rand=lambda: 1.0) == 8.0  # capped
    assert full_jitter(3, base=0.5, cap=8.0, rand=lambda: 0.0) == 0.0
    assert no_jitter(3, base=0.5, cap=8.0) == 4.0
    # Additive jitter never goes below the exponential: clients stay clustered.
    assert 4.0 <= additive_jitter(3, base=0.5, cap=8.0) <= 4.5


def test_retry_after_seconds_and_http_date() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 7, usegmt=True)
    assert retry_after_seconds(httpx.Headers({"retry-after": "2"}), wall_clock=now) == 2
    assert (
        retry_after_seconds(httpx.Headers({"retry-after": date}), wall_clock=now) == 7
    )
    ms = httpx.Headers({"retry-after-ms": "250", "retry-after": "1"})
    assert retry_after_seconds(ms, wall_clock=now) == 0.25
    bad = httpx.Headers({"retry-after-ms": "soon", "retry-after": "tomorrow"})
    assert retry_after_seconds(bad, wall_clock=now) is None
    assert retry_after_seconds(httpx.Headers(), wall_clock=now) is None


class Script:
    """A MockTransport handler that answers from a list and records requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(script: Script, clock: FakeClock, **overrides: object) -> VendorClient:
    fields: dict[str, object] = {"rate": 1000.0, "burst": 10, "backoff_base": 1.0}
    settings = VendorSettings(base_url="http://vendor", **{**fields, **overrides})  # type: ignore[arg-type]
    return VendorClient(
        settings,
        clock=clock.now,
        sleep=clock.sleep,
        rand=lambda: 0.5,
        transport=httpx.MockTransport(script),
    )


def ok() -> httpx.Response:
    return httpx.Response(200, json=OK_BODY, headers={"x-request-id": "req_1"})


def run_complete(vendor: VendorClient) -> object:
    async def go() -> object:
        async with vendor:
            return await vendor.complete("hi")

    return asyncio.run(go())


def test_retry_after_is_honoured_then_full_jitter_backoff() -> None:
    clock = FakeClock()
    script = Script(respond(429, {"retry-after": "2"}), respond(503), ok())
    completion = run_complete(client(script, clock))
    assert getattr(completion, "attempts", None) == 3
    # 2 s as the vendor asked, then 0.5 * min(8, 1 * 2**1) = 1 s of jitter.
    assert clock.sleeps == [2.0, 1.0]


def test_a_400_is_not_retried() -> None:
    clock = FakeClock()
    script = Script(respond(400), ok())
    with pytest.raises(VendorRejected) as info:
        run_complete(client(script, clock))
    assert info.value.status == 400
    assert len(script.requests) == 1
    assert clock.sleeps == []


def test_read_timeout_without_idempotency_key_is_not_retried() -> None:
    clock = FakeClock()
    script = Script(httpx.ReadTimeout("silent", request=REQUEST), ok())
    with pytest.raises(RetriesExhausted, match="ReadTimeout"):
        run_complete(client(script, clock, idempotency_keys=False))
    assert len(script.requests) == 1


def test_every_attempt_carries_the_same_idempotency_key() -> None:
    clock = FakeClock()
    script = Script(httpx.ReadTimeout("silent", request=REQUEST), respond(502), ok())
    run_complete(client(script, clock))
    keys = {r.headers["idempotency-key"] for r in script.requests}
    assert len(script.requests) == 3
    assert len(keys) == 1
    assert [r.headers["x-attempt"] for r in script.requests] == ["0", "1", "2"]


def test_retry_after_beyond_the_deadline_fails_now() -> None:
    clock = FakeClock()
    script = Script(respond(429, {"retry-after": "30"}), ok())
    with pytest.raises(DeadlineExceeded, match="ends too late"):
        run_complete(client(script, clock, deadline=10.0))
    assert clock.sleeps == []  # no pointless 30 s wait
    assert len(script.requests) == 1


def test_attempts_are_bounded() -> None:
    clock = FakeClock()
    script = Script(respond(503), respond(503), respond(503), ok())
    with pytest.raises(RetriesExhausted) as info:
        run_complete(client(script, clock))
    assert info.value.attempts == 3
    assert len(script.requests) == 3


def test_a_broken_200_is_a_bad_vendor_response() -> None:
    clock = FakeClock()
    script = Script(httpx.Response(200, content=b"<html>", request=REQUEST))
    with pytest.raises(BadVendorResponse):
        run_complete(client(script, clock))


def test_the_deadline_caps_the_attempt_and_no_retry_follows() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(10)
        raise AssertionError("not reached")  # pragma: no cover - cancelled first

    settings = VendorSettings(
        base_url="http://vendor", rate=100.0, call_timeout=5.0, deadline=0.1
    )

    async def go() -> None:
        async with VendorClient(settings, transport=httpx.MockTransport(slow)) as c:
            await c.complete("hi")

    with pytest.raises(DeadlineExceeded, match="during attempt 0"):
        asyncio.run(go())


def test_deadline_already_spent_before_an_attempt() -> None:
    clock = FakeClock()
    # rand 0.5 with base 8 gives a 4 s backoff; the deadline is 4.5 s.
    script = Script(respond(503), ok())
    vendor = client(script, clock, deadline=4.5, backoff_base=8.0, backoff_cap=8.0)
    original = clock.sleep

    async def oversleep(delay: float) -> None:
        await original(delay + 1.0)  # the loop was busy: we woke up late

    vendor._sleep = oversleep
    with pytest.raises(DeadlineExceeded, match="before attempt 1"):
        run_complete(vendor)


def test_admission_rejects_fast_when_the_rate_token_is_too_far() -> None:
    clock = FakeClock()
    script = Script(ok(), ok())
    vendor = client(script, clock, admission_timeout=0.5)
    vendor._bucket = type(vendor._bucket)(1.0, 1, clock=clock.now, sleep=clock.sleep)

    async def go() -> None:
        async with vendor:
            await vendor.complete("first")
            await vendor.complete("second")  # next token in 1 s > 0.5 s budget

    with pytest.raises(AdmissionRejected) as info:
        asyncio.run(go())
    assert info.value.reason == "rate"
    assert vendor.stats["rejected_rate"] == 1
    assert clock.now() == 0.0  # failed at once, without waiting


def test_admission_rejects_when_no_slot_frees_in_time() -> None:
    release = asyncio.Event()

    async def held(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=OK_BODY)

    settings = VendorSettings(
        base_url="http://vendor", rate=1000.0, concurrency=1, admission_timeout=0.05
    )

    async def go() -> tuple[float, int]:
        async with VendorClient(settings, transport=httpx.MockTransport(held)) as c:
            first = asyncio.create_task(c.complete("holds the only slot"))
            await asyncio.sleep(0.01)
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(AdmissionRejected) as info:
                await c.complete("waits")
            waited = loop.time() - started
            assert info.value.reason == "slot"
            release.set()
            await first
            return waited, c.stats["rejected_slot"]

    waited, rejected = asyncio.run(go())
    assert rejected == 1
    assert 0.04 <= waited < 1.0  # the admission timeout, not the call's


def test_payload_is_an_openai_chat_request() -> None:
    clock = FakeClock()
    script = Script(ok())
    run_complete(client(script, clock))
    body = json.loads(script.requests[0].content)
    assert body["messages"] == [{"role": "user", "content": "hi"}]
    assert body["max_tokens"] == 256
    assert not math.isnan(clock.now())
