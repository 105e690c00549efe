"""Redis visibility timeout, long countdowns, and prefetching by a busy worker."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import redis

from ch_background_work.celery_settings import (
    CountdownTooLong,
    celery_settings,
    check_delay,
)
from tests.ch_background_work.conftest import CeleryWorker, wait_until
from tests.support.services import RedisServer

# Real worker, uvicorn or redis-server processes: seconds, not milliseconds.
pytestmark = pytest.mark.slow


def test_countdown_longer_than_visibility_timeout_runs_more_than_once(
    redis_server: RedisServer,
    celery_worker: Callable[..., CeleryWorker],
    celery_module: Any,
) -> None:
    r = redis_server.client()
    celery_worker("eta", env={"BOOK_VISIBILITY_TIMEOUT": "1"})
    celery_module.record.apply_async(args=("eta:runs",), countdown=4)
    # One publish, one countdown: Redis hands the waiting message out again
    # every time its visibility timeout passes, and each copy runs.
    wait_until(lambda: int(r.get("eta:runs") or 0) >= 2, timeout=30, what="a rerun")


def test_check_delay_refuses_countdowns_near_the_visibility_timeout() -> None:
    settings = celery_settings("redis://unused", visibility_timeout=3600)
    assert check_delay(600, settings) == 600
    with pytest.raises(CountdownTooLong, match="visibility timeout 3600 s"):
        check_delay(2 * 3600, settings)
    with pytest.raises(CountdownTooLong):
        check_delay(1800, settings)  # too close: no time left to run it


def _prefetch_scenario(
    r: redis.Redis,
    celery_module: Any,
    celery_worker: Callable[..., CeleryWorker],
    prefetch: str,
) -> tuple[CeleryWorker, CeleryWorker]:
    env = {"BOOK_PREFETCH": prefetch}
    busy = celery_worker("busy", env=env)
    celery_module.report_late.delay("long")  # a slow LLM call
    wait_until(lambda: r.llen("long:started") == 1, what="the long task")
    r.rpush("short:gate", "open")  # the short task never blocks
    celery_module.report_late.delay("short")
    return busy, celery_worker("idle", env=env)


def test_prefetch_multiplier_4_parks_a_short_task_behind_a_long_one(
    redis_server: RedisServer,
    celery_worker: Callable[..., CeleryWorker],
    celery_module: Any,
) -> None:
    r = redis_server.client()
    busy, idle = _prefetch_scenario(r, celery_module, celery_worker, "4")
    wait_until(lambda: r.llen("celery") == 0, what="the busy worker to reserve it")
    assert r.llen("short:started") == 0  # reserved by the busy worker, not run
    assert r.hlen("unacked") == 2  # both messages sit with the busy worker
    r.rpush("long:gate", "open")
    wait_until(lambda: r.llen("short:done") == 1, what="the short task")
    short = json.loads(r.lindex("short:started", 0))
    long_done = json.loads(r.lindex("long:done", 0))
    assert short["host"] == busy.hostname != idle.hostname
    assert short["t"] >= long_done["t"]  # it waited for the long task


def test_prefetch_multiplier_1_with_acks_late_leaves_it_for_an_idle_worker(
    redis_server: RedisServer,
    celery_worker: Callable[..., CeleryWorker],
    celery_module: Any,
) -> None:
    r = redis_server.client()
    busy, idle = _prefetch_scenario(r, celery_module, celery_worker, "1")
    wait_until(lambda: r.llen("short:done") == 1, what="the short task")
    short = json.loads(r.lindex("short:started", 0))
    assert short["host"] == idle.hostname != busy.hostname
    assert r.llen("long:done") == 0  # the long task is still running
    r.rpush("long:gate", "open")
