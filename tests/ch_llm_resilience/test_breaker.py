"""The circuit breaker's state machine, one rule per test, on a fake clock."""

import asyncio

import httpx
import pytest

from ch_llm_fundamentals._fake_clock import FakeClock
from ch_llm_fundamentals.errors import AdmissionRejected
from ch_llm_resilience.breaker import (
    BreakerOpen,
    CircuitBreaker,
    State,
    Verdict,
    breaker_verdict,
)
from ch_llm_resilience.guarded import guarded_call
from ch_llm_resilience.naive_breaker import ConsecutiveFailureBreaker

REQUEST = httpx.Request("POST", "http://vendor/v1/chat/completions")
PAYLOAD = {"model": "fake-1", "messages": [{"role": "user", "content": "hi"}]}


def make(clock: FakeClock, **kwargs: float) -> CircuitBreaker:
    options = {"min_calls": 10, "failure_rate": 0.5, "window": 30.0}
    options |= {"open_for": 10.0, "trial_calls": 2} | kwargs
    return CircuitBreaker(clock=clock.now, **options)  # type: ignore[arg-type]


def call(breaker: CircuitBreaker, verdict: Verdict) -> None:
    breaker.record(breaker.acquire(), verdict)


def open_breaker(breaker: CircuitBreaker) -> None:
    for _ in range(breaker.min_calls):
        call(breaker, Verdict.FAILURE)
    assert breaker.state is State.OPEN


def test_opens_at_the_failure_rate_once_min_calls_are_seen() -> None:
    clock = FakeClock()
    breaker = make(clock)
    states = []
    for i in range(20):  # every other call fails: a 50 % failure rate
        call(breaker, Verdict.FAILURE if i % 2 == 0 else Verdict.SUCCESS)
        states.append(breaker.state)
        if breaker.state is State.OPEN:
            break
    assert states == [State.CLOSED] * 9 + [State.OPEN]  # the 10th call decides


def test_fewer_than_min_calls_never_open() -> None:
    breaker = make(FakeClock())
    for _ in range(9):
        call(breaker, Verdict.FAILURE)  # 100 % failures, but only 9 calls
    assert breaker.state is State.CLOSED


def test_below_the_threshold_stays_closed() -> None:
    breaker = make(FakeClock())
    for i in range(100):  # 40 % failures
        call(breaker, Verdict.FAILURE if i % 5 >= 3 else Verdict.SUCCESS)
    assert breaker.state is State.CLOSED


def test_old_failures_slide_out_of_the_window() -> None:
    clock = FakeClock()
    breaker = make(clock)
    for _ in range(9):
        call(breaker, Verdict.FAILURE)
    clock.time = 30.5  # the nine failures are now older than the 30 s window
    call(breaker, Verdict.FAILURE)
    assert breaker.state is State.CLOSED
    assert len(breaker.outcomes) == 1


def test_consecutive_count_breaker_never_opens_at_fifty_percent() -> None:
    naive = ConsecutiveFailureBreaker(threshold=5)
    for i in range(10_000):
        naive.record(failed=i % 2 == 0)
    assert not naive.open


def test_consecutive_count_breaker_opens_only_on_an_unbroken_run() -> None:
    naive = ConsecutiveFailureBreaker(threshold=5)
    for _ in range(5):
        naive.record(failed=True)
    assert naive.open


def test_open_breaker_fails_fast_with_the_time_left() -> None:
    clock = FakeClock()
    breaker = make(clock)
    open_breaker(breaker)
    clock.time += 4.0
    with pytest.raises(BreakerOpen) as caught:
        breaker.acquire()
    assert caught.value.retry_after == pytest.approx(6.0)


def test_half_open_admits_exactly_the_trial_calls() -> None:
    clock = FakeClock()
    breaker = make(clock, trial_calls=3)
    open_breaker(breaker)
    clock.time += 10.0
    permits = [breaker.acquire() for _ in range(3)]
    assert breaker.state is State.HALF_OPEN
    assert all(p.trial for p in permits)
    with pytest.raises(BreakerOpen):  # a fourth caller while probes run
        breaker.acquire()


def test_trial_successes_close_the_breaker() -> None:
    clock = FakeClock()
    breaker = make(clock)
    open_breaker(breaker)
    clock.time += 10.0
    permits = [breaker.acquire(), breaker.acquire()]
    breaker.record(permits[0], Verdict.SUCCESS)
    assert breaker.state is State.HALF_OPEN  # one of two is not enough
    breaker.record(permits[1], Verdict.SUCCESS)
    assert breaker.state is State.CLOSED
    assert not breaker.acquire().trial


def test_a_trial_failure_reopens_for_a_full_period() -> None:
    clock = FakeClock()
    breaker = make(clock)
    open_breaker(breaker)
    clock.time += 10.0
    first, second = breaker.acquire(), breaker.acquire()
    breaker.record(first, Verdict.FAILURE)
    assert breaker.state is State.OPEN
    breaker.record(second, Verdict.SUCCESS)  # stale: from the previous state
    assert breaker.state is State.OPEN
    with pytest.raises(BreakerOpen) as caught:
        breaker.acquire()
    assert caught.value.retry_after == pytest.approx(10.0)


