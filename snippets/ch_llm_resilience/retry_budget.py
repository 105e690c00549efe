"""A retry budget: retries may add at most ``ratio`` to the request load."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from ch_llm_fundamentals.errors import RetriesExhausted, VendorRejected
from ch_llm_fundamentals.retry_policy import classify, full_jitter


# [start budget]
class RetryBudget:
    """A token bucket for retries: a request deposits ``ratio``, a retry costs 1.

    Over any long stretch, retries <= ratio x requests + cap. In a healthy
    period the bucket fills to ``cap`` so sporadic failures are all retried;
    in an outage it drains and the load stays near 1 + ratio times normal.
    """

    def __init__(self, ratio: float = 0.1, cap: float = 10.0) -> None:
        self.ratio, self.cap = ratio, cap
        self.tokens = cap

    def on_request(self) -> None:
        self.tokens = min(self.cap, self.tokens + self.ratio)

    def try_retry(self) -> bool:
        if self.tokens < 1.0:
            return False  # tell the caller: overloaded, do not retry
        self.tokens -= 1.0
        return True


# [end budget]


# [start budgeted-call]
async def budgeted_call(
    http: httpx.AsyncClient,
    payload: dict[str, Any],
    budget: RetryBudget | None,
    *,
    max_attempts: int = 3,  # per request; the budget caps the ratio overall
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rand: Callable[[], float] = random.random,
) -> httpx.Response:
    if budget is not None:
        budget.on_request()
    headers = {"idempotency-key": f"{rand():.17f}"}  # one key for all attempts
    for attempt in range(max_attempts):
        headers["x-attempt"] = str(attempt)
        try:
            outcome: httpx.Response | Exception = await http.post(
                "/v1/chat/completions", json=payload, headers=headers
            )
        except httpx.TransportError as exc:
            outcome = exc
        if isinstance(outcome, httpx.Response) and outcome.status_code == 200:
            return outcome
        decision = classify(outcome, idempotent=True)
        if not decision.retry:
            status = getattr(outcome, "status_code", 0)
            raise VendorRejected(status, decision.reason)
        if attempt + 1 == max_attempts:
            break
        if budget is not None and not budget.try_retry():
            raise RetriesExhausted(attempt + 1, "retry budget exhausted")
        await sleep(full_jitter(attempt, base=0.1, cap=2.0, rand=rand))
    raise RetriesExhausted(max_attempts, decision.reason)


# [end budgeted-call]
