"""Retry budgets, adaptive throttling, AIMD and shedding, each with its claim."""

import asyncio

import httpx
import pytest

from ch_llm_fundamentals._fake_clock import FakeClock
from ch_llm_fundamentals.errors import RetriesExhausted, VendorRejected
from ch_llm_resilience.adaptive_throttle import AdaptiveThrottle, simulate
from ch_llm_resilience.concurrency_limit import AIMDLimit, vendor_latency
from ch_llm_resilience.concurrency_limit import simulate as simulate_aimd
from ch_llm_resilience.retry_budget import RetryBudget, budgeted_call
from ch_llm_resilience.shedding import LoadShedder, Priority, Shed, priority_of
from tests.support.vendor import FakeVendor

PAYLOAD = {"model": "fake-1", "messages": [{"role": "user", "content": "hi"}]}


async def no_sleep(delay: float) -> None:
    await asyncio.sleep(0)


async def offer(url: str, requests: int, budget: RetryBudget | None) -> int:
    """Send ``requests`` logical requests, 20 at a time; count the failures."""
    limits = httpx.Limits(max_connections=20)
    gate = asyncio.Semaphore(20)
    failures = 0

    async def one(http: httpx.AsyncClient) -> None:
        nonlocal failures
        async with gate:
            try:
                await budgeted_call(http, PAYLOAD, budget, sleep=no_sleep)
            except RetriesExhausted:
                failures += 1

    http = httpx.AsyncClient(base_url=url, limits=limits, timeout=10.0)
    async with http, asyncio.TaskGroup() as tg:
        for _ in range(requests):
            tg.create_task(one(http))
    return failures


@pytest.mark.slow
def test_retry_budget_keeps_attempts_near_1_1x_against_a_dead_vendor(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.configure(fault="status", fault_status=503, fault_probability=1.0)
    assert asyncio.run(offer(fake_vendor.url, 50, budget=None)) == 50
    without = len(fake_vendor.requests())
    fake_vendor.reset()
    fake_vendor.configure(fault="status", fault_status=503, fault_probability=1.0)
    assert asyncio.run(offer(fake_vendor.url, 400, RetryBudget())) == 400
    with_budget = len(fake_vendor.requests())
    assert without == 150  # three attempts per request: 3.0x
    assert 1.10 * 400 <= with_budget <= 1.125 * 400  # 400 + 0.1 x 400 + 10


def test_retry_budget_retries_every_sporadic_failure_when_healthy() -> None:
    statuses = iter([503] + [200] * 30 + [503] + [200] * 30)

    def vendor(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(statuses), json={"ok": True})

    async def go() -> list[int]:
        budget = RetryBudget()
        transport = httpx.MockTransport(vendor)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as http:
            return [
                (await budgeted_call(http, PAYLOAD, budget, sleep=no_sleep)).status_code
                for _ in range(60)
            ]

    assert asyncio.run(go()) == [200] * 60


def test_budget_arithmetic_in_an_outage() -> None:
    budget = RetryBudget(ratio=0.1, cap=10.0)
    retries = 0
    for _ in range(1000):
        budget.on_request()
        while budget.try_retry():  # every request wants as many as it can get
            retries += 1
    assert 108 <= retries <= 110  # cap (10) + 0.1 x 1000, less float dust


def test_non_retryable_answers_are_not_retried() -> None:
    seen: list[int] = []

    def vendor(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        return httpx.Response(400)

    async def go() -> None:
        transport = httpx.MockTransport(vendor)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as http:
            await budgeted_call(http, PAYLOAD, RetryBudget(), sleep=no_sleep)

    with pytest.raises(VendorRejected):
        asyncio.run(go())
    assert seen == [1]


def test_connection_errors_are_retried_within_the_attempt_cap() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async def go() -> None:
        transport = httpx.MockTransport(refuse)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as http:
            await budgeted_call(http, PAYLOAD, RetryBudget(), sleep=no_sleep)

    with pytest.raises(RetriesExhausted, match="3 attempt"):
        asyncio.run(go())


def test_throttle_probability_matches_the_sre_formula() -> None:
    clock = FakeClock()
    throttle = AdaptiveThrottle(k=2.0, clock=clock.now, rand=lambda: 0.5)
    for i in range(100):
        throttle.allow()
        if i < 40:
            throttle.accepted()
    assert throttle.reject_probability() == pytest.approx(20 / 101)  # 0.198


def test_throttle_rejects_when_the_draw_is_below_the_probability() -> None:
    draws = iter([0.19, 0.2])
    clock = FakeClock()
    throttle = AdaptiveThrottle(k=2.0, clock=clock.now, rand=lambda: next(draws))
    throttle.requests.extend([0.0] * 100)
    throttle.accepts.extend([0.0] * 40)
    assert throttle.allow() is False  # 0.19 < 0.198: fail locally
    throttle.requests.pop()  # undo the count so p is the same again
    assert throttle.allow() is True  # 0.2 >= 0.198: send


def test_throttle_never_rejects_while_the_vendor_accepts_everything() -> None:
    clock = FakeClock()
    throttle = AdaptiveThrottle(clock=clock.now, rand=lambda: 0.0)
    for _ in range(1000):
        assert throttle.allow()
        throttle.accepted()


def test_throttle_forgets_outside_its_window() -> None:
    clock = FakeClock()
    throttle = AdaptiveThrottle(k=2.0, window=120.0, clock=clock.now)
    throttle.requests.extend([0.0] * 100)  # an old outage: no accepts
    assert throttle.reject_probability() > 0.9
    clock.time = 121.0
    assert throttle.reject_probability() == 0.0


def test_throttled_clients_send_about_k_times_what_the_vendor_accepts() -> None:
    sent = simulate(offered=100, capacity=10, seconds=60)
    steady = sent[30:]
    assert 15 <= sum(steady) / len(steady) <= 30  # about 2 x 10, not 100


def test_aimd_limit_falls_when_latency_rises_and_recovers() -> None:
    samples, rejected = simulate_aimd()

    def limits(start: float, end: float) -> list[float]:
        return [s.limit for s in samples if start <= s.t < end]

    before, during, after = limits(8, 10), limits(13, 20), limits(27, 30)
    assert min(before) >= 50
    assert max(during) <= 0.6 * min(before)  # it found the slower vendor's level
    assert min(after) >= 0.9 * min(before)  # and came back
    assert max(s.latency for s in samples if 13 <= s.t < 20) <= 0.4
    assert rejected > 0


def test_a_fixed_limit_lets_latency_explode_in_the_same_slowdown() -> None:
    samples, rejected = simulate_aimd(adaptive=False)
    assert rejected == 0
    assert max(s.latency for s in samples) > 5.0  # a queue, not a service


def test_aimd_decreases_once_per_generation_of_calls() -> None:
    clock = FakeClock()
    limit = AIMDLimit(initial=10.0, backoff=0.5, slow_after=1.0, clock=clock.now)
    tickets = [limit.try_acquire() for _ in range(10)]
    assert limit.try_acquire() is None  # the limit is 10
    clock.time = 5.0  # every one of them was slow
    for ticket in tickets:
        assert ticket is not None
        limit.release(ticket)
    assert limit.limit == 5.0  # halved once, not 0.5 ** 10
    ticket = limit.try_acquire()
    assert ticket is not None
    limit.release(ticket, timed_out=True)
    assert limit.limit == 2.5


def test_vendor_model_queues_above_capacity() -> None:
    assert vendor_latency(5, capacity=10, base=0.1) == 0.1
    assert vendor_latency(30, capacity=10, base=0.1) == pytest.approx(0.3)


def test_shedding_by_in_flight_count_rejects_even_critical() -> None:
    shedder = LoadShedder(max_in_flight=2)
    with (
        shedder.admitted(Priority.CRITICAL, None),
        shedder.admitted(Priority.CRITICAL, None),
        pytest.raises(Shed, match="in-flight limit"),
    ):
        shedder.check_arrival(Priority.CRITICAL, None)
    assert shedder.in_flight == 0


def test_shedding_by_priority_drops_batch_first() -> None:
    shedder = LoadShedder(max_in_flight=10, in_flight=5)  # half full
    with pytest.raises(Shed, match="BATCH over its share"):
        shedder.check_arrival(Priority.BATCH, None)
    shedder.check_arrival(Priority.NORMAL, None)  # admitted
    shedder.in_flight = 8
    with pytest.raises(Shed, match="NORMAL"):
        shedder.check_arrival(Priority.NORMAL, None)
    shedder.check_arrival(Priority.CRITICAL, None)  # still admitted


def test_shedding_by_expired_deadline_on_arrival() -> None:
    clock = FakeClock(100.0)
    shedder = LoadShedder(max_in_flight=10, clock=clock.now)
    with pytest.raises(Shed, match="deadline already passed") as caught:
        shedder.check_arrival(Priority.CRITICAL, deadline=99.0)
    assert caught.value.status == 503
    assert caught.value.retry_after == 1.0


def test_admitted_releases_its_slot_when_the_call_fails() -> None:
    shedder = LoadShedder(max_in_flight=1)
    with pytest.raises(RuntimeError), shedder.admitted(Priority.NORMAL, None):
        raise RuntimeError("vendor call failed")
    assert shedder.in_flight == 0


def test_priority_comes_from_the_key_not_from_the_request() -> None:
    assert priority_of("key-acme-prod") is Priority.CRITICAL
    assert priority_of("key-nightly-batch") is Priority.BATCH
    assert priority_of("premium") is Priority.NORMAL  # claiming a tier buys nothing
