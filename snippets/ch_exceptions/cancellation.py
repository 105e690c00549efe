"""Cancellation is a BaseException: what `except Exception` lets through, and
what swallowing it breaks."""

from __future__ import annotations

import asyncio
import logging

logger = logging.getLogger(__name__)


# [start except-exception]
async def fetch_quietly(started: asyncio.Event) -> str:
    try:
        started.set()
        await asyncio.sleep(3600)  # stands in for a slow vendor call
        return "reply"
    except Exception:  # vendor errors only: CancelledError is not an Exception
        logger.exception("vendor call failed")
        return "fallback"


async def cancel_quiet_fetch() -> bool:
    started = asyncio.Event()
    task = asyncio.create_task(fetch_quietly(started))
    await started.wait()
    task.cancel()
    await asyncio.wait([task])  # wait for it to end, without re-raising
    return task.cancelled()  # True: the cancellation went through


# [end except-exception]


# [start swallow-timeout]
async def vendor_call() -> str:
    await asyncio.sleep(3600)  # stands in for a slow vendor call
    return "reply"


async def call_with_deadline(trace: list[str]) -> str:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 0.05
    async with asyncio.timeout_at(deadline):
        try:
            reply = await vendor_call()
        except asyncio.CancelledError:  # the mistake: caught and not re-raised
            trace.append("cancellation swallowed")
            reply = "fallback"
        trace.append("kept running after the deadline")
        await asyncio.sleep(0)  # and the next await is not interrupted either
    trace.append(f"past deadline: {loop.time() >= deadline}")
    return reply  # no TimeoutError was raised


# [end swallow-timeout]


# [start swallow-taskgroup]
async def failing_call() -> None:
    await asyncio.sleep(0)
    raise ConnectionError("vendor reset the connection")


async def stubborn_call(trace: list[str]) -> None:
    try:
        await asyncio.sleep(3600)
    except BaseException:  # the mistake: swallows the group's cancellation
        trace.append("stubborn call swallowed the cancellation")
    await asyncio.sleep(0.05)  # more work nobody will use
    trace.append("stubborn call finished anyway")


async def fan_out(trace: list[str]) -> None:
    async with asyncio.TaskGroup() as group:
        group.create_task(failing_call())
        group.create_task(stubborn_call(trace))


# [end swallow-taskgroup]


# [start cleanup-reraise]
async def fetch_and_release(release: list[str], started: asyncio.Event) -> str:
    try:
        started.set()
        await asyncio.sleep(3600)
        return "reply"
    except asyncio.CancelledError:
        release.append("slot released")  # clean up...
        raise  # ...then let the cancellation continue


# [end cleanup-reraise]


async def cancel_and_release() -> tuple[list[str], bool]:
    release: list[str] = []
    started = asyncio.Event()
    task = asyncio.create_task(fetch_and_release(release, started))
    await started.wait()
    task.cancel()
    await asyncio.wait([task])
    return release, task.cancelled()


if __name__ == "__main__":
    assert asyncio.run(cancel_quiet_fetch()) is True

    trace: list[str] = []
    assert asyncio.run(call_with_deadline(trace)) == "fallback"
    assert trace == [
        "cancellation swallowed",
        "kept running after the deadline",
        "past deadline: True",
    ]

    group_trace: list[str] = []
    try:
        asyncio.run(fan_out(group_trace))
    except* ConnectionError:
        group_trace.append("group raised")
    assert group_trace == [
        "stubborn call swallowed the cancellation",
        "stubborn call finished anyway",
        "group raised",
    ]

    assert asyncio.run(cancel_and_release()) == (["slot released"], True)
