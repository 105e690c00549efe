"""max_instances, coalesce and misfire_grace_time, observed through events."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from apscheduler.events import (
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

NAMES = {
    EVENT_JOB_EXECUTED: "executed",
    EVENT_JOB_MAX_INSTANCES: "skipped: max instances",
    EVENT_JOB_MISSED: "missed",
}


def counting_scheduler() -> tuple[AsyncIOScheduler, Counter[str]]:
    scheduler = AsyncIOScheduler(timezone=UTC)
    events: Counter[str] = Counter()

    def listener(event: JobEvent) -> None:
        events[NAMES[event.code]] += 1

    scheduler.add_listener(listener, sum(NAMES))
    return scheduler, events


# [start max-instances]
async def overlapping_runs(max_instances: int, ticks: int = 6) -> Counter[str]:
    """A 0.35 s job every 0.1 s: how many copies may run at once?"""
    scheduler, events = counting_scheduler()
    running = 0

    async def slow_job() -> None:
        nonlocal running
        running += 1
        events[f"concurrent={running}"] += 1
        await asyncio.sleep(0.35)
        running -= 1

    scheduler.add_job(
        slow_job, IntervalTrigger(seconds=0.1), max_instances=max_instances
    )
    scheduler.start()
    async with asyncio.timeout(30):
        while events["executed"] + events["skipped: max instances"] < ticks:
            await asyncio.sleep(0.01)
        scheduler.pause()
        while running:  # let the copies still running finish
            await asyncio.sleep(0.01)
    scheduler.shutdown(wait=False)
    return events
# [end max-instances]


# [start catch-up]
async def catch_up(coalesce: bool, misfire_grace_time: int | None) -> Counter[str]:
    """Six fire times pass while the scheduler cannot run jobs (a paused
    scheduler here; a blocked loop or a long GC pause in production)."""
    scheduler, events = counting_scheduler()
    start = datetime.now(UTC) + timedelta(seconds=0.05)
    end = start + timedelta(seconds=0.5)  # fire times at +0.0, +0.1, ... +0.5

    async def job() -> None:
        pass

    scheduler.add_job(
        job,
        IntervalTrigger(seconds=0.1, start_date=start, end_date=end),
        coalesce=coalesce,
        misfire_grace_time=misfire_grace_time,
    )
    scheduler.start(paused=True)
    while datetime.now(UTC) < end + timedelta(seconds=0.75):
        await asyncio.sleep(0.02)  # the "downtime": all six fire times pass
    scheduler.resume()
    async with asyncio.timeout(30):
        while scheduler.get_jobs():  # removed once its last fire time is handled
            await asyncio.sleep(0.01)
    scheduler.shutdown(wait=False)
    return events
# [end catch-up]


if __name__ == "__main__":
    print(asyncio.run(catch_up(coalesce=True, misfire_grace_time=None)))
