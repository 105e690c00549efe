"""Which thread runs a dependency: `def` ones go to the thread pool."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, FastAPI


# [start thread-deps]
def sync_dep() -> int:
    return threading.get_ident()  # runs in a worker thread of the pool


async def async_dep() -> int:
    return threading.get_ident()  # runs on the event loop's thread


app = FastAPI()


@app.get("/threads")
async def threads(
    sync_thread: Annotated[int, Depends(sync_dep)],
    async_thread: Annotated[int, Depends(async_dep)],
) -> dict[str, bool]:
    loop_thread = threading.get_ident()  # an async endpoint runs on the loop
    return {
        "sync_dep_on_loop": sync_thread == loop_thread,
        "async_dep_on_loop": async_thread == loop_thread,
    }


# [end thread-deps]


if __name__ == "__main__":
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        answer = client.get("/threads").json()
        assert answer == {"sync_dep_on_loop": False, "async_dep_on_loop": True}
