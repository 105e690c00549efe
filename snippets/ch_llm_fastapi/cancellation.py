"""Where cleanup runs when a task is cancelled, and when shielding is needed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import anyio

events: list[str] = []


async def release_slot() -> None:
    await asyncio.sleep(0.01)  # an awaited cleanup: a write to Redis, say
    events.append("released")


# [start wrong-place]
async def cleanup_in_except_exception(work: Awaitable[None]) -> None:
    try:
        await work
    except Exception:  # the mistake: CancelledError is not an Exception
        await release_slot()
        raise


# [end wrong-place]


# [start right-place]
async def cleanup_in_finally(work: Awaitable[None]) -> None:
    try:
        await work
    finally:  # runs on success, on error and on cancellation
        await release_slot()


# [end right-place]


# [start after-timeout]
async def cleanup_after_timeout(work: Awaitable[None]) -> str:
    try:
        async with asyncio.timeout(0.01):
            await work
    except TimeoutError:
        await release_slot()  # not under cancellation any more: awaits just work
        return "timed out"
    return "done"


# [end after-timeout]


# [start level-cancel]
async def stream_cleanup_unshielded() -> None:
    try:
        await anyio.sleep_forever()
    finally:
        await release_slot()  # cancelled again at its first await


async def stream_cleanup_shielded() -> None:
    try:
        await anyio.sleep_forever()
    finally:
        with anyio.CancelScope(shield=True), anyio.fail_after(1.0):
            await release_slot()  # shielded, and bounded so it cannot hang


# [end level-cancel]
