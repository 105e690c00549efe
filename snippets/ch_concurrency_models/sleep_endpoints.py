"""Three ways to wait inside a FastAPI endpoint, and what each does to the others.

Serve it with ``uvicorn ch_concurrency_models.sleep_endpoints:app``.
"""

from __future__ import annotations

import asyncio
import threading
import time

from fastapi import FastAPI

app = FastAPI()


class InFlight:
    """Counts requests inside an endpoint and remembers the peak."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # sync endpoints run on several threads
        self.now = 0
        self.peak = 0

    def enter(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self._lock:
            self.now -= 1


in_flight = InFlight()


# [start endpoints]
@app.get("/blocking")
async def blocking(delay: float) -> dict[str, float]:
    in_flight.enter()
    time.sleep(delay)  # noqa: ASYNC251 - the mistake: blocks the event loop
    in_flight.leave()
    return {"slept": delay}


@app.get("/cooperative")
async def cooperative(delay: float) -> dict[str, float]:
    in_flight.enter()
    await asyncio.sleep(delay)  # yields: the loop serves others meanwhile
    in_flight.leave()
    return {"slept": delay}


@app.get("/sync")
def sync(delay: float) -> dict[str, float]:  # plain def: runs in the thread pool
    in_flight.enter()
    time.sleep(delay)  # blocks one pool thread, not the loop
    in_flight.leave()
    return {"slept": delay}


# [end endpoints]


@app.post("/peak")
async def take_peak() -> dict[str, int]:
    """Return the peak number of requests in flight and reset it."""
    peak, in_flight.peak = in_flight.peak, 0
    return {"peak": peak}
