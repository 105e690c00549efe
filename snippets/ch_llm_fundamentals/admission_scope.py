"""An admission timeout must bound the wait for a slot, never the call."""

import asyncio
from collections.abc import Awaitable, Callable

Call = Callable[[], Awaitable[str]]


# [start admission-bug]
async def call_admission_bug(
    slots: asyncio.Semaphore, call: Call, *, admission: float, call_timeout: float
) -> str:
    # BUG: the outer timeout is meant for the queue, but it encloses the call,
    # so every call is cut at `admission` seconds and `call_timeout` is dead.
    async with asyncio.timeout(admission):
        async with slots:
            async with asyncio.timeout(call_timeout):
                return await call()


# [end admission-bug]


class AdmissionTimeout(Exception):
    """No slot within the admission timeout: the service answers 503."""


# [start admission-fix]
async def call_admission_scoped(
    slots: asyncio.Semaphore, call: Call, *, admission: float, call_timeout: float
) -> str:
    try:
        async with asyncio.timeout(admission):  # bounds only the wait
            await slots.acquire()
    except TimeoutError:
        raise AdmissionTimeout(f"no slot within {admission} s") from None
    try:
        async with asyncio.timeout(call_timeout):  # bounds only the call
            return await call()
    finally:
        slots.release()


# [end admission-fix]


# [start which-fired]
async def which_deadline_fired(call: Call, *, outer: float, inner: float) -> str:
    """With nested timeouts, ``expired()`` says which one fired."""
    try:
        async with asyncio.timeout(outer) as outer_cm:
            async with asyncio.timeout(inner) as inner_cm:
                await call()
    except TimeoutError:
        return f"outer expired: {outer_cm.expired()}, inner: {inner_cm.expired()}"
    return "no timeout"


# [end which-fired]
