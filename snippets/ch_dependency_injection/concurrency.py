"""Bounding a dependency's concurrency: max_concurrency, or a bounded wait."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request


@dataclass
class Gauge:
    active: int = 0
    peak: int = 0
    entered: int = 0

    def enter(self) -> None:
        self.active += 1
        self.entered += 1
        self.peak = max(self.peak, self.active)

    def leave(self) -> None:
        self.active -= 1


gauge = Gauge()
gate = asyncio.Event()  # tests set it to let the held requests finish


# [start max-concurrency]
async def vendor_slot() -> AsyncIterator[None]:
    gauge.enter()
    try:
        yield  # counts against the limit until the teardown has run
    finally:
        gauge.leave()


VendorSlot = Annotated[None, Depends(vendor_slot, max_concurrency=2)]
app = FastAPI()


@app.get("/summarise")
async def summarise(_: VendorSlot) -> str:
    await gate.wait()
    return "summary"


@app.get("/translate")
async def translate(_: VendorSlot) -> str:  # shares the limit: same Depends object
    await gate.wait()
    return "translation"


# [end max-concurrency]


# [start separate-limits]
@app.get("/classify")
async def classify(
    _: Annotated[None, Depends(vendor_slot, max_concurrency=2)],
) -> str:
    await gate.wait()  # a new Depends object: a second, separate limit of 2
    return "label"


# [end separate-limits]


# [start bounded-wait]
ADMISSION_TIMEOUT = 0.05  # seconds a request may wait for a slot


async def admitted(request: Request) -> AsyncIterator[None]:
    slots: asyncio.Semaphore = request.state.slots
    try:
        async with asyncio.timeout(ADMISSION_TIMEOUT):
            await slots.acquire()
    except TimeoutError:
        raise HTTPException(
            status_code=503,
            detail="no capacity, try again",
            headers={"Retry-After": "1"},
        ) from None
    gauge.enter()
    try:
        yield
    finally:
        gauge.leave()
        slots.release()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    yield {"slots": asyncio.Semaphore(2)}  # created on the serving loop


bounded = FastAPI(lifespan=lifespan)


@bounded.get("/summarise")
async def bounded_summarise(_: Annotated[None, Depends(admitted)]) -> str:
    await gate.wait()
    return "summary"


# [end bounded-wait]
