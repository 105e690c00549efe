"""TaskGroup, gather and wait: what happens to the siblings when one fails."""

from __future__ import annotations

import asyncio


class VendorDown(Exception):
    """One upstream call failed."""


async def failing_call() -> str:
    await asyncio.sleep(0)
    raise VendorDown("embeddings vendor returned 503")


async def slow_call(events: list[str], finished: asyncio.Event, name: str) -> str:
    try:
        await finished.wait()  # stands in for a slow vendor call
        events.append(f"{name} finished")
        return name
    except asyncio.CancelledError:
        events.append(f"{name} cancelled")
        raise


# [start taskgroup-policy]
async def with_taskgroup(events: list[str], release: asyncio.Event) -> None:
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(slow_call(events, release, "summary"))
            tg.create_task(failing_call())
            await asyncio.sleep(10)  # the body is cancelled too
    except* VendorDown as group:
        events.append(f"caught {len(group.exceptions)} VendorDown in a group")


# [end taskgroup-policy]


# [start gather-policy]
async def with_gather(events: list[str], release: asyncio.Event) -> None:
    try:
        await asyncio.gather(
            slow_call(events, release, "summary"),
            failing_call(),
        )
    except VendorDown:  # the first exception, bare: not a group
        events.append("caught VendorDown; summary still running")


# [end gather-policy]


# [start gather-all-outcomes]
async def all_outcomes(release: asyncio.Event) -> list[str | BaseException]:
    release.set()
    outcomes = await asyncio.gather(
        slow_call([], release, "summary"),
        failing_call(),
        return_exceptions=True,  # failures come back as values, in order
    )
    return list(outcomes)


# [end gather-all-outcomes]


# [start wait-first-exception]
async def with_wait(
    events: list[str], release: asyncio.Event
) -> tuple[set[asyncio.Task[str]], set[asyncio.Task[str]]]:
    tasks = {
        asyncio.create_task(slow_call(events, release, "summary")),
        asyncio.create_task(failing_call()),
    }
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    events.append(f"wait returned: {len(done)} done, {len(pending)} pending")
    return done, pending  # the caller owns the pending ones now


# [end wait-first-exception]


async def _gather_then_release(events: list[str]) -> None:
    release = asyncio.Event()
    gathering = asyncio.create_task(with_gather(events, release))
    gathering.add_done_callback(lambda _: release.set())
    await gathering
    await asyncio.sleep(0)


async def _wait_then_release(events: list[str]) -> list[BaseException | None]:
    release = asyncio.Event()
    done, pending = await with_wait(events, release)
    release.set()
    await asyncio.wait(pending)
    return [task.exception() for task in done]


def self_check() -> None:
    group_events: list[str] = []
    asyncio.run(with_taskgroup(group_events, asyncio.Event()))
    assert group_events == ["summary cancelled", "caught 1 VendorDown in a group"]
    gather_events: list[str] = []
    asyncio.run(_gather_then_release(gather_events))
    assert gather_events == [
        "caught VendorDown; summary still running",
        "summary finished",
    ]
    outcomes = asyncio.run(all_outcomes(asyncio.Event()))
    assert outcomes[0] == "summary"
    assert isinstance(outcomes[1], VendorDown)
    wait_events: list[str] = []
    errors = asyncio.run(_wait_then_release(wait_events))
    assert wait_events == ["wait returned: 1 done, 1 pending", "summary finished"]
    assert [type(e) for e in errors] == [VendorDown]


if __name__ == "__main__":
    self_check()
