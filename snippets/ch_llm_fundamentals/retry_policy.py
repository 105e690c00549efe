"""What to retry, how long to wait, and for how long at most."""

import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Decision:
    retry: bool
    reason: str


# [start classify]
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


def classify(failure: httpx.Response | BaseException, *, idempotent: bool) -> Decision:
    """Should this failed attempt be tried again?

    ``idempotent`` is true when repeating the call cannot do the work twice:
    a GET, or a POST that carries an idempotency key.
    """
    if isinstance(failure, httpx.Response):
        status = failure.status_code
        return Decision(status in RETRYABLE_STATUS, f"status_{status}")
    reason = type(failure).__name__
    if isinstance(failure, httpx.ConnectError | httpx.ConnectTimeout):
        return Decision(True, reason)  # the request never reached the vendor
    if isinstance(failure, httpx.PoolTimeout):
        return Decision(False, reason)  # our own saturation: retrying adds load
    if isinstance(failure, httpx.TransportError | TimeoutError):
        # Read/write timeouts, resets, broken answers: the vendor may have
        # done (and billed) the work. Repeat only if that is harmless.
        return Decision(idempotent, reason)
    return Decision(False, reason)


# [end classify]


# [start backoff]
def full_jitter(
    attempt: int, *, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """Sleep before retry number ``attempt`` (0 for the first retry).

    Uniform in [0, min(cap, base * 2.0**attempt)]: clients that failed together
    spread out instead of coming back together.
    """
    return rand() * min(cap, base * 2.0**attempt)


def no_jitter(attempt: int, *, base: float, cap: float) -> float:
    """Capped exponential backoff with no randomness (synchronised retries)."""
    return min(cap, base * 2.0**attempt)


def additive_jitter(
    attempt: int, *, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """A popular mistake: a fixed-size random term on top of the exponential."""
    return min(cap, base * 2.0**attempt) + rand() * base


# [end backoff]


# [start retry-after]
def retry_after_seconds(headers: httpx.Headers, *, wall_clock: float) -> float | None:
    """The vendor's requested wait, from ``retry-after-ms`` or ``Retry-After``.

    ``Retry-After`` is either delay-seconds or an HTTP-date (RFC 9110
    section 10.2.3); ``wall_clock`` is the current time.time() for the date.
    """
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unparseable: fall back to our own backoff
    return max(0.0, when.timestamp() - wall_clock)


# [end retry-after]
