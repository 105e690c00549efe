"""ASGI middleware: one request id per request, in the logs and in the response."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ch_logging.jsonlog import request_id

# [start middleware]
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._-]{8,64}")  # never trust a header blindly


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        rid = incoming if _ACCEPTABLE.fullmatch(incoming) else uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("X-Request-ID", rid)
            await send(message)

        # No reset afterwards: uvicorn runs each request in a task of its own, so
        # the value ends with the task, and uvicorn's own error line for this
        # request (logged after the app returns) still carries the id.
        request_id.set(rid)
        await self.app(scope, receive, send_with_id)
        # [end middleware]
