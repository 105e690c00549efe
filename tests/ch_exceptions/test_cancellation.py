"""Cancellation is a BaseException; swallowing it breaks timeouts and task groups."""

from __future__ import annotations

import asyncio

import pytest

from ch_exceptions import cancellation


def test_except_exception_does_not_catch_cancellation() -> None:
    assert not issubclass(asyncio.CancelledError, Exception)
    assert asyncio.run(cancellation.cancel_quiet_fetch()) is True


def test_swallowed_cancellation_means_the_timeout_never_fires() -> None:
    trace: list[str] = []
    # No TimeoutError: the call returns normally, after its deadline.
    assert asyncio.run(cancellation.call_with_deadline(trace)) == "fallback"
    assert trace == [
        "cancellation swallowed",
        "kept running after the deadline",
        "past deadline: True",
    ]


async def _honest_call_with_deadline() -> None:
    async with asyncio.timeout(0.05):
        await asyncio.sleep(3600)


def test_a_cancellable_call_gets_its_timeout() -> None:
    with pytest.raises(TimeoutError):
        asyncio.run(_honest_call_with_deadline())


def test_swallowed_cancellation_keeps_a_failed_task_group_waiting() -> None:
    trace: list[str] = []

    async def main() -> None:
        try:
            await cancellation.fan_out(trace)
        except* ConnectionError:
            trace.append("group raised")

    asyncio.run(main())
    # The group could only report the failure after the stubborn child finished.
    assert trace == [
        "stubborn call swallowed the cancellation",
        "stubborn call finished anyway",
        "group raised",
    ]


def test_cleanup_then_reraise_keeps_the_task_cancelled() -> None:
    release, cancelled = asyncio.run(cancellation.cancel_and_release())
    assert release == ["slot released"]
    assert cancelled is True


async def _instant(delay: float) -> None:
    return None


async def _vendor_down(delay: float) -> None:
    raise ConnectionError("vendor down")


def test_except_exception_still_handles_vendor_errors(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def run() -> str:
        return await cancellation.fetch_quietly(asyncio.Event())

    monkeypatch.setattr(asyncio, "sleep", _vendor_down)
    assert asyncio.run(run()) == "fallback"
    assert caplog.records[0].exc_info is not None
    monkeypatch.setattr(asyncio, "sleep", _instant)
    assert asyncio.run(run()) == "reply"


def test_uncancelled_calls_return_their_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asyncio, "sleep", _instant)
    assert asyncio.run(cancellation.vendor_call()) == "reply"
    release: list[str] = []
    reply = asyncio.run(cancellation.fetch_and_release(release, asyncio.Event()))
    assert (reply, release) == ("reply", [])
