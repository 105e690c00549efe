"""Entry points: asyncio.run, asyncio.Runner, and get_running_loop inside."""

from __future__ import annotations

import asyncio
import sysconfig
from pathlib import Path


# [start get-running-loop]
async def loop_facts() -> dict[str, object]:
    loop = asyncio.get_running_loop()  # the loop running this coroutine
    return {
        "loop class": type(loop).__name__,
        "running": loop.is_running(),
        "clock is monotonic": loop.time() <= loop.time(),
    }


# [end get-running-loop]


# [start asyncio-run]
async def main(events: list[str]) -> str:
    asyncio.create_task(leftover(events))  # noqa: RUF006 - left running on purpose
    await asyncio.sleep(0)
    return "main done"


async def leftover(events: list[str]) -> None:
    try:
        await asyncio.sleep(10)
    finally:
        events.append("leftover task cancelled by asyncio.run")


# [end asyncio-run]


# [start runner]
def run_twice_on_one_loop() -> tuple[int, int]:
    """A sync caller (a CLI, a sync test) that needs several async calls."""
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        first = runner.run(loop_id())
        second = runner.run(loop_id())  # same loop: pools and clients survive
    return first, second


async def loop_id() -> int:
    return id(asyncio.get_running_loop())


# [end runner]


# [start stdlib-asyncio]
def asyncio_is_from_stdlib() -> bool:
    """False when a PyPI package called 'asyncio' shadows the standard one."""
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    module = Path(asyncio.__file__).resolve()
    return module.is_relative_to(stdlib)


# [end stdlib-asyncio]


if __name__ == "__main__":
    facts = asyncio.run(loop_facts())
    assert facts["running"] is True
    events: list[str] = []
    assert asyncio.run(main(events)) == "main done"
    assert events == ["leftover task cancelled by asyncio.run"]
    first, second = run_twice_on_one_loop()
    assert first == second
    assert asyncio_is_from_stdlib()
