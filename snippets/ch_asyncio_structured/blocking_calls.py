"""Blocking calls belong in a thread: to_thread and run_in_executor."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)


# [start blocking-freezes-loop]
async def wait_for_gate_blocking(gate: threading.Event) -> bool:
    # A blocking wait inside a coroutine holds the loop: nothing else runs,
    # including the coroutine that would open the gate.
    return gate.wait(timeout=0.2)  # the mistake


async def wait_for_gate_in_thread(gate: threading.Event) -> bool:
    return await asyncio.to_thread(gate.wait, 5)  # the loop stays free


async def open_gate_soon(gate: threading.Event) -> None:
    await asyncio.sleep(0)
    gate.set()


# [end blocking-freezes-loop]


# [start context-propagation]
def current_request() -> str:
    return f"{request_id.get()} on {threading.current_thread().name}"


async def compare_helpers(pool: ThreadPoolExecutor) -> dict[str, str]:
    request_id.set("req-42")
    loop = asyncio.get_running_loop()
    return {
        "to_thread": await asyncio.to_thread(current_request),
        "run_in_executor": await loop.run_in_executor(pool, current_request),
    }


# [end context-propagation]


# [start read-file]
async def read_prompt_template(path: Path) -> str:
    # asyncio has no asynchronous file API: disk reads block, so they go to a
    # thread. aiofiles does the same thing under the hood.
    return await asyncio.to_thread(path.read_text, encoding="utf-8")


# [end read-file]


async def _demo(tmp: Path) -> None:
    gate = threading.Event()
    async with asyncio.TaskGroup() as tg:
        waited = tg.create_task(wait_for_gate_in_thread(gate))
        tg.create_task(open_gate_soon(gate))
    assert waited.result() is True
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-io") as pool:
        seen = await compare_helpers(pool)
    assert seen["to_thread"].startswith("req-42 on asyncio_")
    assert seen["run_in_executor"] == "- on llm-io_0"
    template = tmp / "prompt.txt"
    template.write_text("Summarise: {text}", encoding="utf-8")
    assert await read_prompt_template(template) == "Summarise: {text}"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_demo(Path(folder)))
