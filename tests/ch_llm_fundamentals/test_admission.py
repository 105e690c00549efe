"""The admission timeout bounds the wait for a slot, never the call."""

import asyncio

import pytest

from ch_llm_fundamentals.admission_scope import (
    AdmissionTimeout,
    call_admission_bug,
    call_admission_scoped,
    which_deadline_fired,
)


async def half_second_call() -> str:
    await asyncio.sleep(0.5)
    return "answer"


def test_admission_timeout_around_the_call_cuts_every_call() -> None:
    async def go() -> None:
        slots = asyncio.Semaphore(2)  # free: nobody waits for admission
        await call_admission_bug(
            slots, half_second_call, admission=0.05, call_timeout=1.0
        )

    with pytest.raises(TimeoutError):
        asyncio.run(go())


def test_admission_timeout_around_acquire_lets_the_call_finish() -> None:
    async def go() -> str:
        slots = asyncio.Semaphore(2)
        return await call_admission_scoped(
            slots, half_second_call, admission=0.05, call_timeout=1.0
        )

    assert asyncio.run(go()) == "answer"


def test_scoped_admission_still_rejects_when_no_slot_frees() -> None:
    async def go() -> None:
        slots = asyncio.Semaphore(1)
        await slots.acquire()  # someone else holds the only slot
        await call_admission_scoped(
            slots, half_second_call, admission=0.05, call_timeout=1.0
        )

    with pytest.raises(AdmissionTimeout):
        asyncio.run(go())


def test_scoped_call_timeout_still_applies_and_releases_the_slot() -> None:
    async def go() -> int:
        slots = asyncio.Semaphore(1)
        with pytest.raises(TimeoutError):
            await call_admission_scoped(
                slots, half_second_call, admission=0.05, call_timeout=0.05
            )
        return slots._value

    assert asyncio.run(go()) == 1


def test_expired_tells_which_timeout_fired() -> None:
    inner = asyncio.run(which_deadline_fired(half_second_call, outer=5.0, inner=0.05))
    outer = asyncio.run(which_deadline_fired(half_second_call, outer=0.05, inner=5.0))
    assert inner == "outer expired: False, inner: True"
    assert outer == "outer expired: True, inner: False"
    fine = asyncio.run(which_deadline_fired(half_second_call, outer=5.0, inner=5.0))
    assert fine == "no timeout"
