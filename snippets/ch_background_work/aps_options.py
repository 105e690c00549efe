"""max_instances, coalesce and misfire_grace_time, observed through events."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from apscheduler.events import (
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobSubmissionEvent,
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
    enough, idle = asyncio.Event(), asyncio.Event()

    async def slow_job() -> None:
        nonlocal running
        running += 1
        events[f"concurrent={running}"] += 1
        await asyncio.sleep(0.35)
        running -= 1
        if running == 0:
            idle.set()

    def on_event(event: JobEvent) -> None:
        if events["executed"] + events["skipped: max instances"] >= ticks:
            enough.set()

    scheduler.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_MAX_INSTANCES)
    scheduler.add_job(
        slow_job, IntervalTrigger(seconds=0.1), max_instances=max_instances
    )
    scheduler.start()
    async with asyncio.timeout(30):
        await enough.wait()
        scheduler.pause()  # no new runs; let the ones still running finish
        idle.clear()
        if running:
            await idle.wait()
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
    submitted = 0
    handled = asyncio.Event()

    def on_submitted(event: JobSubmissionEvent) -> None:
        nonlocal submitted
        submitted += len(event.scheduled_run_times)

    def on_outcome(event: JobEvent) -> None:
        if events["executed"] + events["missed"] == submitted:
            handled.set()

    async def job() -> None:
        pass

    scheduler.add_listener(on_submitted, EVENT_JOB_SUBMITTED)
    scheduler.add_listener(on_outcome, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    scheduler.add_job(
        job,
        IntervalTrigger(seconds=0.1, start_date=start, end_date=end),
        coalesce=coalesce,
        misfire_grace_time=misfire_grace_time,
    )
    scheduler.start(paused=True)
    downtime = end + timedelta(seconds=0.75) - datetime.now(UTC)
    await asyncio.sleep(downtime.total_seconds())  # all six fire times pass
    scheduler.resume()
    async with asyncio.timeout(30):
        await handled.wait()
    scheduler.shutdown(wait=False)
    return events


# [end catch-up]


if __name__ == "__main__":
    print(asyncio.run(catch_up(coalesce=True, misfire_grace_time=None)))
