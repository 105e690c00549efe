"""asyncio.run, asyncio.Runner, get_running_loop, get_event_loop, debug mode."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys

import pytest

from ch_asyncio.debug_mode import run_in_debug_mode
from ch_asyncio.running_loops import (
    asyncio_is_from_stdlib,
    loop_facts,
    main,
    run_twice_on_one_loop,
)


def test_asyncio_run_cancels_tasks_left_pending_when_main_returns() -> None:
    events: list[str] = []
    assert asyncio.run(main(events)) == "main done"
    assert events == ["leftover task cancelled by asyncio.run"]


def test_asyncio_run_uses_a_new_loop_each_time_and_runner_reuses_one() -> None:
    first, second = run_twice_on_one_loop()
    assert first == second

    async def current_loop() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    loop_a = asyncio.run(current_loop())
    loop_b = asyncio.run(current_loop())
    assert loop_a is not loop_b
    assert loop_a.is_closed()
    assert loop_b.is_closed()


def test_get_running_loop_inside_a_coroutine_returns_the_running_loop() -> None:
    facts = asyncio.run(loop_facts())
    assert facts["running"] is True
    assert facts["clock is monotonic"] is True


def test_get_running_loop_outside_a_coroutine_raises() -> None:
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.get_running_loop()


_LEGACY = (
    "import asyncio, warnings\n"
    "warnings.simplefilter('error')\n"
    "try:\n"
    "    loop = asyncio.get_event_loop()\n"
    "except DeprecationWarning:\n"
    "    print('DeprecationWarning')\n"
    "except RuntimeError:\n"
    "    print('RuntimeError')\n"
    "else:\n"
    "    print('new loop, silently')\n"
    "    loop.close()\n"
)


def test_get_event_loop_without_a_loop_depends_on_the_version() -> None:
    # A fresh interpreter: no loop has ever been set in its main thread.
    result = subprocess.run(
        [sys.executable, "-c", _LEGACY],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    if sys.version_info >= (3, 14):
        expected = "RuntimeError"
    elif sys.version_info >= (3, 12):
        expected = "DeprecationWarning"
    else:
        expected = "new loop, silently"  # 3.11: still creates one for you
    assert result.stdout.strip() == expected


def test_the_project_uses_the_standard_library_asyncio() -> None:
    assert asyncio_is_from_stdlib()


def test_debug_mode_logs_the_slow_task_by_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="asyncio"):
        run_in_debug_mode()
    slow = [r.getMessage() for r in caplog.records if "took" in r.getMessage()]
    assert slow, "debug mode did not report the blocking call"
    assert "chat-handler" in slow[0]
    assert "handler_with_blocking_call" in slow[0]
