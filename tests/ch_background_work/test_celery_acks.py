"""Early acks lose a task whose worker dies; late acks redeliver it."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable

import pytest

from tests.ch_background_work.conftest import CeleryWorker, wait_until
from tests.support.services import RedisServer

# Real worker, uvicorn or redis-server processes: seconds, not milliseconds.
pytestmark = pytest.mark.slow

FAST_REDELIVERY = {"BOOK_VISIBILITY_TIMEOUT": "2"}


def test_early_ack_task_is_lost_when_the_worker_is_killed(
    redis_server: RedisServer, celery_worker: Callable[..., CeleryWorker], celery_module
) -> None:
    r = redis_server.client()
    first = celery_worker("first", env=FAST_REDELIVERY)
    celery_module.report_early.delay("job")
    wait_until(lambda: r.llen("job:started") == 1, what="the task to start")
    # The pool's parent process sends the early ack once the child reports
    # that it accepted the task, which can be a moment after the task began.
    # The task is blocked on job:gate, so the ack lands while it still runs.
    wait_until(lambda: r.hlen("unacked") == 0, what="the early ack")
    first.kill()  # SIGKILL mid-task

    # The message was acknowledged before the task finished: nothing in Redis
    # remembers it, neither the queue nor the unacked table.
    assert r.llen("job:done") == 0  # it was still running
    assert r.llen("celery") == 0
    assert r.hlen("unacked") == 0

    second = celery_worker("second", env=FAST_REDELIVERY)
    r.rpush("job:gate", "open")  # a redelivered copy would finish at once
    assert celery_module.record.delay("sentinel").get(timeout=20) == 1
    assert r.llen("job:started") == 1  # never started again
    assert r.llen("job:done") == 0  # and never finished
    assert second.hostname in second.output()


def test_solo_pool_sends_the_early_ack_only_after_the_task(
    redis_server: RedisServer, celery_worker: Callable[..., CeleryWorker], celery_module
) -> None:
    r = redis_server.client()
    celery_worker("solo", pool="solo")
    celery_module.report_early.delay("job")
    wait_until(lambda: r.llen("job:started") == 1, what="the task to start")
    # The ack is queued on the worker's event loop, which the task blocks.
    assert r.hlen("unacked") == 1
    r.rpush("job:gate", "open")
    wait_until(lambda: r.hlen("unacked") == 0, what="the deferred ack")


def test_late_ack_task_is_redelivered_after_the_visibility_timeout(
    redis_server: RedisServer, celery_worker: Callable[..., CeleryWorker], celery_module
) -> None:
    r = redis_server.client()
    first = celery_worker("first", env=FAST_REDELIVERY)
    celery_module.report_late.delay("job")
    wait_until(lambda: r.llen("job:started") == 1, what="the task to start")
    first.kill()

    assert r.hlen("unacked") == 1  # delivered, not acknowledged
    second = celery_worker("second", env=FAST_REDELIVERY)
    r.rpush("job:gate", "open")
    wait_until(lambda: r.llen("job:done") == 1, what="the redelivered run")
    starts = [json.loads(s) for s in r.lrange("job:started", 0, -1)]
    assert [s["host"] for s in starts] == [first.hostname, second.hostname]


def test_killed_child_is_acked_without_reject_on_worker_lost(
    redis_server: RedisServer, celery_worker: Callable[..., CeleryWorker], celery_module
) -> None:
    r = redis_server.client()
    celery_worker("prefork")
    result = celery_module.report_late_no_reject.delay("job")
    wait_until(lambda: r.llen("job:started") == 1, what="the task to start")
    child = json.loads(r.lindex("job:started", 0))["pid"]
    os.kill(child, signal.SIGKILL)  # the pool child dies; the worker lives

    result.get(timeout=20, propagate=False)
    assert result.state == "FAILURE"
    assert "WorkerLostError" in repr(result.result)
    wait_until(lambda: r.hlen("unacked") == 0, what="the ack")  # acked: gone
    assert r.llen("celery") == 0
    assert r.llen("job:started") == 1


def test_killed_child_is_requeued_with_reject_on_worker_lost(
    redis_server: RedisServer, celery_worker: Callable[..., CeleryWorker], celery_module
) -> None:
    r = redis_server.client()
    celery_worker("prefork")
    result = celery_module.report_late.delay("job")
    wait_until(lambda: r.llen("job:started") == 1, what="the task to start")
    child = json.loads(r.lindex("job:started", 0))["pid"]
    os.kill(child, signal.SIGKILL)

    wait_until(lambda: r.llen("job:started") == 2, what="the requeued run")
    r.rpush("job:gate", "open")
    assert result.get(timeout=20) == "job"
    assert r.llen("job:done") == 1
