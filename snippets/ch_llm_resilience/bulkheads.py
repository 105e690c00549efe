"""Bulkheads (separate limits per vendor or tenant) and a model fallback."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from ch_llm_resilience.breaker import BreakerOpen, CircuitBreaker, Verdict
from ch_llm_resilience.shedding import Shed

ModelCall = Callable[[str], Awaitable[str]]


# [start bulkheads]
class Bulkheads:
    """One semaphore per compartment: a flood in one cannot drain the others."""

    def __init__(self, limits: Mapping[str, int], admission_timeout: float) -> None:
        self.slots = {name: asyncio.Semaphore(n) for name, n in limits.items()}
        self.admission_timeout = admission_timeout

    @asynccontextmanager
    async def slot(self, compartment: str) -> AsyncIterator[None]:
        semaphore = self.slots[compartment]
        try:
            async with asyncio.timeout(self.admission_timeout):
                await semaphore.acquire()
        except TimeoutError:
            raise Shed(f"bulkhead {compartment} full") from None
        try:
            yield
        finally:
            semaphore.release()


# [end bulkheads]


@dataclass(frozen=True)
class Answer:
    text: str
    model: str
    degraded: bool  # tell the caller (and the metrics) it was not the first choice


# [start fallback]
async def complete_with_fallback(
    prompt: str,
    models: Sequence[tuple[str, ModelCall]],  # in order of preference
    breakers: Mapping[str, CircuitBreaker],
    bulkheads: Bulkheads,
) -> Answer:
    for rank, (model, call) in enumerate(models):
        try:
            permit = breakers[model].acquire()  # open: skip at once
        except BreakerOpen:
            continue
        try:
            async with bulkheads.slot(model):
                text = await call(prompt)
        except Shed:
            breakers[model].record(permit, Verdict.IGNORE)  # our limit, not theirs
            continue
        except (OSError, TimeoutError):
            breakers[model].record(permit, Verdict.FAILURE)
            continue
        breakers[model].record(permit, Verdict.SUCCESS)
        return Answer(text, model, degraded=rank > 0)
    raise Shed("no model available")


# [end fallback]
