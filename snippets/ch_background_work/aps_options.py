"""max_instances, coalesce and misfire_grace_time, observed through events."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
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


class Recorder:
    """A scheduler whose job events are counted, and awaited by predicate."""

    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.events: Counter[str] = Counter()
        self.submitted = 0  # fire times handed to the executor
        self._changed = asyncio.Event()
        self.scheduler.add_listener(self._on_event, sum(NAMES) | EVENT_JOB_SUBMITTED)

    def _on_event(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            assert isinstance(event, JobSubmissionEvent)
            self.submitted += len(event.scheduled_run_times)
        else:
            self.events[NAMES[event.code]] += 1
        self._changed.set()

    async def until(self, done: Callable[[], object]) -> None:
        async with asyncio.timeout(30):
            while not done():
                self._changed.clear()
                await self._changed.wait()


# [start max-instances]
async def overlapping_runs(max_instances: int, ticks: int = 6) -> Counter[str]:
    """A 0.35 s job every 0.1 s: how many copies may run at once?"""
    rec = Recorder()
    running = 0

    async def slow_job() -> None:
        nonlocal running
        running += 1
        rec.events[f"concurrent={running}"] += 1
        await asyncio.sleep(0.35)
        running -= 1

    rec.scheduler.add_job(
        slow_job, IntervalTrigger(seconds=0.1), max_instances=max_instances
    )
    rec.scheduler.start()
    await rec.until(lambda: sum(rec.events[n] for n in NAMES.values()) >= ticks)
    rec.scheduler.pause()  # no new runs; let the running copies finish
    await rec.until(lambda: running == 0)
    rec.scheduler.shutdown(wait=False)
    return rec.events


# [end max-instances]


# [start catch-up]
async def catch_up(coalesce: bool, misfire_grace_time: int | None) -> Counter[str]:
    """Six fire times pass while the scheduler cannot run jobs (paused here;
    a blocked loop, a long GC pause or a restart in production)."""
    rec = Recorder()
    start = datetime.now(UTC) + timedelta(seconds=0.05)
    end = start + timedelta(seconds=0.5)  # fire times at +0.0, +0.1, ... +0.5

    async def job() -> None:
        pass

    rec.scheduler.add_job(
        job,
        IntervalTrigger(seconds=0.1, start_date=start, end_date=end),
        coalesce=coalesce,
        misfire_grace_time=misfire_grace_time,
    )
    rec.scheduler.start(paused=True)
    downtime = end + timedelta(seconds=0.75) - datetime.now(UTC)
    await asyncio.sleep(downtime.total_seconds())  # all six fire times pass
    rec.scheduler.resume()
    outcomes = ("executed", "missed")
    await rec.until(lambda: sum(rec.events[n] for n in outcomes) == rec.submitted > 0)
    rec.scheduler.shutdown(wait=False)
    return rec.events


# [end catch-up]


if __name__ == "__main__":
    print(asyncio.run(catch_up(coalesce=True, misfire_grace_time=None)))
