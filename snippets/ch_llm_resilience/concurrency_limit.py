"""An AIMD concurrency limit that follows the vendor's latency."""

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    started: float
    epoch: int


# [start aimd]
class AIMDLimit:
    """Additive increase, multiplicative decrease, like TCP congestion control.

    A call slower than ``slow_after`` (or failed by timeout) is a "drop": the
    limit shrinks by ``backoff``, at most once per epoch, so a burst of slow
    answers from calls started under the old limit counts once. A fast answer
    grows the limit by 1/limit (about +1 per limit's worth of answers), but
    only while the limit is actually in use.
    """

    def __init__(
        self,
        *,
        initial: float = 10.0,
        min_limit: float = 2.0,
        max_limit: float = 500.0,
        backoff: float = 0.8,
        slow_after: float = 1.0,  # seconds: the latency we consider "queueing"
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.min_limit, self.max_limit = initial, min_limit, max_limit
        self.backoff, self.slow_after, self.clock = backoff, slow_after, clock
        self.in_flight = 0
        self.epoch = 0

    def try_acquire(self) -> Ticket | None:
        if self.in_flight >= int(self.limit):
            return None  # shed now: waiting would only add queueing delay
        self.in_flight += 1
        return Ticket(self.clock(), self.epoch)

    def release(self, ticket: Ticket, *, timed_out: bool = False) -> None:
        busy = self.in_flight * 2 >= self.limit
        self.in_flight -= 1
        if timed_out or self.clock() - ticket.started > self.slow_after:
            if ticket.epoch == self.epoch:  # one decrease per generation of calls
                self.limit = max(self.min_limit, self.limit * self.backoff)
                self.epoch += 1
        elif busy:
            self.limit = min(self.max_limit, self.limit + 1 / self.limit)


# [end aimd]


@dataclass
class Sample:
    t: float
    limit: float
    in_flight: int
    latency: float


# [start vendor-model]
def vendor_latency(in_flight: int, capacity: int, base: float) -> float:
    """Above ``capacity`` calls at once the vendor queues: latency grows linearly."""
    return base * max(1.0, in_flight / capacity)


# [end vendor-model]


def simulate(
    *,
    rate: float = 300.0,
    seconds: float = 30.0,
    base: float = 0.1,
    capacity: Callable[[float], int] = lambda t: 10 if 10 <= t < 20 else 40,
    slow_after: float = 0.25,
    adaptive: bool = True,
) -> tuple[list[Sample], int]:
    """Discrete-event run on a virtual clock; returns samples and rejections.

    ``adaptive=False`` keeps a fixed limit of 10 000 (no backoff, no growth).
    """
    now = 0.0
    if adaptive:
        limiter = AIMDLimit(initial=10.0, slow_after=slow_after, clock=lambda: now)
    else:
        limiter = AIMDLimit(initial=10_000, backoff=1.0, clock=lambda: now)
    completions: list[tuple[float, int, Ticket]] = []
    samples: list[Sample] = []
    rejected, seq, latency = 0, 0, base
    for i in range(int(rate * seconds)):
        arrival = i / rate
        while completions and completions[0][0] <= arrival:
            now, _, ticket = heapq.heappop(completions)
            limiter.release(ticket)
        now = arrival
        ticket_or_none = limiter.try_acquire()
        if ticket_or_none is None:
            rejected += 1
        else:
            latency = vendor_latency(limiter.in_flight, capacity(now), base)
            seq += 1
            heapq.heappush(completions, (now + latency, seq, ticket_or_none))
        if i % int(rate / 10) == 0:  # ten samples per second
            samples.append(Sample(now, limiter.limit, limiter.in_flight, latency))
    return samples, rejected
