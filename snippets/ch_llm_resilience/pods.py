"""Local or shared breaker state: what N pods cost during a vendor outage."""

import itertools
from dataclasses import dataclass

from ch_llm_resilience.breaker import CircuitBreaker, State, Verdict
from ch_llm_resilience.shared_breaker import SharedBreaker, SharedBreakerOpen


# [start outage-cost]
@dataclass(frozen=True)
class OutageCost:
    seconds_to_open: float  # from the first failed call until every pod fails fast
    wasted_calls: int  # calls sent to the dead vendor before that
    probes_per_period: int  # half-open trial calls per open period, fleet-wide


def local_cost(
    pods: int, rate: float, min_calls: int, window: float, trial_calls: int
) -> OutageCost | None:
    """Each pod's breaker needs ``min_calls`` failures of its own.

    ``rate`` requests per second are spread evenly, the first at t = 0.
    None: a pod never sees ``min_calls`` calls inside one window, so its
    breaker cannot open however long the outage lasts.
    """
    if rate / pods * window < min_calls:
        return None
    return OutageCost(
        (pods * min_calls - 1) / rate, pods * min_calls, pods * trial_calls
    )


def shared_cost(rate: float, min_calls: int, trial_calls: int) -> OutageCost:
    """One breaker for the fleet: ``min_calls`` failures in total open it."""
    return OutageCost((min_calls - 1) / rate, min_calls, trial_calls)


# [end outage-cost]


def simulate_local(pods: int, rate: float, min_calls: int, window: float) -> OutageCost:
    """Round-robin ``rate`` req/s over ``pods`` local breakers; the vendor is down."""
    now = 0.0
    breakers = [
        CircuitBreaker(min_calls=min_calls, window=window, clock=lambda: now)
        for _ in range(pods)
    ]
    sent = 0
    for i in itertools.count():
        now = i / rate
        breaker = breakers[i % pods]
        if breaker.state is State.CLOSED:
            sent += 1
            breaker.record(breaker.acquire(), Verdict.FAILURE)
        if all(b.state is State.OPEN for b in breakers):
            return OutageCost(now, sent, 0)
        if now > 10 * window:
            raise RuntimeError("the breakers never opened")
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns


async def simulate_shared(breakers: list[SharedBreaker], rate: float) -> OutageCost:
    """The same traffic through breakers that share one Redis state."""
    for i in itertools.count():  # call i is sent at i / rate
        breaker = breakers[i % len(breakers)]
        try:
            permit = await breaker.acquire()
        except SharedBreakerOpen:
            return OutageCost((i - 1) / rate, i, 0)  # calls 0..i-1 reached it
        await breaker.record(permit, Verdict.FAILURE)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns
