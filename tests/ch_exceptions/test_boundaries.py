"""Catch-alls at boundaries keep the service alive and log the full traceback."""

from __future__ import annotations

import asyncio
import logging

import pytest

from ch_exceptions.boundaries import Job, run_every, run_quietly, worker_loop

LOGGER = "ch_exceptions.boundaries"


async def handle(job: Job) -> None:
    if not job.prompt:
        raise ValueError("empty prompt")


def test_worker_loop_survives_a_bad_job_and_logs_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    done: list[str] = []

    async def tracking_handle(job: Job) -> None:
        await handle(job)
        done.append(job.id)

    async def main() -> bool:
        queue: asyncio.Queue[Job] = asyncio.Queue()
        for job in (Job("1", "hi"), Job("2", ""), Job("3", "there")):
            queue.put_nowait(job)
        worker = asyncio.create_task(worker_loop(queue, tracking_handle))
        await queue.join()  # every job processed, the bad one included
        worker.cancel()  # CancelledError is not an Exception: the loop ends
        await asyncio.wait([worker])
        return worker.cancelled()

    with caplog.at_level(logging.ERROR, logger=LOGGER):
        assert asyncio.run(main()) is True
    assert done == ["1", "3"]
    (record,) = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "job 2 failed"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)
    assert "Traceback (most recent call last)" in caplog.text


def test_warning_without_exc_info_drops_the_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        asyncio.run(run_quietly(Job("2", ""), handle))
    (record,) = caplog.records
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    assert "empty prompt" not in caplog.text  # not even the message survives


def test_scheduler_keeps_ticking_after_a_failed_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    async def main() -> None:
        stop = asyncio.Event()

        async def refresh_prices() -> None:
            runs.append(len(runs) + 1)
            if len(runs) == 1:
                raise ConnectionError("pricing API down")
            stop.set()

        await asyncio.wait_for(run_every(0.01, refresh_prices, stop), timeout=10)

    with caplog.at_level(logging.ERROR, logger=LOGGER):
        asyncio.run(main())
    assert runs == [1, 2]
    (record,) = caplog.records
    assert record.getMessage() == "scheduled job refresh_prices failed"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ConnectionError)
