"""What asyncio.shield does, and what it does not do."""

from __future__ import annotations

import asyncio

import pytest

from ch_asyncio import shield
from ch_asyncio.shield import finish_request, main_returns_early


def test_caller_is_cancelled_at_once_while_the_shielded_write_goes_on() -> None:
    events: list[str] = []

    async def main() -> None:
        db_reply = asyncio.Event()
        request = asyncio.create_task(finish_request(events, db_reply))
        await asyncio.sleep(0)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request  # the caller gets CancelledError now...
        assert events == ["request cancelled; the write goes on"]
        (write,) = shield._in_flight
        assert not write.done()  # ...while the inner task is still pending
        db_reply.set()
        await write
        assert not write.cancelled()

    asyncio.run(main())
    assert events == ["request cancelled; the write goes on", "transcript saved"]
    assert not shield._in_flight  # the done callback discarded the reference


def test_shield_turns_a_timeout_into_timeout_error_for_the_caller_only() -> None:
    async def main() -> tuple[bool, bool]:
        inner = asyncio.create_task(asyncio.sleep(10))
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.01):
                await asyncio.shield(inner)
        still_running = not inner.done()
        inner.cancel()  # our decision, not the timeout's
        with pytest.raises(asyncio.CancelledError):
            await inner
        return still_running, inner.cancelled()

    assert asyncio.run(main()) == (True, True)


def test_shield_does_not_survive_asyncio_run_shutdown() -> None:
    events: list[str] = []
    asyncio.run(main_returns_early(events))
    assert events == ["main: gave up waiting", "commit cancelled at shutdown"]


def test_cancelling_the_inner_task_directly_is_not_prevented() -> None:
    async def main() -> bool:
        inner = asyncio.create_task(asyncio.sleep(10))
        outer = asyncio.shield(inner)
        await asyncio.sleep(0)
        inner.cancel()  # shield only guards against the *caller's* cancellation
        with pytest.raises(asyncio.CancelledError):
            await outer
        return inner.cancelled()

    assert asyncio.run(main())
