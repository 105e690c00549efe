"""A streaming endpoint whose second event waits for a signal.

``GET /v1/stream`` sends one server-sent event at once, then waits until
``POST /release`` is called, then sends the last event. A client that receives
the first event before the release knows nothing buffered it on the way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import StreamingResponse

app = FastAPI()
released = asyncio.Event()


# [start gate]
@app.get("/v1/stream")
async def stream() -> StreamingResponse:
    released.clear()  # each stream waits for its own release

    async def events() -> AsyncIterator[str]:
        yield "data: first\n\n"
        async with asyncio.timeout(30):
            await released.wait()
        yield "data: last\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


@app.post("/release")
async def release() -> dict[str, bool]:
    released.set()
    return {"released": True}


@app.get("/v1/small")
async def small() -> dict[str, str]:
    return {"answer": "a short completion"}


# [end gate]
