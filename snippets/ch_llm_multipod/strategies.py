"""Four ways to respect one vendor limit from many pods, simulated side by side.

Deterministic and in virtual time: each pod receives a steady stream of
requests (unevenly spread, as pinned connections spread them), every request
passes the strategy's check, and the vendor is a token bucket that answers
429 beyond its limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Bucket:
    """A token bucket in virtual time (no clock: the caller passes ``now``)."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.level, self.updated = rate, burst, burst, 0.0

    def take(self, now: float) -> bool:
        self.level = min(self.burst, self.level + (now - self.updated) * self.rate)
        self.updated = now
        if self.level >= 1:
            self.level -= 1
            return True
        return False


class Strategy(Protocol):
    def allow(self, pod: int, now: float) -> bool: ...
    def feedback(self, pod: int, now: float, accepted: bool) -> None: ...


# [start strategies]
class StaticPartition:
    """Each pod may send limit / pods: no coordination, no shared state."""

    def __init__(self, limit: float, pods: int) -> None:
        self.buckets = [Bucket(limit / pods, 2) for _ in range(pods)]

    def allow(self, pod: int, now: float) -> bool:
        return self.buckets[pod].take(now)

    def feedback(self, pod: int, now: float, accepted: bool) -> None:
        pass


class CentralLimiter:
    """One bucket for all pods (in production: the Redis Lua bucket)."""

    def __init__(self, limit: float) -> None:
        self.bucket = Bucket(limit, 2)

    def allow(self, pod: int, now: float) -> bool:
        return self.bucket.take(now)

    def feedback(self, pod: int, now: float, accepted: bool) -> None:
        pass


class AimdOn429:
    """Each pod probes upward and halves its rate when the vendor says 429."""

    def __init__(self, pods: int, start: float, step: float = 0.02) -> None:
        self.rates = [start] * pods
        self.buckets = [Bucket(start, 2) for _ in range(pods)]
        self.step, self.cut_at = step, [-1.0] * pods

    def allow(self, pod: int, now: float) -> bool:
        return self.buckets[pod].take(now)

    def feedback(self, pod: int, now: float, accepted: bool) -> None:
        if accepted:
            self.rates[pod] += self.step  # additive increase per success
        elif now - self.cut_at[pod] > 1.0:  # at most one cut per second
            self.rates[pod] = max(0.5, self.rates[pod] / 2)
            self.cut_at[pod] = now
        self.buckets[pod].rate = self.rates[pod]


class GatewayPerInstance:
    """The vendor limit configured on each of several gateway replicas."""

    def __init__(self, limit: float, instances: int) -> None:
        self.buckets = [Bucket(limit, 2) for _ in range(instances)]

    def allow(self, pod: int, now: float) -> bool:
        return self.buckets[pod % len(self.buckets)].take(now)  # per connection

    def feedback(self, pod: int, now: float, accepted: bool) -> None:
        pass


# [end strategies]


# [start run]
@dataclass(frozen=True)
class Outcome:
    sent: float  # requests per second that reached the vendor
    accepted: float  # ... and were served (goodput)
    rejected_429: float  # ... and got 429
    refused_locally: float  # turned away by our own limiter, at once


def run(
    strategy: Strategy,
    limit: float = 10.0,
    demand: tuple[float, ...] = (12.0, 6.0, 2.0),  # per pod, requests per second
    seconds: float = 120.0,
    step: float = 0.001,
) -> Outcome:
    vendor = Bucket(limit, limit)
    credit = [0.0] * len(demand)
    counts = {"sent": 0, "accepted": 0, "429": 0, "local": 0}
    for tick in range(round(seconds / step)):
        now = tick * step
        for pod, rate in enumerate(demand):
            credit[pod] += rate * step
            if credit[pod] < 1:
                continue
            credit[pod] -= 1  # a request arrives at this pod
            if not strategy.allow(pod, now):
                counts["local"] += 1
                continue
            counts["sent"] += 1
            accepted = vendor.take(now)
            counts["accepted" if accepted else "429"] += 1
            strategy.feedback(pod, now, accepted)
    per_s = {k: round(v / seconds, 2) for k, v in counts.items()}
    return Outcome(per_s["sent"], per_s["accepted"], per_s["429"], per_s["local"])


# [end run]