def test_an_ignored_trial_gives_its_probe_slot_back() -> None:
    clock = FakeClock()
    breaker = make(clock, trial_calls=1)
    open_breaker(breaker)
    clock.time += 10.0
    breaker.record(breaker.acquire(), Verdict.IGNORE)  # e.g. the caller gave up
    breaker.record(breaker.acquire(), Verdict.SUCCESS)  # a new probe is allowed
    assert breaker.state is State.CLOSED


def test_results_of_calls_admitted_before_opening_are_ignored() -> None:
    clock = FakeClock()
    breaker = make(clock)
    slow = breaker.acquire()  # a long call starts while closed
    open_breaker(breaker)
    breaker.record(slow, Verdict.SUCCESS)
    assert breaker.state is State.OPEN
    assert breaker.transitions == [(0.0, State.OPEN)]


@pytest.mark.parametrize("status", [400, 401, 404, 422, 429])
def test_client_errors_and_429_never_open_the_breaker(status: int) -> None:
    breaker = make(FakeClock())
    for _ in range(100):
        response = httpx.Response(status, request=REQUEST)
        breaker.record(breaker.acquire(), breaker_verdict(response))
    assert breaker.state is State.CLOSED
    assert len(breaker.outcomes) == 0


@pytest.mark.parametrize(
    ("outcome", "verdict"),
    [
        (httpx.Response(200, request=REQUEST), Verdict.SUCCESS),
        (httpx.Response(500, request=REQUEST), Verdict.FAILURE),
        (httpx.Response(503, request=REQUEST), Verdict.FAILURE),
        (httpx.ConnectError("refused"), Verdict.FAILURE),
        (httpx.ReadTimeout("slow"), Verdict.FAILURE),
        (httpx.RemoteProtocolError("reset"), Verdict.FAILURE),
        (TimeoutError(), Verdict.FAILURE),
        (httpx.PoolTimeout("our pool"), Verdict.IGNORE),
        (AdmissionRejected("slot", 0.5), Verdict.IGNORE),
        (ValueError("our bug"), Verdict.IGNORE),
    ],
)
def test_only_vendor_failures_count(
    outcome: httpx.Response | BaseException, verdict: Verdict
) -> None:
    assert breaker_verdict(outcome) is verdict


def test_admission_timeouts_never_open_the_breaker() -> None:
    calls: list[httpx.Request] = []

    def vendor(request: httpx.Request) -> httpx.Response:
        calls.append(request)  # pragma: no cover - must never be reached
        return httpx.Response(200)  # pragma: no cover - must never be reached

    async def go() -> CircuitBreaker:
        breaker = CircuitBreaker(min_calls=5)
        slots = asyncio.Semaphore(1)
        await slots.acquire()  # the pod is saturated: no slot will free
        transport = httpx.MockTransport(vendor)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as http:
            for _ in range(20):
                with pytest.raises(AdmissionRejected):
                    await guarded_call(
                        breaker, slots, http, PAYLOAD, admission_timeout=0.005
                    )
        return breaker

    breaker = asyncio.run(go())
    assert breaker.state is State.CLOSED
    assert len(breaker.outcomes) == 0
    assert calls == []


def test_guarded_call_opens_on_vendor_failures_and_then_fails_fast() -> None:
    calls: list[httpx.Request] = []

    def vendor(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, request=request)

    async def go() -> list[str]:
        breaker = CircuitBreaker(min_calls=5)
        slots = asyncio.Semaphore(4)
        seen = []
        transport = httpx.MockTransport(vendor)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as http:
            for _ in range(8):
                try:
                    response = await guarded_call(breaker, slots, http, PAYLOAD)
                    seen.append(str(response.status_code))
                except BreakerOpen:
                    seen.append("open")
        return seen

    assert asyncio.run(go()) == ["503"] * 5 + ["open"] * 3
    assert len(calls) == 5


def test_cancelled_call_releases_its_slot_and_counts_nothing() -> None:
    started = asyncio.Event()

    async def go() -> tuple[CircuitBreaker, asyncio.Semaphore]:
        async def hang(request: httpx.Request) -> httpx.Response:
            started.set()
            await asyncio.Event().wait()
            raise AssertionError("unreachable")  # pragma: no cover - never woken

        breaker, slots = CircuitBreaker(min_calls=1), asyncio.Semaphore(1)
        transport = httpx.MockTransport(hang)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as http:
            task = asyncio.create_task(guarded_call(breaker, slots, http, PAYLOAD))
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        return breaker, slots

    breaker, slots = asyncio.run(go())
    assert breaker.state is State.CLOSED
    assert len(breaker.outcomes) == 0
    assert not slots.locked()


def test_connection_failures_open_the_breaker() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async def go() -> CircuitBreaker:
        breaker = CircuitBreaker(min_calls=3)
        transport = httpx.MockTransport(refuse)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as http:
            for _ in range(3):
                with pytest.raises(httpx.ConnectError):
                    await guarded_call(breaker, asyncio.Semaphore(1), http, PAYLOAD)
        return breaker

    assert asyncio.run(go()).state is State.OPEN
