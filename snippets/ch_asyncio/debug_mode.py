"""Debug mode names the coroutine that blocked the loop."""

from __future__ import annotations

import asyncio
import time


# [start debug-mode]
async def handler_with_blocking_call() -> None:
    time.sleep(0.15)  # noqa: ASYNC251 - the mistake debug mode reports


async def main() -> None:
    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = 0.1  # seconds; the default is 0.1
    await asyncio.create_task(handler_with_blocking_call(), name="chat-handler")


def run_in_debug_mode() -> None:
    # Same switch as PYTHONASYNCIODEBUG=1 or python -X dev.
    asyncio.run(main(), debug=True)


# [end debug-mode]


if __name__ == "__main__":
    run_in_debug_mode()
