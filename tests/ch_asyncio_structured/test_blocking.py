"""Threads and processes from async code, and what cancellation cannot do."""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ch_asyncio_structured import _work
from ch_asyncio_structured.blocking_calls import (
    compare_helpers,
    open_gate_soon,
    read_prompt_template,
    wait_for_gate_blocking,
    wait_for_gate_in_thread,
)
from ch_asyncio_structured.cpu_pool import (
    count_primes_in_parallel,
    cpu_pool,
    digest_elsewhere,
)
from ch_asyncio_structured.thread_not_cancelled import (
    export_cancellable,
    export_in_chunks,
    export_with_timeout,
)


async def _gate_race(blocking: bool) -> bool:
    gate = threading.Event()
    waiter = wait_for_gate_blocking if blocking else wait_for_gate_in_thread
    async with asyncio.TaskGroup() as tg:
        waited = tg.create_task(waiter(gate))
        tg.create_task(open_gate_soon(gate))
    return waited.result()


def test_blocking_wait_in_a_coroutine_starves_the_loop() -> None:
    # The opener never ran while the loop was held, so the wait timed out.
    assert asyncio.run(_gate_race(blocking=True)) is False


def test_the_same_wait_in_to_thread_lets_the_loop_open_the_gate() -> None:
    assert asyncio.run(_gate_race(blocking=False)) is True


def test_to_thread_copies_contextvars_and_run_in_executor_does_not() -> None:
    async def main() -> dict[str, str]:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-io") as pool:
            return await compare_helpers(pool)

    seen = asyncio.run(main())
    assert seen["to_thread"].startswith("req-42 on asyncio_")  # default executor
    assert seen["run_in_executor"] == "- on llm-io_0"  # our pool, no context


def test_run_in_executor_with_none_uses_the_default_executor() -> None:
    async def main() -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: threading.current_thread().name)

    assert asyncio.run(main()).startswith("asyncio_")


def test_file_reads_go_to_a_worker_thread(tmp_path: Path) -> None:
    template = tmp_path / "prompt.txt"
    template.write_text("Summarise: {text}", encoding="utf-8")
    assert asyncio.run(read_prompt_template(template)) == "Summarise: {text}"


def test_cancelled_to_thread_call_keeps_running_in_its_thread() -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    async def main() -> None:
        with pytest.raises(TimeoutError):
            await export_with_timeout(started, release, finished)
        assert started.is_set()
        # The awaiting task is gone; the thread is still blocked in the call.
        assert not finished.is_set()
        release.set()
        assert await asyncio.to_thread(finished.wait, 10)

    asyncio.run(main())
    assert finished.is_set()


def test_cooperative_stop_flag_ends_the_thread_before_cancellation_completes() -> None:
    done: list[int] = []

    async def main() -> None:
        task = asyncio.create_task(export_cancellable(10_000, done))
        async with asyncio.timeout(10):
            # wait until the thread has really started working
            while not done:  # noqa: ASYNC110 - the list is filled by a thread
                await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        count = len(done)
        await asyncio.sleep(0.05)
        assert len(done) == count  # the thread had stopped before we returned

    asyncio.run(main())
    assert 0 < len(done) < 10_000


def test_export_in_chunks_stops_at_once_when_the_flag_is_already_set() -> None:
    stop = threading.Event()
    stop.set()
    assert export_in_chunks(stop, 5, []) == 0


def test_cpu_work_runs_in_other_processes_from_async_code() -> None:
    async def main() -> tuple[list[int], int]:
        async with cpu_pool(workers=2) as pool:
            counts = await count_primes_in_parallel(pool, [10, 100, 1000])
            _, pid = await digest_elsewhere(pool, b"prompt")
        return counts, pid

    counts, pid = asyncio.run(main())
    assert counts == [4, 25, 168]
    assert pid != os.getpid()


def test_work_functions_are_plain_importable_functions() -> None:
    assert _work.count_primes(30) == 10
    digest, pid = _work.digest_with_pid(b"")
    assert digest.startswith("e3b0c442")
    assert pid == os.getpid()
