"""Soft shutdown: a cold shutdown that first lets running tasks finish."""

from __future__ import annotations

import inspect
import signal
from collections.abc import Callable
from typing import Any

import pytest
from celery.worker.worker import WorkController

from tests.ch_background_work.conftest import CeleryWorker, wait_until
from tests.support.services import RedisServer

# Real worker, uvicorn or redis-server processes: seconds, not milliseconds.
pytestmark = pytest.mark.slow


def test_soft_shutdown_is_in_the_installed_celery() -> None:
    source = inspect.getsource(WorkController.wait_for_soft_shutdown)
    assert "worker_soft_shutdown_timeout" in source
    assert "Initiating Soft Shutdown" in source


def test_soft_shutdown_finishes_short_tasks_and_requeues_late_acked_long_ones(
    redis_server: RedisServer,
    celery_worker: Callable[..., CeleryWorker],
    celery_module: Any,
) -> None:
    r = redis_server.client()
    worker = celery_worker("soft", concurrency=2, env={"BOOK_SOFT_SHUTDOWN": "3"})
    celery_module.report_late.delay("long")
    celery_module.report_late.delay("short")
    wait_until(
        lambda: r.llen("long:started") == r.llen("short:started") == 1,
        what="both tasks to start",
    )
    worker.send(signal.SIGQUIT)  # cold shutdown: what a second Ctrl+C does
    soft = "Initiating Soft Shutdown, terminating in 3.0 seconds"
    wait_until(lambda: soft in worker.output(), what="the soft shutdown")
    r.rpush("short:gate", "open")  # the short task finishes inside the window
    assert worker.wait(timeout=30) is not None  # the long one is cancelled

    assert r.llen("short:done") == 1
    assert r.llen("long:done") == 0
    assert r.llen("celery") == 1  # acks_late: its message is back in the queue
