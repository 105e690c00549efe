"""Load shedding: reject early and cheaply, lowest priority first."""

import enum
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from ch_llm_fastapi.problems import Overloaded

Clock = Callable[[], float]


# [start priority]
class Priority(enum.IntEnum):
    CRITICAL = 0  # interactive, paying
    NORMAL = 1
    BATCH = 2  # can wait or be retried later


# Server-side: the priority comes from who the caller is, never from the request.
TIER_OF_KEY: Mapping[str, Priority] = {
    "key-acme-prod": Priority.CRITICAL,
    "key-acme-dev": Priority.NORMAL,
    "key-nightly-batch": Priority.BATCH,
}


def priority_of(api_key: str) -> Priority:
    return TIER_OF_KEY.get(api_key, Priority.NORMAL)


# [end priority]


class Shed(Overloaded):
    """Rejected by load shedding: 503 with Retry-After, never 429."""

    def __init__(self, reason: str, retry_after: float = 1.0) -> None:
        super().__init__(f"shed: {reason}", retry_after)
        self.reason = reason


# [start shedder]
@dataclass
class LoadShedder:
    max_in_flight: int
    max_queue_time: float = 1.0  # seconds a queued item may wait
    # Fraction of max_in_flight each priority may fill: batch goes first.
    share: Mapping[Priority, float] = field(
        default_factory=lambda: {
            Priority.CRITICAL: 1.0,
            Priority.NORMAL: 0.8,
            Priority.BATCH: 0.5,
        }
    )
    clock: Clock = time.monotonic
    in_flight: int = 0

    def check_arrival(self, priority: Priority, deadline: float | None) -> None:
        if deadline is not None and deadline <= self.clock():
            raise Shed("deadline already passed")  # nobody waits for the answer
        if self.in_flight >= self.max_in_flight:
            raise Shed("in-flight limit")
        if self.in_flight >= self.max_in_flight * self.share[priority]:
            raise Shed(f"priority {priority.name} over its share")

    def check_dequeue(self, enqueued_at: float, deadline: float | None) -> None:
        now = self.clock()
        if deadline is not None and deadline <= now:
            raise Shed("deadline passed while queued")
        if now - enqueued_at > self.max_queue_time:
            raise Shed("queued too long")  # the caller has likely given up

    @contextmanager
    def admitted(self, priority: Priority, deadline: float | None) -> Iterator[None]:
        self.check_arrival(priority, deadline)
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1


# [end shedder]
