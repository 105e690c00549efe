"""Async context managers: cleanup that runs on success, error and cancellation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class Connection:
    name: str
    log: list[str] = field(default_factory=list)

    async def close(self) -> None:
        await asyncio.sleep(0)  # closing a socket is I/O too
        self.log.append(f"closed {self.name}")


# [start asynccontextmanager]
@asynccontextmanager
async def connect(name: str, log: list[str]) -> AsyncIterator[Connection]:
    await asyncio.sleep(0)  # the handshake
    conn = Connection(name, log)
    log.append(f"opened {name}")
    try:
        yield conn
    finally:  # runs on normal exit, on an exception and on cancellation
        await conn.close()


# [end asynccontextmanager]


# [start exit-stack]
async def fan_out_to_shards(shards: list[str], log: list[str]) -> list[str]:
    async with AsyncExitStack() as stack:
        conns = [await stack.enter_async_context(connect(s, log)) for s in shards]
        stack.push_async_callback(flush_metrics, log)  # any async callable
        return [conn.name for conn in conns]
    # on exit: flush_metrics, then the connections in reverse order


async def flush_metrics(log: list[str]) -> None:
    await asyncio.sleep(0)
    log.append("metrics flushed")


# [end exit-stack]


if __name__ == "__main__":
    log: list[str] = []
    assert asyncio.run(fan_out_to_shards(["a", "b"], log)) == ["a", "b"]
    assert log == [
        "opened a",
        "opened b",
        "metrics flushed",
        "closed b",
        "closed a",
    ]
