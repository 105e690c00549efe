"""An idempotency key makes a task safe to run twice; retries are opt-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from celery.signals import setup_logging

from tests.ch_background_work.conftest import wait_until
from tests.support.services import RedisServer

# Celery 5.7's Redis result backend stores results with redis-py's `setex`,
# which redis-py 8 marks as deprecated; the in-process worker triggers it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Call to deprecated setex:DeprecationWarning"
)


@pytest.fixture
def worker(celery_module: Any) -> Iterator[None]:
    """An in-process worker (a thread, solo pool) on the test's Redis.

    A receiver on ``setup_logging`` stops the embedded worker from
    reconfiguring this process's root logger (level, handlers).
    """

    def keep_logging(**kwargs: object) -> None:
        return None

    setup_logging.connect(keep_logging)
    try:
        with start_worker(celery_module.app, perform_ping_check=False):
            yield
    finally:
        setup_logging.disconnect(keep_logging)


def test_same_idempotency_key_charges_once(
    redis_server: RedisServer, celery_module: Any, worker: None
) -> None:
    r = redis_server.client()
    first = celery_module.charge.delay("order-42", "acme", 1500)
    again = celery_module.charge.delay("order-42", "acme", 1500)  # a duplicate
    other = celery_module.charge.delay("order-43", "acme", 200)
    assert [first.get(timeout=10), again.get(timeout=10)] == [True, False]
    assert other.get(timeout=10) is True
    assert r.get("balance:acme") == "1700"


def test_autoretry_retries_until_success(
    redis_server: RedisServer, celery_module: Any, worker: None
) -> None:
    r = redis_server.client()
    result = celery_module.summarise.delay("doc-1", 2)  # two 503s, then success
    assert result.get(timeout=20) == "summary of doc-1 after 3 attempts"
    assert r.get("attempts:doc-1") == "3"


def test_without_autoretry_an_exception_fails_the_task_once(
    redis_server: RedisServer, celery_module: Any, worker: None
) -> None:
    r = redis_server.client()
    result = celery_module.summarise_once.delay("doc-2")
    with pytest.raises(celery_module.VendorUnavailable):
        result.get(timeout=10)
    assert result.state == "FAILURE"
    assert r.get("attempts:doc-2") == "1"
    # The in-process worker's ack reaches Redis just after the result does.
    wait_until(lambda: r.hlen("unacked") == 0, what="the ack")  # acked, gone
    assert r.llen("celery") == 0


def test_max_retries_bounds_the_attempts(
    redis_server: RedisServer, celery_module: Any
) -> None:
    # apply() runs the task eagerly in this process: retries happen at once,
    # without the countdown, so the bound is checked quickly.
    r = redis_server.client()
    result = celery_module.summarise.apply(args=("doc-3", 100))
    assert result.state == "FAILURE"
    assert isinstance(result.result, celery_module.VendorUnavailable)
    assert r.get("attempts:doc-3") == "4"  # the first try and max_retries=3
    assert Retry is not None


def test_gated_tasks_record_start_and_end_in_process(
    redis_server: RedisServer, celery_module: Any, worker: None
) -> None:
    # The kill tests run these tasks in worker processes; here they run in
    # this process, so the listing's lines are measured too.
    r = redis_server.client()
    r.rpush("a:gate", "open", "b:gate")
    r.rpush("b:gate", "open")
    r.rpush("c:gate", "open")
    assert celery_module.report_early.delay("a").get(timeout=10) == "a"
    assert celery_module.report_late.apply(args=("b",)).get() == "b"
    assert celery_module.report_late_no_reject.apply(args=("c",)).get() == "c"
    assert celery_module.record.apply(args=("n",)).get() == 1
    assert [r.llen(f"{k}:done") for k in "abc"] == [1, 1, 1]


def test_a_result_that_is_gone_reads_as_pending(
    redis_server: RedisServer, celery_module: Any, worker: None
) -> None:
    result = celery_module.record.delay("counter")
    assert result.get(timeout=10) == 1
    result.forget()  # what result_expires does after a day
    again = celery_module.app.AsyncResult(result.id)
    assert again.state == "PENDING"  # indistinguishable from "never ran"
    assert celery_module.app.AsyncResult("no-such-task").state == "PENDING"
