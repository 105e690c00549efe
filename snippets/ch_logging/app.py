"""A FastAPI service whose logs, and uvicorn's, are JSON lines with a request id."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import FastAPI, Path

from ch_logging.middleware import RequestIdMiddleware

# [start app]
log = logging.getLogger("ch_logging.app")  # created when uvicorn imports the app
api = FastAPI()
app = RequestIdMiddleware(api)  # outermost: wraps even the 500 error responses


def price_in_thread(order_id: str) -> int:
    log.info("pricing in a worker thread", extra={"order_id": order_id})
    return 4200


@api.get("/orders/{order_id}")
async def get_order(order_id: Annotated[str, Path(max_length=32)]) -> dict[str, int]:
    log.info("order requested", extra={"order_id": order_id})
    cents = await asyncio.to_thread(price_in_thread, order_id)  # keeps the id
    return {"total_cents": cents}
    # [end app]


# [start crash]
@api.get("/crash")
async def crash() -> None:
    raise RuntimeError("pricing table missing")  # uvicorn.error logs the traceback
    # [end crash]
