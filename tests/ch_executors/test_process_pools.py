"""Process pools: chunks, broken pools, recycling, initializers, pickling."""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from ch_executors import broken_pool, chunksize, initializers, pickle_errors, recycling
from ch_executors._work import broken_initializer, square


def test_chunksize_sends_whole_chunks_to_one_worker() -> None:
    runs = chunksize.worker_runs(items=20, chunksize=5)
    assert sum(runs) == 20
    assert all(run % 5 == 0 for run in runs), runs


def test_a_dying_worker_breaks_every_pending_future_and_the_pool() -> None:
    outcomes, message = broken_pool.crash_one_worker()
    assert outcomes == ["BrokenProcessPool"] * 4  # the squares never ran either
    assert message.endswith("the process pool is not usable anymore")


def test_max_tasks_per_child_gives_each_task_a_fresh_process() -> None:
    pids = recycling.pids_with_recycling(tasks=4, per_child=1)
    assert len(set(pids)) == 4


def test_max_tasks_per_child_refuses_fork() -> None:
    with pytest.raises(ValueError, match="incompatible with the 'fork'"):
        ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork"), max_tasks_per_child=1
        )


def test_initializer_prepares_each_worker() -> None:
    assert initializers.classify_all(["a b", "c d e"]) == [
        "tiny-model:2 words",
        "tiny-model:3 words",
    ]


def test_failing_initializer_breaks_a_thread_pool() -> None:
    assert "initializer failed" in initializers.with_failing_initializer()


def test_failing_initializer_breaks_a_process_pool() -> None:
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=broken_initializer) as pool:
        future = pool.submit(square, 2)
        with pytest.raises(BrokenProcessPool):
            future.result(timeout=30)


def test_lambdas_and_local_functions_do_not_pickle() -> None:
    ok, lambda_error, local_error = pickle_errors.submit_each(
        [square, pickle_errors.square_lambda, pickle_errors.make_scaler(3)]
    )
    assert ok == "ok: 49"
    assert lambda_error.startswith("PicklingError: Can't pickle <function <lambda>")
    assert lambda_error.endswith("failed")
    if sys.version_info >= (3, 13):
        assert local_error == (
            "AttributeError: Can't get local object 'make_scaler.<locals>.scale'"
        )
    else:  # 3.11 and 3.12
        assert local_error == (
            "AttributeError: Can't pickle local object 'make_scaler.<locals>.scale'"
        )
