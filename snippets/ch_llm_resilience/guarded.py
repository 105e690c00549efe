"""One vendor call behind a breaker: check first, wait second, classify last."""

import asyncio
from typing import Any

import httpx

from ch_llm_fundamentals.errors import AdmissionRejected
from ch_llm_resilience.breaker import CircuitBreaker, Verdict, breaker_verdict


# [start guarded-call]
async def guarded_call(
    breaker: CircuitBreaker,
    slots: asyncio.Semaphore,
    http: httpx.AsyncClient,
    payload: dict[str, Any],
    *,
    admission_timeout: float = 0.5,
    call_timeout: float = 10.0,
) -> httpx.Response:
    permit = breaker.acquire()  # cheap rejection first: never queue for a dead vendor
    try:
        async with asyncio.timeout(admission_timeout):  # bounds the wait only
            await slots.acquire()
    except TimeoutError:
        breaker.record(permit, Verdict.IGNORE)  # our saturation, not theirs
        raise AdmissionRejected("slot", admission_timeout) from None
    outcome: httpx.Response | BaseException = asyncio.CancelledError()
    try:
        async with asyncio.timeout(call_timeout):
            outcome = await http.post("/v1/chat/completions", json=payload)
    except (httpx.TransportError, TimeoutError) as exc:
        outcome = exc
    finally:
        slots.release()
        breaker.record(permit, breaker_verdict(outcome))  # cancelled: IGNORE
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


# [end guarded-call]
