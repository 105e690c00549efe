"""APScheduler's per-job limits: max_instances, coalesce, misfire_grace_time."""

from __future__ import annotations

import asyncio
import logging

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from ch_background_work.aps_options import catch_up, overlapping_runs


def test_max_instances_1_skips_runs_while_one_is_running() -> None:
    events = asyncio.run(overlapping_runs(max_instances=1))
    assert events["skipped: max instances"] >= 1
    assert not any(events[f"concurrent={n}"] for n in (2, 3))


def test_max_instances_skips_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="apscheduler"):
        asyncio.run(overlapping_runs(max_instances=1))
    assert "maximum number of running instances reached (1)" in caplog.text


def test_max_instances_3_lets_copies_overlap() -> None:
    events = asyncio.run(overlapping_runs(max_instances=3))
    assert events["concurrent=2"] >= 1


def test_without_coalesce_every_late_run_executes() -> None:
    assert asyncio.run(catch_up(coalesce=False, misfire_grace_time=None)) == {
        "executed": 6
    }


def test_coalesce_turns_the_backlog_into_one_run() -> None:
    assert asyncio.run(catch_up(coalesce=True, misfire_grace_time=None)) == {
        "executed": 1
    }


def test_misfire_grace_time_drops_runs_that_are_too_late(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="apscheduler"):
        events = asyncio.run(catch_up(coalesce=False, misfire_grace_time=1))
    assert events["missed"] >= 3  # the oldest three are over 1 s late
    assert events["missed"] + events["executed"] == 6
    assert "was missed by" in caplog.text


def test_misfire_grace_time_must_be_whole_seconds() -> None:
    async def job() -> None:
        pass

    scheduler = AsyncIOScheduler()
    with pytest.raises(TypeError, match="must be either None or a positive integer"):
        scheduler.add_job(job, "interval", seconds=1, misfire_grace_time=0.3)
