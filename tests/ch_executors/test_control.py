"""What timeouts, cancel() and shutdown() can and cannot do to submitted work."""

from __future__ import annotations

import concurrent.futures
import queue
import threading
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor

import pytest

from ch_executors import self_deadlock, shutdown, timeouts
from ch_executors._work import wait_for


def test_result_timeout_leaves_the_work_running() -> None:
    gate, finished = threading.Event(), threading.Event()
    future = timeouts.wait_briefly(gate, finished)
    assert future.running()  # we stopped waiting; the job did not stop
    assert not finished.is_set()
    gate.set()
    assert finished.wait(timeout=5)  # it completes later, on its own
    assert future.result() == "released"


def test_futures_timeout_is_the_builtin_timeout_error() -> None:
    assert concurrent.futures.TimeoutError is TimeoutError  # since 3.11


def test_cancel_works_only_on_queued_work() -> None:
    assert timeouts.try_to_cancel(threading.Event()) == (False, True)


def test_leaving_the_with_block_waits_for_running_work() -> None:
    gate = threading.Event()

    def use_pool() -> None:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(wait_for, gate)

    user = threading.Thread(target=use_pool)
    user.start()
    user.join(timeout=0.3)
    assert user.is_alive()  # stuck in shutdown(wait=True)
    gate.set()
    user.join(timeout=5)
    assert not user.is_alive()


def test_shutdown_cancel_futures_cancels_only_queued_work() -> None:
    first, *rest = shutdown.shut_down_early(threading.Event())
    assert first.result(timeout=5) == "released"
    assert [f.cancelled() for f in rest] == [True, True]


def test_a_job_waiting_on_its_own_full_pool_never_completes() -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    handoff: queue.Queue[Future[int]] = queue.Queue()
    outer = pool.submit(self_deadlock.outer, pool, handoff)
    inner = handoff.get(timeout=5)
    with pytest.raises(TimeoutError):
        outer.result(timeout=0.5)  # bounded: it would wait forever
    assert not inner.running()
    assert not inner.done()
    # Clean up: cancel the queued inner job, which releases the outer one.
    assert inner.cancel()
    with pytest.raises(CancelledError):
        outer.result(timeout=5)
    pool.shutdown()


def test_two_pools_remove_the_cycle() -> None:
    assert self_deadlock.nested_without_deadlock() == 9
