"""An async generator's finally runs late unless you close it: use aclosing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing


# [start token-stream]
async def token_stream(log: list[str]) -> AsyncGenerator[str, None]:
    log.append("stream opened")
    try:
        for token in ["The", " answer", " is", " 42"]:
            await asyncio.sleep(0)  # the next chunk from the vendor
            yield token
    finally:
        log.append("stream closed")  # release the HTTP connection here


# [end token-stream]


# [start without-aclosing]
async def first_token_leaky(log: list[str]) -> str:
    first = ""
    stream = token_stream(log)
    async for token in stream:
        first = token
        break  # the generator is suspended at `yield`, not closed
    log.append("caller moved on")
    return first


# [end without-aclosing]


# [start with-aclosing]
async def first_token(log: list[str]) -> str:
    first = ""
    async with aclosing(token_stream(log)) as stream:
        async for token in stream:
            first = token
            break
    log.append("caller moved on")  # the stream is closed by now
    return first


# [end with-aclosing]


if __name__ == "__main__":
    log: list[str] = []
    assert asyncio.run(first_token(log)) == "The"
    assert log == ["stream opened", "stream closed", "caller moved on"]
    leaky: list[str] = []
    assert asyncio.run(first_token_leaky(leaky)) == "The"
    # closed only when asyncio.run shut down async generators at the end
    assert leaky == ["stream opened", "caller moved on", "stream closed"]
