"""The request-id example again, written with structlog."""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Annotated, TextIO

import structlog
from fastapi import FastAPI, Path
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bound_contextvars, merge_contextvars


# [start configure]
def configure(stream: TextIO = sys.stdout) -> None:
    structlog.configure(
        processors=[
            merge_contextvars,  # adds request_id and whatever else is bound
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.WriteLoggerFactory(file=stream),
        cache_logger_on_first_use=True,
    )
    # [end configure]


# [start middleware]
class StructlogRequestId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("X-Request-ID", rid)
            await send(message)

        with bound_contextvars(request_id=rid):  # unbound again on exit
            await self.app(scope, receive, send_with_id)
            # [end middleware]


# [start app]
log = structlog.get_logger("orders")
app = FastAPI()
app.add_middleware(StructlogRequestId)


def price(order_id: str) -> int:
    log.info("pricing", order_id=order_id)  # key-value pairs, no extra=
    return 4200


@app.get("/orders/{order_id}")
async def get_order(order_id: Annotated[str, Path(max_length=32)]) -> dict[str, int]:
    log.info("order requested", order_id=order_id)
    return {"total_cents": await asyncio.to_thread(price, order_id)}
    # [end app]


if __name__ == "__main__":
    import io
    import json

    import httpx

    async def main() -> None:
        buffer = io.StringIO()
        configure(buffer)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                response = await c.get("/orders/A-1")
        finally:
            structlog.reset_defaults()
        events = [json.loads(line) for line in buffer.getvalue().splitlines()]
        assert {e["request_id"] for e in events} == {response.headers["x-request-id"]}
        assert [e["event"] for e in events] == ["order requested", "pricing"]

    asyncio.run(main())
