"""Each fan-out primitive has its own failure policy."""

from __future__ import annotations

import asyncio

import pytest

from ch_asyncio_structured.failure_policies import (
    VendorDown,
    all_outcomes,
    failing_call,
    slow_call,
    with_gather,
    with_taskgroup,
    with_wait,
)


def _others() -> set[asyncio.Task[object]]:
    return asyncio.all_tasks() - {asyncio.current_task()}  # type: ignore[arg-type]


def test_taskgroup_cancels_siblings_and_body_then_raises_exception_group() -> None:
    events: list[str] = []

    async def main() -> None:
        await with_taskgroup(events, asyncio.Event())
        assert not _others()  # nothing left running after the block

    asyncio.run(main())
    assert events == ["summary cancelled", "caught 1 VendorDown in a group"]


def test_plain_except_does_not_match_the_taskgroup_exception_group() -> None:
    async def main() -> None:
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(failing_call())
        except VendorDown:  # pragma: no cover - never matches: that is the claim
            pytest.fail("a plain except matched an ExceptionGroup")

    with pytest.raises(ExceptionGroup) as caught:
        asyncio.run(main())
    assert caught.group_contains(VendorDown)


def test_gather_raises_the_first_error_and_leaves_the_sibling_running() -> None:
    events: list[str] = []

    async def main() -> str:
        release = asyncio.Event()
        await with_gather(events, release)
        (sibling,) = _others()  # gather did not cancel it
        assert not sibling.done()
        release.set()  # only now can the sibling finish
        return await sibling  # type: ignore[return-value]

    assert asyncio.run(main()) == "summary"
    assert events == ["caught VendorDown; summary still running", "summary finished"]


def test_gather_with_return_exceptions_returns_every_outcome_in_order() -> None:
    outcomes = asyncio.run(all_outcomes(asyncio.Event()))
    assert outcomes[0] == "summary"
    assert isinstance(outcomes[1], VendorDown)


def test_cancelling_a_gather_cancels_its_children() -> None:
    events: list[str] = []

    async def main() -> None:
        release = asyncio.Event()
        gathered = asyncio.gather(
            slow_call(events, release, "a"), slow_call(events, release, "b")
        )
        await asyncio.sleep(0)
        gathered.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gathered

    asyncio.run(main())
    assert sorted(events) == ["a cancelled", "b cancelled"]


def test_wait_first_exception_returns_and_leaves_the_rest_running() -> None:
    events: list[str] = []

    async def main() -> None:
        release = asyncio.Event()
        done, pending = await with_wait(events, release)
        (failed,) = done
        assert isinstance(failed.exception(), VendorDown)
        (still_running,) = pending
        assert not still_running.done()
        release.set()
        assert await still_running == "summary"

    asyncio.run(main())
    assert events == ["wait returned: 1 done, 1 pending", "summary finished"]


def test_listing_self_check_passes() -> None:
    from ch_asyncio_structured.failure_policies import self_check

    self_check()
