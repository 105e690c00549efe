"""shield keeps the inner work running; the caller is cancelled all the same."""

from __future__ import annotations

import asyncio
from typing import Any

_in_flight: set[asyncio.Task[Any]] = set()


# [start shield]
async def save_transcript(events: list[str], db_reply: asyncio.Event) -> None:
    await db_reply.wait()  # stands in for the database write we must not lose
    events.append("transcript saved")


async def finish_request(events: list[str], db_reply: asyncio.Event) -> None:
    write = asyncio.create_task(save_transcript(events, db_reply))
    _in_flight.add(write)  # keep a reference: nobody awaits it after a cancel
    write.add_done_callback(_in_flight.discard)
    try:
        await asyncio.shield(write)
    except asyncio.CancelledError:
        events.append("request cancelled; the write goes on")
        raise


# [end shield]


# [start shield-shutdown]
async def main_returns_early(events: list[str]) -> None:
    write = asyncio.create_task(slow_commit(events))
    try:
        async with asyncio.timeout(0.01):
            await asyncio.shield(write)
    except TimeoutError:
        events.append("main: gave up waiting")
    # main returns here; asyncio.run then cancels every task still pending,
    # including the one we shielded


async def slow_commit(events: list[str]) -> None:
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        events.append("commit cancelled at shutdown")
        raise


# [end shield-shutdown]


async def _demo() -> list[str]:
    events: list[str] = []
    db_reply = asyncio.Event()
    request = asyncio.create_task(finish_request(events, db_reply))
    await asyncio.sleep(0)  # the request starts the write and awaits the shield
    request.cancel()
    await asyncio.wait([request])
    assert request.cancelled()
    assert len(_in_flight) == 1  # the write is still running
    db_reply.set()
    await asyncio.wait(set(_in_flight))
    assert not _in_flight
    return events


if __name__ == "__main__":
    assert asyncio.run(_demo()) == [
        "request cancelled; the write goes on",
        "transcript saved",
    ]
    shutdown: list[str] = []
    asyncio.run(main_returns_early(shutdown))
    assert shutdown == ["main: gave up waiting", "commit cancelled at shutdown"]
