"""A circuit breaker: failure rate over a sliding window, bounded half-open."""

import enum
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ch_llm_fundamentals.errors import AdmissionRejected

Clock = Callable[[], float]


# [start verdict]
class Verdict(enum.Enum):
    SUCCESS = "success"
    FAILURE = "failure"  # evidence that the vendor is unhealthy
    IGNORE = "ignore"  # says nothing about the vendor's health


def breaker_verdict(outcome: httpx.Response | BaseException) -> Verdict:
    """Only the vendor's own failures may open the vendor's breaker."""
    if isinstance(outcome, httpx.Response):
        if outcome.status_code >= 500:
            return Verdict.FAILURE
        if outcome.status_code == 429:
            return Verdict.IGNORE  # quota, not health: the limiter's business
        if outcome.status_code >= 400:
            return Verdict.IGNORE  # the caller's mistake (400, 401, 422...)
        return Verdict.SUCCESS
    if isinstance(outcome, AdmissionRejected | httpx.PoolTimeout):
        return Verdict.IGNORE  # our own saturation, not the vendor's
    if isinstance(outcome, httpx.TransportError | TimeoutError):
        return Verdict.FAILURE  # connect errors, resets, call timeouts
    return Verdict.IGNORE


# [end verdict]


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class BreakerOpen(Exception):
    """Fail fast: the vendor is considered down for ``retry_after`` seconds."""

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"breaker {name!r} is open; retry in {retry_after:.1f} s")
        self.name, self.retry_after = name, retry_after


@dataclass(frozen=True)
class Permit:
    """Handed out by ``acquire``; the result is recorded against it."""

    generation: int
    trial: bool


# [start breaker-init]
class CircuitBreaker:
    def __init__(
        self,
        name: str = "vendor",
        *,
        window: float = 30.0,  # seconds of outcomes the failure rate looks at
        min_calls: int = 20,  # no verdict on fewer calls than this
        failure_rate: float = 0.5,  # open at or above this fraction
        open_for: float = 10.0,  # fail fast this long before probing
        trial_calls: int = 2,  # calls admitted in half-open; all must succeed
        clock: Clock = time.monotonic,
    ) -> None:
        self.name, self.window, self.min_calls = name, window, min_calls
        self.failure_rate, self.open_for = failure_rate, open_for
        self.trial_calls, self.clock = trial_calls, clock
        self.state = State.CLOSED
        self.generation = 0  # bumped on every transition
        self.opened_at = 0.0
        self.outcomes: deque[tuple[float, bool]] = deque()  # (time, failed)
        self.trials_started = self.trials_succeeded = 0
        self.transitions: list[tuple[float, State]] = []

    # [end breaker-init]

    # [start acquire]
    def acquire(self) -> Permit:
        """Admit a call or raise ``BreakerOpen`` at once (never waits)."""
        now = self.clock()
        if self.state is State.OPEN:
            remaining = self.opened_at + self.open_for - now
            if remaining > 0:
                raise BreakerOpen(self.name, remaining)
            self._move(State.HALF_OPEN, now)
        if self.state is State.HALF_OPEN:
            if self.trials_started >= self.trial_calls:
                raise BreakerOpen(self.name, self.open_for / 10)  # probes running
            self.trials_started += 1
            return Permit(self.generation, trial=True)
        return Permit(self.generation, trial=False)

    # [end acquire]

    # [start record]
    def record(self, permit: Permit, verdict: Verdict) -> None:
        if permit.generation != self.generation:
            return  # admitted before the last transition: stale evidence
        now = self.clock()
        if verdict is Verdict.IGNORE:
            if permit.trial:
                self.trials_started -= 1  # give the probe slot back
            return
        failed = verdict is Verdict.FAILURE
        if self.state is State.HALF_OPEN:
            if failed:
                self._move(State.OPEN, now)  # still down: another full wait
            else:
                self.trials_succeeded += 1
                if self.trials_succeeded >= self.trial_calls:
                    self._move(State.CLOSED, now)
            return
        self.outcomes.append((now, failed))
        while self.outcomes and self.outcomes[0][0] <= now - self.window:
            self.outcomes.popleft()  # slide the window
        calls = len(self.outcomes)
        failures = sum(f for _, f in self.outcomes)
        if calls >= self.min_calls and failures >= self.failure_rate * calls:
            self._move(State.OPEN, now)

    # [end record]

    def force_close(self) -> None:
        """An operator's override: forget the evidence and close."""
        self._move(State.CLOSED, self.clock())

    def _move(self, state: State, now: float) -> None:
        self.state = state
        self.generation += 1
        self.outcomes.clear()
        self.trials_started = self.trials_succeeded = 0
        if state is State.OPEN:
            self.opened_at = now
        self.transitions.append((now, state))
